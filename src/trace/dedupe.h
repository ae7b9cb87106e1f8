/*
 * The writer's memory of recently stored blobs, so identical buffers are stored
 * once. Fixed size: a new content overwrites whatever shared its slot, so memory
 * stays bounded however long the recording runs (old duplicates are just stored again).
 */
#ifndef REPRISE_TRACE_DEDUPE_H
#define REPRISE_TRACE_DEDUPE_H

#include <stdint.h>

struct content_hash {
	uint64_t low, high;
};

struct content_hash content_hash_of(const void *data, uint64_t len);

struct dedupe_table;

/* NULL when out of memory. */
struct dedupe_table *dedupe_new(void);
void dedupe_free(struct dedupe_table *t);

/* The blob id that holds a content with this hash and size, stored in block `oldest_block` or later; else 0. */
uint64_t dedupe_find(const struct dedupe_table *t, struct content_hash h, uint64_t size, uint64_t oldest_block);
void dedupe_remember(struct dedupe_table *t, struct content_hash h, uint64_t size, uint64_t blob_id, uint64_t block);

#endif
