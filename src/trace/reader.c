/*
 * The trace reader. It learns where the blocks are from the index, or, when the
 * recorder died before writing one, by walking the block headers from the start
 * and keeping every complete block whose checksum holds. Events are then decoded
 * one block at a time; blob references are resolved through a few cached blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reprise/trace.h"
#include "trace/format.h"
#include "trace/block.h"
#include "trace/header.h"
#include "trace/readahead.h"
#include "trace/record.h"

enum {
	/*
	 * The current block plus recently used ones that earlier blobs live in: deduplicated
	 * contents point back tens of blocks (71 distinct older blocks in a tar x of /usr/include).
	 */
	CACHE_SLOTS = 16,
	NO_SLOT = -1,
	ERROR_SIZE = BLOCK_ERROR_SIZE,
};

#define NOT_IN_ARENA UINT64_MAX

struct cached_block {
	size_t block; /* index into rpr_reader.blocks; meaningful when loaded */
	int loaded;
	struct loaded_block lb;
	uint64_t last_used;
};

struct rpr_reader {
	int fd;
	unsigned flags;
	uint64_t file_size, data_start;
	struct rpr_header hdr;

	struct block_entry *blocks;
	size_t nblocks;
	int complete;
	uint64_t valid_end;

	struct cached_block cache[CACHE_SLOTS];
	uint64_t clock;
	struct block_loader loader;
	struct readahead *ahead; /* with RPR_READ_AHEAD, once reading started */
	size_t ahead_next;       /* the next block to ask the read-ahead for */

	size_t next_block;
	int cur_slot;
	size_t cur_pos;

	struct rpr_event ev;
	struct rpr_region *regions;
	size_t regions_cap;
	uint64_t *arena_offsets;
	size_t arena_offsets_cap;
	uint8_t *arena;
	size_t arena_cap;

	int failed;
	char err[ERROR_SIZE];
};

static int fail(struct rpr_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct rpr_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->failed = 1;
	return -1;
}

/* ---- finding the blocks ---- */

static int sizes_plausible(uint32_t stored, uint32_t raw)
{
	return stored <= RPR_BLOCK_MAX && raw <= RPR_BLOCK_MAX;
}

/* Reads one block's header and stored payload into the loader's buffer and checks its checksum. */
static int read_packed(struct rpr_reader *r, uint64_t offset, uint32_t stored, struct block_header *h)
{
	size_t total = RPR_BLOCK_HEADER_SIZE + (size_t)stored;
	struct block_loader *l = &r->loader;
	if (block_grow((void **)&l->packed, &l->packed_cap, total, 1) || block_read_at(r->fd, l->packed, total, offset))
		return -1;
	if (rpr_block_checksum(l->packed, l->packed + RPR_BLOCK_HEADER_SIZE, stored) !=
	    get_u64(l->packed + RPR_BLOCK_CHECKSUM_OFFSET))
		return -1;
	return block_header_decode(l->packed, h);
}

static int add_block(struct rpr_reader *r, size_t *cap, const struct block_entry *e)
{
	if (block_grow((void **)&r->blocks, cap, r->nblocks + 1, sizeof(*r->blocks)))
		return -1;
	r->blocks[r->nblocks++] = *e;
	return 0;
}

/* Without a usable index: every complete, intact block from the start, in order. */
static int scan_blocks(struct rpr_reader *r)
{
	size_t cap = 0;
	uint64_t offset = r->data_start, next_blob = 1;
	r->nblocks = 0;
	for (;;) {
		uint8_t raw_header[RPR_BLOCK_HEADER_SIZE];
		struct block_header h;
		if (r->file_size - offset < RPR_BLOCK_HEADER_SIZE ||
		    block_read_at(r->fd, raw_header, sizeof(raw_header), offset) || block_header_decode(raw_header, &h))
			break;
		if (h.number != r->nblocks || !sizes_plausible(h.stored_size, h.raw_size) ||
		    h.first_blob != next_blob || r->file_size - offset - RPR_BLOCK_HEADER_SIZE < h.stored_size)
			break;
		if (read_packed(r, offset, h.stored_size, &h))
			break;
		struct block_entry e = {
			.offset = offset, .stored_size = h.stored_size, .raw_size = h.raw_size, .events = h.events,
			.blobs = h.blobs, .first_blob = h.first_blob, .min_ts = h.min_ts, .max_ts = h.max_ts,
		};
		if (add_block(r, &cap, &e))
			return -1;
		offset += RPR_BLOCK_HEADER_SIZE + (uint64_t)h.stored_size;
		next_blob += h.blobs;
	}
	r->complete = 0;
	r->valid_end = offset;
	return 0;
}

