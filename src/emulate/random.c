/*
 * Reproducible randomness: with --seed, getrandom is answered from a generator per host
 * (SplitMix64 seeded from the seed and the host's name), so runs are identical.
 */
#include <errno.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <string.h>

#include "emulate/calls.h"
#include "util/util.h"

/* getrandom reads at most this much per call, as Linux does for large requests. */
#define MAX_CHUNK (32u << 20)

struct host_rng {
	sg_host_t host;
	uint64_t state;
	struct host_rng *next;
};

static struct host_rng *rngs;

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct host_rng *rng_of(sg_host_t host)
{
	for (struct host_rng *r = rngs; r; r = r->next)
		if (r->host == host)
			return r;
	struct host_rng *r = rp_calloc(1, sizeof(*r));
	r->host = host;
	r->state = emu.seed;
	for (const char *c = sg_host_get_name(host); *c; c++)
		r->state = (r->state ^ (unsigned char)*c) * 0x100000001b3ull;
	r->next = rngs;
	rngs = r;
	return r;
}

void random_free(void)
{
	while (rngs) {
		struct host_rng *next = rngs->next;
		free(rngs);
		rngs = next;
	}
}

static enum verdict answer_getrandom(struct emu_thread *th, int64_t *result)
{
	if (!emu.seeded)
		return NATIVE;
	size_t len = th->t->args[1] < MAX_CHUNK ? (size_t)th->t->args[1] : MAX_CHUNK;
	uint8_t *buf = rp_malloc(len ? len : 1);
	struct host_rng *r = rng_of(th->proc->host);
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = splitmix64(&r->state);
		memcpy(buf + i, &v, len - i < 8 ? len - i : 8);
	}
	*result = emu_write(th, th->t->args[0], buf, len) < 0 ? -EFAULT : (int64_t)len;
	free(buf);
	return ANSWERED;
}

const struct call_rule random_rules[] = {
	{ "getrandom", answer_getrandom, NEVER_BLOCKS },
	{ NULL, NULL, NEVER_BLOCKS },
};
