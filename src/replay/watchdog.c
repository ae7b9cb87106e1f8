#include "replay/watchdog.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

static void on_interrupt(int sig)
{
	(void)sig;
}

void watchdog_task_started(struct replay_ctx *ctx, struct replay_task *t)
{
	pthread_mutex_lock(&ctx->live_lock);
	t->prev_live = NULL;
	t->next_live = ctx->live;
	if (ctx->live)
		ctx->live->prev_live = t;
	ctx->live = t;
	ctx->nlive++;
	pthread_mutex_unlock(&ctx->live_lock);
}

void watchdog_task_running(struct replay_ctx *ctx, struct replay_task *t)
{
	pthread_mutex_lock(&ctx->live_lock);
	t->thread = pthread_self();
	t->running = 1;
	pthread_mutex_unlock(&ctx->live_lock);
}

void watchdog_task_ended(struct replay_ctx *ctx, struct replay_task *t)
{
	pthread_mutex_lock(&ctx->live_lock);
	if (t->prev_live)
		t->prev_live->next_live = t->next_live;
	else
		ctx->live = t->next_live;
	if (t->next_live)
		t->next_live->prev_live = t->prev_live;
	if (--ctx->nlive == 0)
		pthread_cond_broadcast(&ctx->live_ended);
	pthread_mutex_unlock(&ctx->live_lock);
}

int watchdog_wait_ended(struct replay_ctx *ctx, unsigned timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&ctx->live_lock);
	int rc = 0;
	while (ctx->nlive && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&ctx->live_ended, &ctx->live_lock, &until);
	int ended = ctx->nlive == 0;
	pthread_mutex_unlock(&ctx->live_lock);
	return ended;
}

unsigned watchdog_live_tasks(struct replay_ctx *ctx)
{
	pthread_mutex_lock(&ctx->live_lock);
	unsigned n = ctx->nlive;
	pthread_mutex_unlock(&ctx->live_lock);
	return n;
}

void watchdog_init(struct watchdog *w, double timeout_s, uint64_t now_ns)
{
	w->seen = 0;
	w->since_ns = now_ns;
	w->timeout_ns = (uint64_t)(timeout_s * 1e9);
}

static int anyone_thinking(struct replay_ctx *ctx)
{
	int thinking = 0;
	pthread_mutex_lock(&ctx->live_lock);
	for (struct replay_task *t = ctx->live; t && !thinking; t = t->next_live)
		thinking = __atomic_load_n(&t->doing, __ATOMIC_ACQUIRE) == TASK_THINKING;
	pthread_mutex_unlock(&ctx->live_lock);
	return thinking;
}

int watchdog_stalled(struct watchdog *w, struct replay_ctx *ctx, uint64_t events, uint64_t now_ns)
{
	uint64_t seen = __atomic_load_n(&ctx->progress, __ATOMIC_RELAXED) + events;
	if (seen != w->seen || anyone_thinking(ctx)) {
		w->seen = seen;
		w->since_ns = now_ns;
		return 0;
	}
	return w->timeout_ns && now_ns - w->since_ns >= w->timeout_ns;
}

void watchdog_describe(struct replay_ctx *ctx, FILE *out)
{
	pthread_mutex_lock(&ctx->live_lock);
	for (struct replay_task *t = ctx->live; t; t = t->next_live) {
		uint8_t doing = __atomic_load_n(&t->doing, __ATOMIC_ACQUIRE);
		uint32_t nr = __atomic_load_n(&t->doing_nr, __ATOMIC_RELAXED);
		uint64_t need = __atomic_load_n(&t->doing_need, __ATOMIC_RELAXED);
		const char *name = arch_syscall_name(ctx->arch, nr);
		switch (doing) {
		case TASK_IN_CALL:
			if (name)
				fprintf(out, "reprise: stalled: thread %d blocked in %s\n", (int)t->tid, name);
			else
				fprintf(out, "reprise: stalled: thread %d blocked in syscall %u\n", (int)t->tid, nr);
			break;
		case TASK_ORDERED:
			fprintf(out, "reprise: stalled: thread %d waiting to issue %s until the recording's first %llu calls "
				     "have returned (%llu have)\n",
				(int)t->tid, name ? name : "a call", (unsigned long long)need,
				(unsigned long long)watermark_done(&ctx->watermark));
			break;
		default:
			fprintf(out, "reprise: stalled: thread %d waiting for its next call\n", (int)t->tid);
			break;
		}
	}
	pthread_mutex_unlock(&ctx->live_lock);
}

int watchdog_interrupt(struct replay_ctx *ctx, unsigned timeout_ms)
{
	/* no SA_RESTART: a blocked call returns EINTR, and the stopped replay issues nothing more */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL) < 0)
		return 0;
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 20 * 1000000 };
	for (unsigned waited = 0; waited < timeout_ms; waited += 20) {
		pthread_mutex_lock(&ctx->live_lock);
		unsigned live = ctx->nlive;
		/* a pool thread outlives its task, so signalling one that just finished is harmless */
		for (struct replay_task *t = ctx->live; t; t = t->next_live)
			if (t->running)
				pthread_kill(t->thread, SIGUSR2);
		pthread_mutex_unlock(&ctx->live_lock);
		if (!live)
			return 1;
		nanosleep(&tick, NULL);
	}
	return watchdog_live_tasks(ctx) == 0;
}