/* The block list from the index, if the trailer and index are intact and consistent. */
static int load_index(struct rpr_reader *r)
{
	uint8_t trailer[RPR_TRAILER_SIZE];
	if (r->file_size - r->data_start < RPR_TRAILER_SIZE + RPR_INDEX_HEAD_SIZE + RPR_CHECKSUM_SIZE ||
	    block_read_at(r->fd, trailer, sizeof(trailer), r->file_size - RPR_TRAILER_SIZE) ||
	    memcmp(trailer, RPR_TRAILER_MAGIC, 8) != 0 ||
	    rpr_checksum(trailer, RPR_TRAILER_SIZE - RPR_CHECKSUM_SIZE) != get_u64(trailer + 24))
		return -1;
	uint64_t index_offset = get_u64(trailer + 8), index_size = get_u64(trailer + 16);
	uint64_t index_room = r->file_size - RPR_TRAILER_SIZE - r->data_start;
	if (index_size > index_room || index_offset != r->file_size - RPR_TRAILER_SIZE - index_size ||
	    index_size < RPR_INDEX_HEAD_SIZE + RPR_CHECKSUM_SIZE)
		return -1;
	uint8_t *index = malloc(index_size);
	if (!index)
		return -1;
	int rc = -1;
	if (block_read_at(r->fd, index, index_size, index_offset) || memcmp(index, RPR_INDEX_MAGIC, 4) != 0 ||
	    rpr_checksum(index, index_size - RPR_CHECKSUM_SIZE) != get_u64(index + index_size - RPR_CHECKSUM_SIZE))
		goto out;
	uint32_t entry_size = get_u32(index + 4);
	uint64_t count = get_u64(index + 8), entries_size = index_size - RPR_INDEX_HEAD_SIZE - RPR_CHECKSUM_SIZE;
	if (entry_size < RPR_INDEX_ENTRY_SIZE || count > entries_size / entry_size || count * entry_size != entries_size)
		goto out;
	r->blocks = calloc(count ? count : 1, sizeof(*r->blocks));
	if (!r->blocks)
		goto out;
	uint64_t offset = r->data_start, next_blob = 1;
	for (uint64_t i = 0; i < count; i++) {
		struct block_entry *e = &r->blocks[i];
		index_entry_decode(index + RPR_INDEX_HEAD_SIZE + i * entry_size, e);
		if (e->offset != offset || !sizes_plausible(e->stored_size, e->raw_size) ||
		    e->first_blob != next_blob || index_offset - offset < RPR_BLOCK_HEADER_SIZE + (uint64_t)e->stored_size)
			goto out;
		offset += RPR_BLOCK_HEADER_SIZE + (uint64_t)e->stored_size;
		next_blob += e->blobs;
	}
	if (offset != index_offset)
		goto out;
	r->nblocks = count;
	r->complete = 1;
	r->valid_end = r->file_size;
	rc = 0;
out:
	if (rc) {
		free(r->blocks);
		r->blocks = NULL;
	}
	free(index);
	return rc;
}

/* ---- loading blocks ---- */

static int block_error(struct rpr_reader *r, size_t k, const char *what)
{
	return fail(r, "block %zu %s at offset %llu", k, what, (unsigned long long)r->blocks[k].offset);
}

static int loader_failed(struct rpr_reader *r)
{
	return fail(r, "%s", r->loader.err);
}

static int load_block(struct rpr_reader *r, size_t k, struct cached_block *c)
{
	c->loaded = 0;
	if (block_load(&r->loader, k, &c->lb))
		return loader_failed(r);
	c->block = k;
	c->loaded = 1;
	return 0;
}

/*
 * The slot to load a block into, never the current block's: an empty one, else the least
 * recently used of the blocks out of a writer's reach from block `reading` (in a 1.1 trace
 * no later event points back at them), else the least recently used. LRU alone kept blocks
 * pointed at a while ago over the ones the next events point at, and decompressed those again.
 */
