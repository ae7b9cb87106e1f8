/*
 * Comparing a replayed call with its recording: the result and errno always (new
 * descriptors through the map, so equal when both succeeded); with --verify also
 * the data the call returned: bytes read, getdents64 names and types (as sets:
 * listing order is the file system's), stat fields other than times, inode, device,
 * block counts and directory sizes. Mismatches are counted; the first few printed.
 */
#ifndef REPRISE_REPLAY_VERIFY_H
#define REPRISE_REPLAY_VERIFY_H

#include <pthread.h>
#include <stdint.h>

#include "arch/arch.h"
#include "reprise/trace.h"

enum mismatch_policy { MISMATCH_WARN, MISMATCH_ABORT, MISMATCH_IGNORE };

/* How many mismatches --on-mismatch=warn prints. */
#define MISMATCHES_SHOWN 20

struct mismatch_log {
	pthread_mutex_t lock;
	uint8_t policy;      /* enum mismatch_policy */
	uint64_t count;
	unsigned shown;
};

void mismatch_log_init(struct mismatch_log *log, uint8_t policy);
void mismatch_log_destroy(struct mismatch_log *log);

/* Counts a mismatch and prints "what: expected ..., replay ..." when the policy says so. */
void mismatch_report(struct mismatch_log *log, const char *what, const char *expected, const char *actual);

struct exec_result;

/*
 * Compares the replayed call r with the recorded enter/exit; reports what differs.
 * 1 if something did.
 */
int verify_call(struct mismatch_log *log, const struct arch *arch, const struct rpr_event *enter,
		const struct rpr_event *exit, const struct exec_result *r, int compare_data);

#endif
