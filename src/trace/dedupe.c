/* A direct-mapped table from content hash to blob id (see dedupe.h). */
#include "trace/dedupe.h"

#include <stdlib.h>
#include <xxhash.h>

/* 32 K entries of 40 bytes: 1.25 MiB, enough to catch repeats across a long window of traffic */
enum { DEDUPE_SLOTS = 1 << 15 };

struct dedupe_slot {
	struct content_hash hash;
	uint64_t size, blob_id; /* blob_id 0: empty */
	uint64_t block;         /* where the blob is stored */
};

struct dedupe_table {
	struct dedupe_slot slots[DEDUPE_SLOTS];
};

struct content_hash content_hash_of(const void *data, uint64_t len)
{
	XXH128_hash_t h = XXH3_128bits(data, len);
	return (struct content_hash){ h.low64, h.high64 };
}

struct dedupe_table *dedupe_new(void)
{
	return calloc(1, sizeof(struct dedupe_table));
}

void dedupe_free(struct dedupe_table *t)
{
	free(t);
}

static size_t slot_of(struct content_hash h)
{
	return (size_t)(h.low & (DEDUPE_SLOTS - 1));
}

uint64_t dedupe_find(const struct dedupe_table *t, struct content_hash h, uint64_t size, uint64_t oldest_block)
{
	const struct dedupe_slot *s = &t->slots[slot_of(h)];
	if (s->blob_id && s->hash.low == h.low && s->hash.high == h.high && s->size == size && s->block >= oldest_block)
		return s->blob_id;
	return 0;
}

void dedupe_remember(struct dedupe_table *t, struct content_hash h, uint64_t size, uint64_t blob_id, uint64_t block)
{
	struct dedupe_slot *s = &t->slots[slot_of(h)];
	s->hash = h;
	s->size = size;
	s->blob_id = blob_id;
	s->block = block;
}