static int victim_slot(const struct rpr_reader *r, size_t reading)
{
	int bounded = r->hdr.format_major > 1 || r->hdr.format_minor >= RPR_FORMAT_MINOR_BLOB_REACH;
	int victim = NO_SLOT, victim_in_reach = 1;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		const struct cached_block *c = &r->cache[i];
		if (i == r->cur_slot)
			continue;
		if (!c->loaded)
			return i;
		int in_reach = !bounded || c->block + RPR_BLOB_REACH_BLOCKS >= reading;
		if (victim == NO_SLOT || in_reach < victim_in_reach ||
		    (in_reach == victim_in_reach && c->last_used < r->cache[victim].last_used)) {
			victim = i;
			victim_in_reach = in_reach;
		}
	}
	return victim;
}

/* The cache slot holding block k, loading it if needed without evicting the current block. */
static int slot_for(struct rpr_reader *r, size_t k)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct cached_block *c = &r->cache[i];
		if (c->loaded && c->block == k) {
			c->last_used = ++r->clock;
			return i;
		}
	}
	size_t current = r->cur_slot == NO_SLOT ? k : r->cache[r->cur_slot].block;
	int victim = victim_slot(r, k > current ? k : current);
	if (load_block(r, k, &r->cache[victim]))
		return NO_SLOT;
	r->cache[victim].last_used = ++r->clock;
	return victim;
}

/* ---- events ---- */

/* The block defining blob `id`: the last block whose first blob id is not above it. */
static int find_blob(struct rpr_reader *r, uint64_t id, size_t *block)
{
	size_t lo = 0, hi = r->nblocks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->blocks[mid].first_blob <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || id - r->blocks[lo - 1].first_blob >= r->blocks[lo - 1].blobs)
		return -1;
	*block = lo - 1;
	return 0;
}

/* The cache slot and bytes of blob `id`, defined before block `current`'s event being decoded. */
static int blob_bytes(struct rpr_reader *r, size_t current, uint64_t id, const uint8_t **data, uint32_t *len)
{
	size_t k;
	if (find_blob(r, id, &k) || k > current)
		return block_error(r, current, "refers to a blob that is not defined before it");
	int slot = slot_for(r, k);
	if (slot == NO_SLOT)
		return -1;
	const struct cached_block *c = &r->cache[slot];
	struct blob_span span = c->lb.blobs[id - r->blocks[k].first_blob];
	*data = c->lb.raw + span.offset;
	*len = span.len;
	return 0;
}

/* Appends the `want` bytes of the blob chain starting at `id` to the arena. */
static int gather_blob(struct rpr_reader *r, size_t current, uint64_t id, uint64_t want, size_t *used)
{
	while (want) {
		const uint8_t *data;
		uint32_t len;
		if (blob_bytes(r, current, id, &data, &len))
			return -1;
		if (len > want)
			return block_error(r, current, "refers to a blob of the wrong size");
		if (block_grow((void **)&r->arena, &r->arena_cap, *used + len, 1))
			return fail(r, "out of memory");
		memcpy(r->arena + *used, data, len);
		*used += len;
		want -= len;
		id++;
	}
	return 0;
}

static int wanted(const struct rpr_reader *r, const struct rpr_region *reg)
{
	return reg->blob && reg->stored && !(reg->phase == RPR_PHASE_EXIT && (r->flags & RPR_READ_NO_EXIT_BLOBS));
}

/*
 * A content that is one blob of the block being decoded is handed out where it lies
 * (the block stays loaded until the next event); others are gathered into the arena.
 */
