#include "replay/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "replay/exec.h"
#include "replay/watchdog.h"
#include "replay/written.h"
#include "util/util.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

/* Waits out `recorded_ns` of the recording, scaled, from where the thread's replayed timeline stands. */
static void wait_recorded(const struct replay_ctx *ctx, struct replay_task *t, uint64_t recorded_ns)
{
	if (ctx->opt->timing == TIMING_AFAP)
		return;
	uint64_t target = t->last_replayed_ns + (uint64_t)((double)recorded_ns * ctx->opt->scale);
	if (target > now_ns())
		sleep_until(target);
}

/* Moves the thread's replayed timeline to now; with --timing=afap nothing waits on it, so the clock is not read. */
static void mark_replayed(const struct replay_ctx *ctx, struct replay_task *t)
{
	if (ctx->opt->timing != TIMING_AFAP)
		t->last_replayed_ns = now_ns();
}

static void run_task(void *arg);

static void start(struct replay_ctx *ctx, struct replay_task *t, uint64_t ts_ns)
{
	t->ctx = ctx;
	t->last_recorded_ns = ts_ns;
	t->last_replayed_ns = now_ns();
	__atomic_add_fetch(&ctx->report.threads, 1, __ATOMIC_RELAXED);
	watchdog_task_started(ctx, t);
	if (ctx->serial)
		watchdog_task_running(ctx, t);
	else
		worker_go_parallel(ctx, t);
}

void worker_go_parallel(struct replay_ctx *ctx, struct replay_task *t)
{
	if (worker_pool_submit(&ctx->pool, run_task, t) < 0)
		rp_die(1, "%s", ctx->pool.error);
}

void worker_start_root(struct replay_ctx *ctx, struct replay_task *t, uint64_t ts_ns)
{
	struct fd_map *fds = fd_map_new();
	for (int fd = 0; fd < 3; fd++) {
		int copy = fcntl(ctx->stdio_fds[fd], F_DUPFD_CLOEXEC, 3);
		if (copy < 0)
			rp_die(1, "duplicating a standard descriptor: %m");
		fd_map_install(fds, fd, copy, 0, FD_ORIGIN_STDIO, NULL);
	}
	t->proc = replay_process_new(fds, fs_context_new(ctx->initial_cwd, 022));
	start(ctx, t, ts_ns);
}

static void spawn(struct replay_ctx *ctx, struct replay_task *parent, const struct replay_item *item)
{
	struct replay_task *child = item->child;
	struct replay_process *p = parent->proc;
	uint64_t fl = item->clone_flags;
	if (fl & CLONE_THREAD)
		child->proc = replay_process_join(p);
	else
		child->proc = replay_process_new(fl & CLONE_FILES ? fd_map_share(p->fds) : fd_map_copy(p->fds),
						 fl & CLONE_FS ? fs_context_share(p->fs) : fs_context_copy(p->fs));
	start(ctx, child, item->ts_ns);
}

/*
 * A call a signal cut short: the program saw EINTR, or the kernel made the call again (its
 * own ERESTART* results, which a tracer sees). It did nothing; issued again without the
 * signal, a blocking one would wait for good, holding back every call ordered after it.
 */
static int cut_short(const struct rpr_event *exit)
{
	int64_t ret = exit ? exit->u.exit.ret : 0;
	return ret == -EINTR || ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
	       ret == -ERESTART_RESTARTBLOCK;
}

