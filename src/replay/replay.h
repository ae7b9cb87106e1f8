/*
 * reprise replay: issues a trace's file and descriptor calls again, under a
 * sandbox root, in the recorded order and concurrency, and checks every outcome
 * against the recording. This header is the state the replay's parts share.
 */
#ifndef REPRISE_REPLAY_REPLAY_H
#define REPRISE_REPLAY_REPLAY_H

#include <pthread.h>
#include <stdint.h>

#include "arch/arch.h"
#include "replay/datafill.h"
#include "replay/report.h"
#include "replay/rules.h"
#include "replay/sandbox.h"
#include "replay/sched.h"
#include "replay/shadow.h"
#include "replay/verify.h"
#include "sys/select.h"

enum timing_mode { TIMING_AFAP, TIMING_ORIGINAL, TIMING_SCALED };

struct replay_options {
	const char *trace;
	const char *root;       /* NULL: a new temporary directory */
	const char *cwd;        /* the recorded initial working directory, NULL to infer it */
	const char *json;
	int prepare, verify, verbose, stdio;
	uint8_t timing;         /* enum timing_mode */
	double scale;           /* think-time multiplier (1 for original) */
	uint8_t on_mismatch;    /* enum mismatch_policy */
	double stall_timeout;   /* seconds without progress before the replay is declared stalled; 0: never */
	struct data_fill data;
};

struct replay_task;

struct replay_ctx {
	const struct replay_options *opt;
	const struct arch *arch;
	struct sandbox sandbox;
	struct replay_rule rules[SYS_SET_MAX];
	struct watermark watermark;
	struct worker_pool pool;
	struct mismatch_log mismatches;
	struct replay_report report;
	int stdio_fds[3];       /* what the recorded standard descriptors become */
	char *initial_cwd;
	int stopped;            /* set (atomically) when --on-mismatch=abort fired */
	/*
	 * The trace reader issues the calls itself, no worker threads (see feed.c). Only the
	 * reader writes it, before handing any thread to a worker.
	 */
	int serial;
	/* how long a new descriptor waits for a close to free its number: 0 when -e may have left closes out */
	unsigned fd_reuse_wait_ms;
	struct shadow_store *shadow; /* the on-disk state record (--verify), or NULL */
	uint8_t written_kinds[SYS_SET_MAX];
	/* for the stall watchdog: calls completed, and the replay threads started and not yet ended */
	uint64_t progress;
	pthread_mutex_t live_lock;
	pthread_cond_t live_ended;
	struct replay_task *live;
	unsigned nlive;
};

/* 1 once the replay was stopped. */
static inline int replay_stopped(const struct replay_ctx *ctx)
{
	return __atomic_load_n(&ctx->stopped, __ATOMIC_ACQUIRE);
}

void replay_stop(struct replay_ctx *ctx);

int cmd_replay(int argc, char **argv);

#endif
