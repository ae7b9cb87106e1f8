#include "trace/block.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/record.h"

enum {
	/* the smallest possible blob record, which bounds how many blobs a block can define */
	MIN_BLOB_RECORD = RPR_RECORD_HEADER_SIZE + RPR_BLOB_ID_SIZE + 1,
};

int block_grow(void **buf, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t cap2 = *cap ? *cap : 16;
	while (cap2 < need)
		cap2 = cap2 > SIZE_MAX / 2 ? need : cap2 * 2;
	if (cap2 > SIZE_MAX / elem)
		return -1;
	void *p = realloc(*buf, cap2 * elem);
	if (!p)
		return -1;
	*buf = p;
	*cap = cap2;
	return 0;
}

int block_loader_init(struct block_loader *l, int fd, const struct block_entry *blocks)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->blocks = blocks;
	l->dctx = ZSTD_createDCtx();
	return l->dctx ? 0 : -1;
}

void block_loader_release(struct block_loader *l)
{
	free(l->packed);
	ZSTD_freeDCtx(l->dctx);
	l->packed = NULL;
	l->dctx = NULL;
}

void loaded_block_release(struct loaded_block *b)
{
	free(b->raw);
	free(b->blobs);
	memset(b, 0, sizeof(*b));
}

static int block_error(struct block_loader *l, size_t k, const char *what)
{
	snprintf(l->err, sizeof(l->err), "block %zu %s at offset %llu", k, what,
		 (unsigned long long)l->blocks[k].offset);
	return -1;
}

static int out_of_memory(struct block_loader *l)
{
	snprintf(l->err, sizeof(l->err), "out of memory");
	return -1;
}

int block_read_at(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int block_check(struct block_loader *l, size_t k, struct block_header *h)
{
	const struct block_entry *e = &l->blocks[k];
	if (block_grow((void **)&l->packed, &l->packed_cap, RPR_BLOCK_HEADER_SIZE + (size_t)e->stored_size, 1))
		return out_of_memory(l);
	if (block_read_at(l->fd, l->packed, RPR_BLOCK_HEADER_SIZE + (size_t)e->stored_size, e->offset))
		return block_error(l, k, errno == EIO ? "is truncated" : strerror(errno));
	if (rpr_block_checksum(l->packed, l->packed + RPR_BLOCK_HEADER_SIZE, e->stored_size) !=
	    get_u64(l->packed + RPR_BLOCK_CHECKSUM_OFFSET))
		return block_error(l, k, "checksum mismatch");
	if (block_header_decode(l->packed, h) || h->number != k || h->stored_size != e->stored_size ||
	    h->raw_size != e->raw_size || h->events != e->events || h->blobs != e->blobs ||
	    h->first_blob != e->first_blob || h->min_ts != e->min_ts || h->max_ts != e->max_ts)
		return block_error(l, k, "does not match the index");
	return 0;
}

static int decompress(struct block_loader *l, size_t k, const struct block_header *h, struct loaded_block *b)
{
	const uint8_t *payload = l->packed + RPR_BLOCK_HEADER_SIZE;
	if (block_grow((void **)&b->raw, &b->raw_cap, h->raw_size ? h->raw_size : 1, 1))
		return out_of_memory(l);
	if (h->codec == RPR_CODEC_STORED) {
		if (h->stored_size != h->raw_size)
			return block_error(l, k, "has inconsistent sizes");
		memcpy(b->raw, payload, h->raw_size);
	} else if (h->codec == RPR_CODEC_ZSTD) {
		size_t n = ZSTD_decompressDCtx(l->dctx, b->raw, h->raw_size, payload, h->stored_size);
		if (ZSTD_isError(n) || n != h->raw_size)
			return block_error(l, k, "cannot be decompressed");
	} else {
		return block_error(l, k, "uses an unknown compression method");
	}
	b->raw_len = h->raw_size;
	return 0;
}

/* Checks the record framing and the blob numbering, noting where each blob's bytes are. */
static int index_records(struct block_loader *l, size_t k, struct loaded_block *b)
{
	const struct block_entry *e = &l->blocks[k];
	if (e->blobs > b->raw_len / MIN_BLOB_RECORD)
		return block_error(l, k, "is malformed");
	if (block_grow((void **)&b->blobs, &b->blobs_cap, e->blobs ? e->blobs : 1, sizeof(*b->blobs)))
		return out_of_memory(l);
	size_t pos = 0;
	uint32_t events = 0, blobs = 0;
	struct record rec;
	int rc;
	while ((rc = record_next(b->raw, b->raw_len, &pos, &rec)) > 0) {
		if (rec.kind != RPR_RECORD_BLOB) {
			events++;
			continue;
		}
		uint64_t id;
		const uint8_t *data;
		size_t len;
		if (blobs == e->blobs || record_blob_decode(&rec, &id, &data, &len) || id != e->first_blob + blobs)
			return block_error(l, k, "is malformed");
		b->blobs[blobs].offset = (uint32_t)(data - b->raw);
		b->blobs[blobs].len = (uint32_t)len;
		blobs++;
	}
	if (rc < 0 || events != e->events || blobs != e->blobs)
		return block_error(l, k, "is malformed");
	return 0;
}

int block_load(struct block_loader *l, size_t k, struct loaded_block *out)
{
	struct block_header h;
	return block_check(l, k, &h) || decompress(l, k, &h, out) || index_records(l, k, out) ? -1 : 0;
}
