/* Thread and process ids to record indexes: an open-addressing hash map that only grows. */
#ifndef REPRISE_STATS_IDMAP_H
#define REPRISE_STATS_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap {
	int32_t *keys;
	uint32_t *values;
	uint8_t *used;
	size_t count, nslots;
};

/* 1 and *value set if id is mapped, else 0. */
int idmap_get(const struct idmap *m, int32_t id, uint32_t *value);
/* Maps id to value, replacing any earlier value (ids are reused by the kernel). */
void idmap_put(struct idmap *m, int32_t id, uint32_t value);
void idmap_free(struct idmap *m);

#endif
