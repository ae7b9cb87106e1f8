/*
 * What a replay measured: per system call, how many calls were replayed (with
 * recorded and replayed latency histograms), kept in place without being replayed,
 * or mismatched; printed as a summary table or written as JSON for benchmarks.
 */
#ifndef REPRISE_REPLAY_REPORT_H
#define REPRISE_REPLAY_REPORT_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "arch/arch.h"
#include "replay/shadow.h"
#include "stats/histogram.h"
#include "sys/select.h"

struct syscall_figures {
	uint64_t replayed, kept, mismatches;
	uint64_t recorded_sum_ns, replayed_sum_ns; /* for the means: the histograms keep no sums */
	struct latency_histogram *recorded_ns, *replayed_ns; /* allocated on the first replayed call */
};

/* Why calls were kept in place: one of a few fixed sentences, and how many calls it explains. */
struct kept_reason {
	const char *why;
	uint64_t calls;
};
#define KEPT_REASONS_MAX 32

struct replay_report {
	pthread_mutex_t lock;
	struct syscall_figures by_nr[SYS_SET_MAX];
	uint64_t unknown_kept;    /* calls whose number this build cannot name */
	struct kept_reason reasons[KEPT_REASONS_MAX];
	unsigned nreasons;
	uint64_t recorded_wall_ns, replay_wall_ns;
	uint64_t threads, os_threads;
	const struct shadow_outcome *state; /* the on-disk state check, NULL when not made */
};

void replay_report_init(struct replay_report *r);
void replay_report_free(struct replay_report *r);

/* A replayed call and its latencies. */
void replay_report_replayed(struct replay_report *r, uint32_t nr, uint64_t recorded_ns, uint64_t replayed_ns,
			    int mismatch);
/* A call kept in its place but not issued, and why (a string literal). */
void replay_report_kept(struct replay_report *r, uint32_t nr, const char *why);

struct replay_totals {
	uint64_t replayed, kept, mismatches;
};
void replay_report_totals(const struct replay_report *r, struct replay_totals *t);

void replay_report_print(const struct replay_report *r, const struct arch *a, uint64_t mismatches, FILE *out);
/* 0, or -1 with errno set. */
int replay_report_write_json(const struct replay_report *r, const struct arch *a, uint64_t mismatches,
			     const char *root, const char *path);

#endif
