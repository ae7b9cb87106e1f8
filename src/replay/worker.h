/*
 * A replay thread's life: the work of one recorded thread taken from its queue,
 * each call waiting for the ordering rule (and, under --timing, the recorded think
 * time), then issued, verified and measured. In serial replay the trace reader does
 * the same work item by item on its own thread (worker_run_now).
 */
#ifndef REPRISE_REPLAY_WORKER_H
#define REPRISE_REPLAY_WORKER_H

#include <stdint.h>

#include "replay/replay.h"
#include "replay/task.h"

/* Gives a thread the trace did not show being created a process of its own, and starts it. */
void worker_start_root(struct replay_ctx *ctx, struct replay_task *t, uint64_t ts_ns);

/* Serial replay: does one item of t's on the calling thread; t is freed after its end item. */
void worker_run_now(struct replay_ctx *ctx, struct replay_task *t, struct replay_item *item);
/* Serial replay: ends t on the calling thread, as its worker would after its last item. */
void worker_finish_now(struct replay_ctx *ctx, struct replay_task *t);
/* Leaving serial replay: t's items are taken from its queue by a worker thread from now on. */
void worker_go_parallel(struct replay_ctx *ctx, struct replay_task *t);

#endif
