/*
 * Loading one block of a trace: reading it, checking it against its checksum and
 * the index, decompressing it and checking its records' framing and blob numbering.
 * A loader owns its scratch buffers and decompression context, so the reader and its
 * read-ahead thread each load blocks with their own.
 */
#ifndef REPRISE_TRACE_BLOCK_H
#define REPRISE_TRACE_BLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "trace/format.h"

enum { BLOCK_ERROR_SIZE = 256 };

struct blob_span {
	uint32_t offset, len; /* within the decompressed payload */
};

/* A decompressed block: its records, and where each blob it defines lies in them. */
struct loaded_block {
	uint8_t *raw;
	size_t raw_len, raw_cap;
	struct blob_span *blobs;
	size_t blobs_cap;
};

struct block_loader {
	int fd;
	const struct block_entry *blocks; /* the trace's block list */
	uint8_t *packed;
	size_t packed_cap;
	ZSTD_DCtx *dctx;
	char err[BLOCK_ERROR_SIZE]; /* the reason of the last failure, naming the block and its offset */
};

/* 0, or -1 when out of memory. */
int block_loader_init(struct block_loader *l, int fd, const struct block_entry *blocks);
void block_loader_release(struct block_loader *l);

/* Reads block k and checks it against its checksum and its index entry; *h gets its header. 0 or -1. */
int block_check(struct block_loader *l, size_t k, struct block_header *h);

/* Checks and decompresses block k into *out, reusing out's buffers. 0 or -1. */
int block_load(struct block_loader *l, size_t k, struct loaded_block *out);

void loaded_block_release(struct loaded_block *b);

/* Reads exactly len bytes at off: 0, or -1 (errno set; EIO for a short file). */
int block_read_at(int fd, void *buf, size_t len, uint64_t off);

/* Grows *buf to hold need elements of elem bytes. 0, or -1 when out of memory. */
int block_grow(void **buf, size_t *cap, size_t need, size_t elem);

#endif
