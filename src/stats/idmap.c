#include "stats/idmap.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static size_t slot_of(const struct idmap *m, int32_t id)
{
	size_t mask = m->nslots - 1;
	/* Fibonacci hashing spreads the consecutive ids the kernel hands out */
	size_t i = (size_t)(((uint64_t)(uint32_t)id * 0x9E3779B97F4A7C15ull) >> 32) & mask;
	while (m->used[i] && m->keys[i] != id)
		i = (i + 1) & mask;
	return i;
}

int idmap_get(const struct idmap *m, int32_t id, uint32_t *value)
{
	if (!m->nslots)
		return 0;
	size_t i = slot_of(m, id);
	if (!m->used[i])
		return 0;
	*value = m->values[i];
	return 1;
}

static void grow(struct idmap *m)
{
	struct idmap old = *m;
	m->nslots = old.nslots ? old.nslots * 2 : 64;
	m->keys = rp_calloc(m->nslots, sizeof(*m->keys));
	m->values = rp_calloc(m->nslots, sizeof(*m->values));
	m->used = rp_calloc(m->nslots, 1);
	for (size_t k = 0; k < old.nslots; k++) {
		if (!old.used[k])
			continue;
		size_t i = slot_of(m, old.keys[k]);
		m->used[i] = 1;
		m->keys[i] = old.keys[k];
		m->values[i] = old.values[k];
	}
	idmap_free(&old);
}

void idmap_put(struct idmap *m, int32_t id, uint32_t value)
{
	if ((m->count + 1) * 2 > m->nslots)
		grow(m);
	size_t i = slot_of(m, id);
	if (!m->used[i]) {
		m->used[i] = 1;
		m->keys[i] = id;
		m->count++;
	}
	m->values[i] = value;
}

void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->values);
	free(m->used);
	memset(m, 0, sizeof(*m));
}
