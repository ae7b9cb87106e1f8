#include "stats/histogram.h"

static unsigned bucket_of(uint64_t ns)
{
	if (ns < (1u << LATENCY_EXACT_BITS))
		return (unsigned)ns;
	unsigned octave = 63u - (unsigned)__builtin_clzll(ns);
	unsigned sub = (unsigned)(ns >> (octave - LATENCY_SUB_BITS)) - (1u << LATENCY_SUB_BITS);
	return (1u << LATENCY_EXACT_BITS) + (octave - LATENCY_EXACT_BITS) * (1u << LATENCY_SUB_BITS) + sub;
}

static uint64_t bucket_middle(unsigned bucket)
{
	if (bucket < (1u << LATENCY_EXACT_BITS))
		return bucket;
	unsigned rest = bucket - (1u << LATENCY_EXACT_BITS);
	unsigned octave = LATENCY_EXACT_BITS + rest / (1u << LATENCY_SUB_BITS);
	uint64_t sub = rest % (1u << LATENCY_SUB_BITS);
	unsigned shift = octave - LATENCY_SUB_BITS;
	uint64_t low = (((uint64_t)1 << LATENCY_SUB_BITS) + sub) << shift;
	return low + ((((uint64_t)1 << shift) - 1) >> 1);
}

void latency_histogram_add(struct latency_histogram *h, uint64_t ns)
{
	if (h->count == 0 || ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->count++;
	h->buckets[bucket_of(ns)]++;
}

uint64_t latency_histogram_percentile(const struct latency_histogram *h, double percent)
{
	if (h->count == 0)
		return 0;
	double wanted = percent / 100.0 * (double)h->count;
	uint64_t rank = wanted >= (double)h->count ? h->count : (uint64_t)wanted;
	if ((double)rank < wanted)
		rank++;
	if (rank == 0)
		rank = 1;
	if (rank == h->count)
		return h->max_ns;
	uint64_t seen = 0;
	for (unsigned b = 0; b < LATENCY_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= rank) {
			uint64_t v = bucket_middle(b);
			return v < h->min_ns ? h->min_ns : v > h->max_ns ? h->max_ns : v;
		}
	}
	return h->max_ns;
}
