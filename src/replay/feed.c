#include "replay/feed.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "replay/task.h"
#include "replay/worker.h"
#include "util/util.h"

#define EVENTS_PUBLISHED_EVERY 64

static unsigned bucket_of(int32_t tid)
{
	return (uint32_t)tid * 2654435761u % FEED_BUCKETS;
}

static struct replay_task *find_task(struct feed *f, int32_t tid)
{
	for (struct replay_task *t = f->buckets[bucket_of(tid)]; t; t = t->next_in_bucket)
		if (t->tid == tid)
			return t;
	return NULL;
}

static void forget_task(struct feed *f, struct replay_task *task)
{
	struct replay_task **p = &f->buckets[bucket_of(task->tid)];
	while (*p && *p != task)
		p = &(*p)->next_in_bucket;
	if (*p)
		*p = task->next_in_bucket;
}

static void remember_task(struct feed *f, struct replay_task *t)
{
	unsigned b = bucket_of(t->tid);
	t->next_in_bucket = f->buckets[b];
	f->buckets[b] = t;
}

/*
 * Hands an item to t: in serial replay does it right away, else queues it, waiting for
 * room; while stopping, the item may be dropped instead (-1).
 */
static int push(struct feed *f, struct replay_task *t, struct replay_item *item)
{
	if (f->ctx->serial) {
		f->ran_items = 1;
		worker_run_now(f->ctx, t, item);
		item_pool_put(&f->pool, item);
		return 0;
	}
	return replay_task_push(t, item, &f->ctx->stopped, &f->pool);
}

/*
 * Serial replay. Calls are complete once their exit is read, and issuing them one by
 * one in exit order keeps the ordering rule. It also keeps everything the recording
 * did as long as no two calls that replay issues were ever in flight at once: then
 * none of them can have waited for another (a pipe read for its writer). Until that
 * happens - for single-threaded programs, never - the reader issues the calls itself,
 * sparing the hand-off to a worker on another CPU for every call. When it happens,
 * every thread gets its worker and the replay goes on in parallel.
 */
static int replayable(const struct feed *f, uint32_t nr)
{
	return nr < SYS_SET_MAX && f->ctx->rules[nr].how != RH_NONE;
}

static void go_parallel(struct feed *f)
{
	f->ctx->serial = 0;
	for (unsigned b = 0; b < FEED_BUCKETS; b++)
		for (struct replay_task *t = f->buckets[b]; t; t = t->next_in_bucket)
			worker_go_parallel(f->ctx, t);
}

static void call_entered(struct feed *f, struct replay_task *t, uint32_t nr)
{
	if (!replayable(f, nr))
		return;
	if (f->in_flight && f->ctx->serial)
		go_parallel(f);
	t->pending_replayable = 1;
	f->in_flight++;
}

static void call_left(struct feed *f, struct replay_task *t)
{
	if (t->pending_replayable) {
		t->pending_replayable = 0;
		f->in_flight--;
	}
}

/* A thread the trace never introduced (attached, or announced out of order): a process of its own. */
static struct replay_task *task_for(struct feed *f, int32_t tid, uint64_t ts_ns)
{
	struct replay_task *t = find_task(f, tid);
	if (t)
		return t;
	t = replay_task_new(tid);
	remember_task(f, t);
	worker_start_root(f->ctx, t, ts_ns);
	return t;
}

/* Hands over the call a thread entered and never returned from, kept in its place but not replayed. */
static void flush_pending(struct feed *f, struct replay_task *t)
{
	if (!t->pending)
		return;
	struct replay_item *item = t->pending;
	item->need = t->pending_need;
	t->pending = NULL;
	call_left(f, t);
	push(f, t, item);
}

static void end_task(struct feed *f, struct replay_task *t, uint64_t ts_ns)
{
	flush_pending(f, t);
	forget_task(f, t);
	struct replay_item *item = item_pool_get(&f->pool, ITEM_END);
	item->ts_ns = ts_ns;
	/* the worker frees the task once it takes this item: the feed must not touch t again */
	push(f, t, item);
}

static void on_task_new(struct feed *f, const struct rpr_event *ev)
{
	if (find_task(f, ev->tid))
		return;
	struct replay_task *parent = ev->u.task_new.parent_tid ? find_task(f, ev->u.task_new.parent_tid) : NULL;
	struct replay_task *child = replay_task_new(ev->tid);
	remember_task(f, child);
	if (!parent) {
		worker_start_root(f->ctx, child, ev->ts_ns);
		return;
	}
	struct replay_item *item = item_pool_get(&f->pool, ITEM_SPAWN);
	item->child = child;
	item->clone_flags = ev->u.task_new.clone_flags;
	item->ts_ns = ev->ts_ns;
	if (push(f, parent, item) < 0) {
		/* dropped while stopping: nobody will start the child */
		forget_task(f, child);
		replay_task_free(child);
	}
}

