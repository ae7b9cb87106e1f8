/*
 * Latency histogram with a fixed number of log-linear buckets (HDR style): exact
 * below 256 ns, then every power of two split into 128 equal buckets, so any value
 * is known to within 1/128 (< 0.8%) whatever the number of samples.
 */
#ifndef REPRISE_STATS_HISTOGRAM_H
#define REPRISE_STATS_HISTOGRAM_H

#include <stdint.h>

#define LATENCY_EXACT_BITS 8
#define LATENCY_SUB_BITS 7
#define LATENCY_BUCKETS ((1u << LATENCY_EXACT_BITS) + (64u - LATENCY_EXACT_BITS) * (1u << LATENCY_SUB_BITS))

struct latency_histogram {
	uint64_t count, min_ns, max_ns;
	uint64_t buckets[LATENCY_BUCKETS];
};

void latency_histogram_add(struct latency_histogram *h, uint64_t ns);

/*
 * The nearest-rank percentile (0 < percent <= 100) in nanoseconds: the middle of
 * the bucket holding it, kept within the recorded minimum and maximum. 0 if empty.
 */
uint64_t latency_histogram_percentile(const struct latency_histogram *h, double percent);

#endif