static void replay_call(struct replay_ctx *ctx, struct replay_task *t, const struct replay_item *item)
{
	const struct rpr_event *enter = item->enter, *exit = item->exit;
	uint32_t nr = enter ? enter->u.enter.nr : exit->u.exit.nr;
	task_doing(t, TASK_ORDERED, nr, item->need);
	if (replay_stopped(ctx) || watermark_wait(&ctx->watermark, item->need) < 0)
		return;
	task_doing(t, TASK_THINKING, nr, 0);
	if (enter)
		wait_recorded(ctx, t, enter->ts_ns > t->last_recorded_ns ? enter->ts_ns - t->last_recorded_ns : 0);
	task_doing(t, TASK_IN_CALL, nr, 0);
	mark_replayed(ctx, t);
	const struct replay_rule *rule = nr < SYS_SET_MAX ? &ctx->rules[nr] : NULL;
	int unfinished = !enter || !exit ||
			 (exit->u.exit.flags & (RPR_EXIT_NO_RETURN | RPR_EXIT_KILLED | RPR_EXIT_DETACHED));
	struct exec_result r = { 0 };
	if (!rule || rule->how == RH_NONE)
		r.skip = "not a call on files, directories, descriptors or pipes";
	else if (unfinished)
		r.skip = "unfinished in the recording (the thread exited, was killed or let go first)";
	else if (cut_short(exit))
		r.skip = "cut short by a signal: it did nothing";
	else
		replay_execute(ctx, t->proc, rule, enter, exit, &r);
	/* a call interrupted by the watchdog, or finishing as an abort came, has an outcome that says nothing */
	if (r.replayed && !replay_stopped(ctx)) {
		int bad = verify_call(&ctx->mismatches, ctx->arch, enter, exit, &r, ctx->opt->verify &&
				      ctx->opt->data.mode == DATA_RECORDED && !r.device);
		replay_report_replayed(&ctx->report, nr, exit->ts_ns - enter->ts_ns, r.ns, bad);
		if (bad && ctx->opt->on_mismatch == MISMATCH_ABORT)
			replay_stop(ctx);
	} else if (!r.replayed) {
		replay_report_kept(&ctx->report, nr, r.skip);
		if (enter && exit && !unfinished)
			replay_keep_descriptors(ctx, t->proc, enter, exit);
		task_doing(t, TASK_THINKING, nr, 0);
		if (enter && exit)
			wait_recorded(ctx, t, exit->ts_ns > enter->ts_ns ? exit->ts_ns - enter->ts_ns : 0);
	}
	if (ctx->shadow && !unfinished)
		written_note(ctx, t->proc, enter, exit, &r);
	exec_release(&r);
	t->last_recorded_ns = exit ? exit->ts_ns : enter->ts_ns;
	mark_replayed(ctx, t);
}

/* Does one item of a thread's work; 1 when it was the thread's last. */
static int run_item(struct replay_ctx *ctx, struct replay_task *t, struct replay_item *item)
{
	int end = item->kind == ITEM_END;
	switch (item->kind) {
	case ITEM_CALL:
		replay_call(ctx, t, item);
		if (item->rank != NO_RANK)
			watermark_complete(&ctx->watermark, item->rank);
		break;
	case ITEM_SPAWN:
		spawn(ctx, t, item);
		break;
	case ITEM_EXEC:
		replay_process_exec(t->proc);
		break;
	default:
		break;
	}
	task_doing(t, TASK_QUEUED, 0, 0);
	watchdog_progress(ctx);
	return end;
}

/*
 * The reader wrote these items on another CPU: asking for all of their cache lines at
 * once overlaps the transfers that fetching them call by call would pay one after another.
 */
static void prefetch_batch(struct replay_item **batch, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		__builtin_prefetch(batch[i]);
	for (unsigned i = 0; i < n; i++) {
		const struct rpr_event *evs[2] = { batch[i]->enter, batch[i]->exit };
		for (unsigned e = 0; e < 2; e++) {
			if (!evs[e])
				continue;
			__builtin_prefetch(evs[e]);
			__builtin_prefetch((const char *)evs[e] + 64);
			__builtin_prefetch((const char *)evs[e] + 128);
		}
	}
}

static void run_task(void *arg)
{
	struct replay_task *t = arg;
	struct replay_ctx *ctx = t->ctx;
	struct replay_item *batch[TASK_TAKE_MAX];
	unsigned n = 0;
	int end = 0;
	watchdog_task_running(ctx, t);
	/* the feed hands nothing to a thread after its end, so the end item closes its batch */
	while (!end && (n = replay_task_take(t, batch, n, TASK_TAKE_MAX))) {
		prefetch_batch(batch, n);
		for (unsigned i = 0; i < n; i++)
			end = run_item(ctx, t, batch[i]);
	}
	for (unsigned i = 0; i < n; i++)
		replay_item_free(batch[i]);
	worker_finish_now(ctx, t);
}

void worker_finish_now(struct replay_ctx *ctx, struct replay_task *t)
{
	replay_process_leave(t->proc);
	watchdog_task_ended(ctx, t);
	replay_task_free(t);
}

void worker_run_now(struct replay_ctx *ctx, struct replay_task *t, struct replay_item *item)
{
	if (run_item(ctx, t, item))
		worker_finish_now(ctx, t);
}
