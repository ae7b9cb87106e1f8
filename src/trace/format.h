/*
 * The on-disk layout of .rpr traces (docs/FORMAT.md is the specification; the
 * numbers here must match it). Everything is little-endian and encoded field by
 * field, so the file does not depend on the compiler's struct layout.
 */
#ifndef REPRISE_TRACE_FORMAT_H
#define REPRISE_TRACE_FORMAT_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "reprise/trace.h"

#define RPR_FILE_MAGIC "RPRTRACE"
#define RPR_BLOCK_MAGIC "RBLK"
#define RPR_INDEX_MAGIC "RIDX"
#define RPR_TRAILER_MAGIC "RPRTRAIL"

enum {
	RPR_FILE_MAGIC_SIZE = 8,
	/* magic, major, minor: the part of the header every format version keeps */
	RPR_HEADER_PREFIX_SIZE = 12,
	RPR_HEADER_FIXED_SIZE = 48,
	RPR_HEADER_MAX_SIZE = 16 << 20,
	RPR_HEADER_MAX_ARGC = 1 << 20,

	RPR_BLOCK_HEADER_SIZE = 64,
	RPR_BLOCK_CHECKSUM_OFFSET = 56,
	/* writers close a block once it holds this many uncompressed bytes */
	RPR_BLOCK_TARGET = 1 << 20,
	/* larger declared sizes are corruption */
	RPR_BLOCK_MAX = 64 << 20,

	RPR_CODEC_STORED = 0,
	RPR_CODEC_ZSTD = 1,

	RPR_RECORD_HEADER_SIZE = 6,
	RPR_RECORD_BLOB = 256,
	RPR_EVENT_COMMON_SIZE = 30,
	RPR_REGION_HEADER_SIZE = 36,
	RPR_BLOB_ID_SIZE = 8,
	RPR_MAX_REGIONS = 65536,

	/* regions with at least this many stored bytes are content-addressed blobs */
	RPR_BLOB_MIN = 512,
	/* one blob record holds at most this much; bigger contents span consecutive ids */
	RPR_BLOB_CHUNK = 1 << 20,
	/*
	 * Since format 1.1 writers refer to a stored blob from at most this many blocks later
	 * (an older copy is stored again), so that a reader keeping the blocks within that reach
	 * (it keeps 16) never decompresses one twice.
	 */
	RPR_BLOB_REACH_BLOCKS = 12,
	RPR_FORMAT_MINOR_BLOB_REACH = 1,

	RPR_INDEX_HEAD_SIZE = 16,
	RPR_INDEX_ENTRY_SIZE = 48,
	RPR_CHECKSUM_SIZE = 8,
	RPR_TRAILER_SIZE = 32,
};

/* the most memory one event may hold, so a reader never allocates unbounded memory */
#define RPR_MAX_EVENT_DATA (1ull << 30)

static inline void put_u16(uint8_t *p, uint16_t v) { v = htole16(v); memcpy(p, &v, 2); }
static inline void put_u32(uint8_t *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }
static inline void put_u64(uint8_t *p, uint64_t v) { v = htole64(v); memcpy(p, &v, 8); }
static inline uint16_t get_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return le16toh(v); }
static inline uint32_t get_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return le32toh(v); }
static inline uint64_t get_u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return le64toh(v); }

/* The block header as decoded; `checksum` is the stored value. */
struct block_header {
	uint32_t codec;
	uint64_t number;
	uint32_t stored_size, raw_size;
	uint32_t events, blobs;
	uint64_t first_blob;
	uint64_t min_ts, max_ts;
	uint64_t checksum;
};

/* What the index says about one block (also built by the recovery scan). */
struct block_entry {
	uint64_t offset;
	uint32_t stored_size, raw_size;
	uint32_t events, blobs;
	uint64_t first_blob;
	uint64_t min_ts, max_ts;
};

uint64_t rpr_checksum(const void *data, size_t len);

/* The block checksum: over header bytes [0, 56) and then the stored payload. */
uint64_t rpr_block_checksum(const uint8_t *header, const uint8_t *payload, size_t payload_len);

void block_header_encode(uint8_t out[RPR_BLOCK_HEADER_SIZE], const struct block_header *h);
/* 0, or -1 if the magic is wrong. Sizes are not validated here. */
int block_header_decode(const uint8_t in[RPR_BLOCK_HEADER_SIZE], struct block_header *h);

void index_entry_encode(uint8_t out[RPR_INDEX_ENTRY_SIZE], const struct block_entry *e);
void index_entry_decode(const uint8_t in[RPR_INDEX_ENTRY_SIZE], struct block_entry *e);

/* Size of the kind-specific fields of an event kind in this format version, or -1 if unknown. */
int event_fixed_size(unsigned kind);

#endif
