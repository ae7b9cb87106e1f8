/* Encoding of the fixed-size structures of a trace: block headers, index entries, checksums. */
#include "trace/format.h"

#include <xxhash.h>

uint64_t rpr_checksum(const void *data, size_t len)
{
	return XXH3_64bits(data, len);
}

uint64_t rpr_block_checksum(const uint8_t *header, const uint8_t *payload, size_t payload_len)
{
	/* Chained through the seed instead of a streaming state: no allocation, same strength. */
	uint64_t header_sum = XXH3_64bits(header, RPR_BLOCK_CHECKSUM_OFFSET);
	return XXH3_64bits_withSeed(payload, payload_len, header_sum);
}

void block_header_encode(uint8_t out[RPR_BLOCK_HEADER_SIZE], const struct block_header *h)
{
	memcpy(out, RPR_BLOCK_MAGIC, 4);
	put_u32(out + 4, h->codec);
	put_u64(out + 8, h->number);
	put_u32(out + 16, h->stored_size);
	put_u32(out + 20, h->raw_size);
	put_u32(out + 24, h->events);
	put_u32(out + 28, h->blobs);
	put_u64(out + 32, h->first_blob);
	put_u64(out + 40, h->min_ts);
	put_u64(out + 48, h->max_ts);
	put_u64(out + 56, h->checksum);
}

int block_header_decode(const uint8_t in[RPR_BLOCK_HEADER_SIZE], struct block_header *h)
{
	if (memcmp(in, RPR_BLOCK_MAGIC, 4) != 0)
		return -1;
	h->codec = get_u32(in + 4);
	h->number = get_u64(in + 8);
	h->stored_size = get_u32(in + 16);
	h->raw_size = get_u32(in + 20);
	h->events = get_u32(in + 24);
	h->blobs = get_u32(in + 28);
	h->first_blob = get_u64(in + 32);
	h->min_ts = get_u64(in + 40);
	h->max_ts = get_u64(in + 48);
	h->checksum = get_u64(in + 56);
	return 0;
}

void index_entry_encode(uint8_t out[RPR_INDEX_ENTRY_SIZE], const struct block_entry *e)
{
	put_u64(out, e->offset);
	put_u32(out + 8, e->stored_size);
	put_u32(out + 12, e->raw_size);
	put_u32(out + 16, e->events);
	put_u32(out + 20, e->blobs);
	put_u64(out + 24, e->first_blob);
	put_u64(out + 32, e->min_ts);
	put_u64(out + 40, e->max_ts);
}

void index_entry_decode(const uint8_t in[RPR_INDEX_ENTRY_SIZE], struct block_entry *e)
{
	e->offset = get_u64(in);
	e->stored_size = get_u32(in + 8);
	e->raw_size = get_u32(in + 12);
	e->events = get_u32(in + 16);
	e->blobs = get_u32(in + 20);
	e->first_blob = get_u64(in + 24);
	e->min_ts = get_u64(in + 32);
	e->max_ts = get_u64(in + 40);
}

int event_fixed_size(unsigned kind)
{
	switch (kind) {
	case RPR_EV_SYSCALL_ENTER: return 4 + 6 * 8;
	case RPR_EV_SYSCALL_EXIT: return 4 + 4 + 8 + 8;
	case RPR_EV_TASK_NEW: return 4 + 4 + 8;
	case RPR_EV_EXEC: return 4;
	case RPR_EV_SIGNAL: return 4 + 128;
	case RPR_EV_TASK_EXIT: return 4;
	case RPR_EV_GROUP_STOP: return 4;
	case RPR_EV_DETACH: return 0;
	default: return -1;
	}
}