static void on_enter(struct feed *f, const struct rpr_event *ev)
{
	struct replay_task *t = task_for(f, ev->tid, ev->ts_ns);
	flush_pending(f, t);
	t->pending = item_pool_get(&f->pool, ITEM_CALL);
	replay_item_store(t->pending, 0, ev);
	t->pending_need = f->exits_seen;
	call_entered(f, t, ev->u.enter.nr);
}

static void on_exit_event(struct feed *f, const struct rpr_event *ev)
{
	struct replay_task *t = task_for(f, ev->tid, ev->ts_ns);
	if (t->pending && t->pending->enter->seq != ev->u.exit.enter_seq)
		flush_pending(f, t);
	struct replay_item *item = t->pending ? t->pending : item_pool_get(&f->pool, ITEM_CALL);
	item->need = t->pending ? t->pending_need : f->exits_seen;
	replay_item_store(item, 1, ev);
	item->rank = f->exits_seen++;
	t->pending = NULL;
	call_left(f, t);
	push(f, t, item);
}

static void on_exec(struct feed *f, const struct rpr_event *ev)
{
	int32_t former = ev->u.exec.former_tid;
	if (former && former != ev->tid) {
		/* the exec'ing thread takes the leader's tid; the old leader is gone */
		struct replay_task *leader = find_task(f, ev->tid);
		if (leader)
			end_task(f, leader, ev->ts_ns);
		struct replay_task *t = find_task(f, former);
		if (t) {
			forget_task(f, t);
			t->tid = ev->tid;
			remember_task(f, t);
		}
	}
	struct replay_item *item = item_pool_get(&f->pool, ITEM_EXEC);
	item->ts_ns = ev->ts_ns;
	push(f, task_for(f, ev->tid, ev->ts_ns), item);
}

static void dispatch(struct feed *f, const struct rpr_event *ev)
{
	switch (ev->kind) {
	case RPR_EV_TASK_NEW:
		on_task_new(f, ev);
		return;
	case RPR_EV_SYSCALL_ENTER:
		on_enter(f, ev);
		return;
	case RPR_EV_SYSCALL_EXIT:
		on_exit_event(f, ev);
		return;
	case RPR_EV_EXEC:
		on_exec(f, ev);
		return;
	case RPR_EV_TASK_EXIT:
	case RPR_EV_DETACH: {
		struct replay_task *t = find_task(f, ev->tid);
		if (t)
			end_task(f, t, ev->ts_ns);
		return;
	}
	default:
		return;
	}
}

static void *feed_main(void *arg)
{
	struct feed *f = arg;
	const struct rpr_event *ev;
	int got = 0;
	uint64_t events = 0;
	while (!replay_stopped(f->ctx) && (got = rpr_reader_next(f->reader, &ev)) > 0) {
		dispatch(f, ev);
		/* the count is for the progress bar and the watchdog: publishing it now and then is enough */
		if (++events % EVENTS_PUBLISHED_EVERY == 0)
			__atomic_store_n(&f->events, events, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&f->events, events, __ATOMIC_RELAXED);
	if (!replay_stopped(f->ctx) && got < 0) {
		snprintf(f->error, sizeof(f->error), "%s", rpr_reader_error(f->reader));
		f->failed = 1;
	}
	for (unsigned b = 0; b < FEED_BUCKETS; b++) {
		while (f->buckets[b]) {
			struct replay_task *t = f->buckets[b];
			f->buckets[b] = t->next_in_bucket;
			flush_pending(f, t);
			if (f->ctx->serial)
				worker_finish_now(f->ctx, t);
			else
				replay_task_close(t);
		}
	}
	pthread_mutex_lock(&f->lock);
	f->finished = 1;
	pthread_cond_broadcast(&f->finished_cond);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

int feed_start(struct feed *f, struct replay_ctx *ctx, struct rpr_reader *reader)
{
	memset(f, 0, sizeof(*f));
	f->ctx = ctx;
	f->reader = reader;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->finished_cond, NULL);
	int err = pthread_create(&f->thread, NULL, feed_main, f);
	if (err) {
		snprintf(f->error, sizeof(f->error), "cannot start the trace reader thread: %s", strerror(err));
		return -1;
	}
	return 0;
}

int feed_wait(struct feed *f, unsigned timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&f->lock);
	int rc = 0;
	while (!f->finished && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&f->finished_cond, &f->lock, &until);
	int done = f->finished;
	pthread_mutex_unlock(&f->lock);
	return done;
}

void feed_join(struct feed *f)
{
	pthread_join(f->thread, NULL);
	item_pool_free(&f->pool);
	pthread_cond_destroy(&f->finished_cond);
	pthread_mutex_destroy(&f->lock);
}

uint64_t feed_events(struct feed *f)
{
	return __atomic_load_n(&f->events, __ATOMIC_RELAXED);
}
