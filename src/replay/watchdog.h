/*
 * The stall watchdog: a replay that diverged from its recording can block for
 * good (a read on a pipe nobody writes, an open of a FIFO nobody opens). When no
 * call completes and no event is decoded for --stall-timeout seconds, while no
 * thread is waiting out recorded time, the replay is declared stalled: each live
 * replay thread is named with what it is blocked in, the replay is stopped, and
 * threads blocked in the kernel are interrupted by a signal so they can be joined.
 */
#ifndef REPRISE_REPLAY_WATCHDOG_H
#define REPRISE_REPLAY_WATCHDOG_H

#include <stdint.h>
#include <stdio.h>

#include "replay/replay.h"
#include "replay/task.h"

/* The exit status of a stalled replay. */
#define REPLAY_STALLED_STATUS 5

/* Live tasks: started, not yet ended. */
void watchdog_task_started(struct replay_ctx *ctx, struct replay_task *t);
void watchdog_task_running(struct replay_ctx *ctx, struct replay_task *t);
void watchdog_task_ended(struct replay_ctx *ctx, struct replay_task *t);
unsigned watchdog_live_tasks(struct replay_ctx *ctx);
/* Waits up to timeout_ms for every live task to end. 1 if they have. */
int watchdog_wait_ended(struct replay_ctx *ctx, unsigned timeout_ms);

/* A call or other item finished: the replay moves. */
static inline void watchdog_progress(struct replay_ctx *ctx)
{
	__atomic_add_fetch(&ctx->progress, 1, __ATOMIC_RELAXED);
}

struct watchdog {
	uint64_t seen;           /* progress and events at the last look */
	uint64_t since_ns;       /* when they last changed */
	uint64_t timeout_ns;     /* 0: never stalled */
};

void watchdog_init(struct watchdog *w, double timeout_s, uint64_t now_ns);
/* 1 once nothing has moved for the timeout; events is the trace reader's count. */
int watchdog_stalled(struct watchdog *w, struct replay_ctx *ctx, uint64_t events, uint64_t now_ns);
/* One line per live thread: its recorded tid and what it is blocked in. */
void watchdog_describe(struct replay_ctx *ctx, FILE *out);
/* Interrupts the live threads until they have all ended or timeout_ms passed. 1 if they all ended. */
int watchdog_interrupt(struct replay_ctx *ctx, unsigned timeout_ms);

#endif