static int resolve_blobs(struct rpr_reader *r, size_t current)
{
	size_t used = 0;
	uint64_t total = 0;
	for (uint32_t i = 0; i < r->ev.nregions; i++) {
		struct rpr_region *reg = &r->regions[i];
		r->arena_offsets[i] = NOT_IN_ARENA;
		if (!wanted(r, reg))
			continue;
		if (reg->stored > RPR_MAX_EVENT_DATA - total)
			return block_error(r, current, "holds an event with too much data");
		total += reg->stored;
		const struct block_entry *b = &r->blocks[current];
		if (reg->blob >= b->first_blob && reg->blob - b->first_blob < b->blobs) {
			uint32_t len;
			if (blob_bytes(r, current, reg->blob, &reg->data, &len))
				return -1;
			if (len == reg->stored)
				continue;
			if (len > reg->stored)
				return block_error(r, current, "refers to a blob of the wrong size");
		}
		r->arena_offsets[i] = used;
		if (gather_blob(r, current, reg->blob, reg->stored, &used))
			return -1;
	}
	/* arena pointers are set last: the arena may move while it grows */
	for (uint32_t i = 0; i < r->ev.nregions; i++)
		if (r->arena_offsets[i] != NOT_IN_ARENA)
			r->regions[i].data = r->arena + r->arena_offsets[i];
	return 0;
}

static int decode_event(struct rpr_reader *r, size_t current, const struct record *rec)
{
	long n = record_event_region_count(rec);
	if (n < 0)
		return block_error(r, current, "holds a malformed event");
	size_t need = n ? (size_t)n : 1;
	if (block_grow((void **)&r->regions, &r->regions_cap, need, sizeof(*r->regions)) ||
	    block_grow((void **)&r->arena_offsets, &r->arena_offsets_cap, need, sizeof(*r->arena_offsets)))
		return fail(r, "out of memory");
	if (record_event_decode(rec, &r->ev, r->regions))
		return block_error(r, current, "holds a malformed event");
	if (r->flags & RPR_READ_NO_DATA) {
		for (uint32_t i = 0; i < r->ev.nregions; i++)
			r->regions[i].data = NULL;
		return 0;
	}
	return resolve_blobs(r, current);
}

/* Block k or the first after it that has events: blocks of blobs alone are loaded when an event needs their bytes. */
static size_t next_event_block(const struct rpr_reader *r, size_t k)
{
	while (k < r->nblocks && !r->blocks[k].events)
		k++;
	return k;
}

/* Keeps the read-ahead asking for the event blocks after the one being read. */
static void ask_ahead(struct rpr_reader *r)
{
	for (;;) {
		r->ahead_next = next_event_block(r, r->ahead_next);
		if (r->ahead_next >= r->nblocks || readahead_want(r->ahead, r->ahead_next))
			return;
		r->ahead_next++;
	}
}

/* The slot of block k, the next to read events from: from the read-ahead when it has it. */
static int next_slot(struct rpr_reader *r, size_t k)
{
	if (!(r->flags & RPR_READ_AHEAD))
		return slot_for(r, k);
	if (!r->ahead && !(r->ahead = readahead_start(r->fd, r->blocks))) {
		fail(r, "cannot start the read-ahead thread");
		return NO_SLOT;
	}
	int victim = victim_slot(r, k);
	struct cached_block *c = &r->cache[victim];
	c->loaded = 0;
	int got = readahead_take(r->ahead, k, &c->lb, r->err, sizeof(r->err));
	if (got < 0) {
		r->failed = 1;
		return NO_SLOT;
	}
	if (!got) {
		if (load_block(r, k, c))
			return NO_SLOT;
		r->ahead_next = k + 1;
	}
	c->block = k;
	c->loaded = 1;
	c->last_used = ++r->clock;
	ask_ahead(r);
	return victim;
}

int rpr_reader_next(struct rpr_reader *r, const struct rpr_event **ev)
{
	if (r->failed)
		return -1;
	for (;;) {
		if (r->cur_slot == NO_SLOT) {
			r->next_block = next_event_block(r, r->next_block);
			if (r->next_block >= r->nblocks)
				return 0;
			int slot = next_slot(r, r->next_block);
			if (slot == NO_SLOT)
				return -1;
			r->cur_slot = slot;
			r->cur_pos = 0;
			r->next_block++;
		}
		const struct cached_block *c = &r->cache[r->cur_slot];
		struct record rec;
		/* the framing was checked when the block was loaded */
		if (record_next(c->lb.raw, c->lb.raw_len, &r->cur_pos, &rec) <= 0) {
			r->cur_slot = NO_SLOT;
			continue;
		}
		/* blob records are read on demand; kinds from newer versions are skipped */
		if (rec.kind == RPR_RECORD_BLOB || event_fixed_size(rec.kind) < 0)
			continue;
		if (decode_event(r, c->block, &rec))
			return -1;
		*ev = &r->ev;
		return 1;
	}
}

