/*
 * The trace reader thread: decodes events ahead of the replay and turns them into
 * per-thread work (calls with their ordering requirement and exit rank, spawns,
 * execs, ends), waiting whenever a thread's queue is full. While the recording never
 * had two replayed calls in flight at once, it does the work itself (serial replay).
 */
#ifndef REPRISE_REPLAY_FEED_H
#define REPRISE_REPLAY_FEED_H

#include <pthread.h>
#include <stdint.h>

#include "reprise/trace.h"
#include "replay/replay.h"
#include "replay/task.h"

#define FEED_BUCKETS 1024

struct feed {
	struct replay_ctx *ctx;
	struct rpr_reader *reader;
	pthread_t thread;
	struct replay_task *buckets[FEED_BUCKETS];
	struct item_pool pool;
	uint64_t exits_seen;
	unsigned in_flight;       /* calls replay issues entered and not yet returned */
	int ran_items;            /* the reader did work itself (serial replay) */
	uint64_t events;          /* events decoded so far (progress) */
	int failed;               /* the trace could not be read to its end */
	char error[512];
	/* set when the reader has handed out everything */
	pthread_mutex_t lock;
	pthread_cond_t finished_cond;
	int finished;
};

/* Starts the reader thread over an open reader. 0, or -1 with the reason in f->error. */
int feed_start(struct feed *f, struct replay_ctx *ctx, struct rpr_reader *reader);
/* Waits up to timeout_ms for the reader to finish; 1 if it has. */
int feed_wait(struct feed *f, unsigned timeout_ms);
void feed_join(struct feed *f);
uint64_t feed_events(struct feed *f);

#endif