int rpr_reader_verify(struct rpr_reader *r)
{
	struct block_header h;
	for (size_t k = 0; k < r->nblocks; k++)
		if (block_check(&r->loader, k, &h))
			return loader_failed(r);
	return 0;
}

int rpr_reader_seek_time(struct rpr_reader *r, uint64_t ts_ns)
{
	size_t k = 0;
	while (k < r->nblocks && (!r->blocks[k].events || r->blocks[k].max_ts < ts_ns))
		k++;
	r->next_block = k;
	r->cur_slot = NO_SLOT;
	if (r->ahead)
		readahead_drop_all(r->ahead);
	r->failed = 0;
	r->err[0] = '\0';
	return 0;
}

/* ---- opening ---- */

static int open_error(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int open_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int read_header(struct rpr_reader *r, char *err, size_t errlen)
{
	uint8_t prefix[RPR_HEADER_PREFIX_SIZE + 4];
	size_t prefix_len = r->file_size < sizeof(prefix) ? (size_t)r->file_size : sizeof(prefix);
	if (block_read_at(r->fd, prefix, prefix_len, 0))
		return open_error(err, errlen, "%s", strerror(errno));
	size_t size = header_size_from_prefix(prefix, prefix_len, err, errlen);
	if (!size)
		return -1;
	if (size > r->file_size)
		return open_error(err, errlen, "truncated trace header");
	uint8_t *buf = malloc(size);
	if (!buf)
		return open_error(err, errlen, "out of memory");
	int rc = block_read_at(r->fd, buf, size, 0) ? open_error(err, errlen, "%s", strerror(errno))
					      : header_decode(buf, size, &r->hdr, err, errlen);
	free(buf);
	r->data_start = size;
	return rc;
}

struct rpr_reader *rpr_reader_open(const char *path, unsigned flags, char *err, size_t errlen)
{
	struct rpr_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		open_error(err, errlen, "out of memory");
		return NULL;
	}
	r->flags = flags;
	r->cur_slot = NO_SLOT;
	struct stat st;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st)) {
		open_error(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		open_error(err, errlen, "not a regular file");
		goto fail;
	}
	r->file_size = (uint64_t)st.st_size;
	if (read_header(r, err, errlen))
		goto fail;
	if (block_loader_init(&r->loader, r->fd, NULL)) {
		open_error(err, errlen, "out of memory");
		goto fail;
	}
	if (load_index(r) && scan_blocks(r)) {
		open_error(err, errlen, "out of memory");
		goto fail;
	}
	r->loader.blocks = r->blocks;
	return r;
fail:
	rpr_reader_close(r);
	return NULL;
}

const struct rpr_header *rpr_reader_header(const struct rpr_reader *r)
{
	return &r->hdr;
}

const char *rpr_reader_error(const struct rpr_reader *r)
{
	return r->err;
}

void rpr_reader_get_info(const struct rpr_reader *r, struct rpr_reader_info *out)
{
	memset(out, 0, sizeof(*out));
	out->blocks = r->nblocks;
	int any = 0;
	for (size_t k = 0; k < r->nblocks; k++) {
		const struct block_entry *e = &r->blocks[k];
		out->events += e->events;
		if (!e->events)
			continue;
		if (!any || e->min_ts < out->first_ts_ns)
			out->first_ts_ns = e->min_ts;
		if (!any || e->max_ts > out->last_ts_ns)
			out->last_ts_ns = e->max_ts;
		any = 1;
	}
	out->complete = r->complete;
	out->valid_end = r->valid_end;
	out->lost_bytes = r->file_size - r->valid_end;
}

void rpr_reader_close(struct rpr_reader *r)
{
	if (!r)
		return;
	readahead_stop(r->ahead);
	if (r->fd >= 0)
		close(r->fd);
	header_release(&r->hdr);
	for (int i = 0; i < CACHE_SLOTS; i++)
		loaded_block_release(&r->cache[i].lb);
	free(r->blocks);
	block_loader_release(&r->loader);
	free(r->regions);
	free(r->arena_offsets);
	free(r->arena);
	free(r);
}
