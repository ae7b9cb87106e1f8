/*
 * The trace writer. The recording thread only serializes events into the
 * current block buffer; full blocks go through a bounded queue to a background
 * thread that compresses, checksums and writes them, so the tracer never waits
 * on compression or the disk unless the queue is full.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "reprise/trace.h"
#include "trace/dedupe.h"
#include "trace/format.h"
#include "trace/header.h"
#include "trace/record.h"

enum {
	QUEUE_DEPTH = 8,
	/*
	 * Measured on 5M small syscall events, 2 cores: level 1 keeps up with 8M
	 * events/s, level 3 with 5.9M/s for a 26% smaller file. Speed wins.
	 */
	COMPRESSION_LEVEL = 1,
	/* the current block, QUEUE_DEPTH queued, one being written */
	SPARE_BUFFERS = QUEUE_DEPTH + 2,
	ERROR_SIZE = 256,
};

struct block_buf {
	uint8_t *data;
	size_t len, cap;
	uint64_t number;
	uint32_t events, blobs;
	uint64_t first_blob, min_ts, max_ts;
};

struct rpr_writer {
	int fd;

	/* recording thread only */
	struct block_buf *cur;
	uint64_t next_blob, next_block;
	struct dedupe_table *dedupe;
	uint64_t *blob_ids;
	size_t blob_ids_cap;
	char err[ERROR_SIZE];
	uint64_t events, bytes_in, blobs_stored, blobs_deduplicated, bytes_deduplicated;

	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t work_ready, work_done;
	struct block_buf *queue[QUEUE_DEPTH];
	unsigned queue_head, queue_len;
	struct block_buf *spare[SPARE_BUFFERS];
	unsigned nspare;
	uint64_t blocks_done;
	int stop;
	char thread_err[ERROR_SIZE];
	int thread_failed;                 /* also read without the lock, atomically */
	uint64_t blocks_written, bytes_out; /* atomic: read by rpr_writer_get_stats */

	/* background thread only (and the closer, after joining it) */
	pthread_t thread;
	ZSTD_CCtx *cctx;
	uint8_t *out;
	size_t out_cap;
	uint64_t offset;
	struct block_entry *index;
	size_t nindex, index_cap;
};

static void set_error(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, ERROR_SIZE, fmt, ap);
	va_end(ap);
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- background thread ---- */

static void thread_fail(struct rpr_writer *w, const char *what, const char *why)
{
	pthread_mutex_lock(&w->mu);
	if (!w->thread_failed) {
		set_error(w->thread_err, "%s: %s", what, why);
		__atomic_store_n(&w->thread_failed, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&w->mu);
}

static int remember_block(struct rpr_writer *w, const struct block_entry *e)
{
	if (w->nindex == w->index_cap) {
		size_t cap = w->index_cap ? w->index_cap * 2 : 256;
		struct block_entry *grown = realloc(w->index, cap * sizeof(*grown));
		if (!grown)
			return -1;
		w->index = grown;
		w->index_cap = cap;
	}
	w->index[w->nindex++] = *e;
	return 0;
}

static void write_block(struct rpr_writer *w, const struct block_buf *b)
{
	size_t need = RPR_BLOCK_HEADER_SIZE + ZSTD_compressBound(b->len);
	if (need > w->out_cap) {
		uint8_t *grown = realloc(w->out, need);
		if (!grown) {
			thread_fail(w, "compressing a block", strerror(ENOMEM));
			return;
		}
		w->out = grown;
		w->out_cap = need;
	}
	uint8_t *payload = w->out + RPR_BLOCK_HEADER_SIZE;
	size_t packed = ZSTD_compressCCtx(w->cctx, payload, w->out_cap - RPR_BLOCK_HEADER_SIZE, b->data, b->len,
					  COMPRESSION_LEVEL);
	if (ZSTD_isError(packed)) {
		thread_fail(w, "compressing a block", ZSTD_getErrorName(packed));
		return;
	}
	struct block_header h = {
		.codec = RPR_CODEC_ZSTD, .number = b->number, .stored_size = (uint32_t)packed,
		.raw_size = (uint32_t)b->len, .events = b->events, .blobs = b->blobs,
		.first_blob = b->first_blob, .min_ts = b->min_ts, .max_ts = b->max_ts,
	};
	/* incompressible data (already compressed files, random bytes) is kept as it is */
	if (packed >= b->len) {
		memcpy(payload, b->data, b->len);
		h.codec = RPR_CODEC_STORED;
		h.stored_size = (uint32_t)b->len;
	}
	block_header_encode(w->out, &h);
	h.checksum = rpr_block_checksum(w->out, payload, h.stored_size);
	put_u64(w->out + RPR_BLOCK_CHECKSUM_OFFSET, h.checksum);
	size_t total = RPR_BLOCK_HEADER_SIZE + h.stored_size;
	if (write_all(w->fd, w->out, total)) {
		thread_fail(w, "write failed", strerror(errno));
		return;
	}
	struct block_entry e = {
		.offset = w->offset, .stored_size = h.stored_size, .raw_size = h.raw_size, .events = h.events,
		.blobs = h.blobs, .first_blob = h.first_blob, .min_ts = h.min_ts, .max_ts = h.max_ts,
	};
	w->offset += total;
	if (remember_block(w, &e)) {
		thread_fail(w, "indexing a block", strerror(ENOMEM));
		return;
	}
	__atomic_add_fetch(&w->blocks_written, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&w->bytes_out, total, __ATOMIC_RELAXED);
}

static void recycle(struct rpr_writer *w, struct block_buf *b)
{
	/* buffers grown for one oversized event are not kept around */
	if (w->nspare < SPARE_BUFFERS && b->cap <= 2 * RPR_BLOCK_TARGET) {
		w->spare[w->nspare++] = b;
		return;
	}
	free(b->data);
	free(b);
}

static void *writer_thread(void *arg)
{
	struct rpr_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->queue_len && !w->stop)
			pthread_cond_wait(&w->work_ready, &w->mu);
		if (!w->queue_len)
			break;
		struct block_buf *b = w->queue[w->queue_head];
		w->queue_head = (w->queue_head + 1) % QUEUE_DEPTH;
		w->queue_len--;
		int failed = w->thread_failed;
		pthread_mutex_unlock(&w->mu);
		/* after a failure the file is no longer appendable; blocks are dropped so nobody waits forever */
		if (!failed)
			write_block(w, b);
		pthread_mutex_lock(&w->mu);
		recycle(w, b);
		w->blocks_done++;
		pthread_cond_broadcast(&w->work_done);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* ---- recording thread ---- */

static int append_fail(struct rpr_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int append_fail(struct rpr_writer *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int check_thread(struct rpr_writer *w)
{
	if (!__atomic_load_n(&w->thread_failed, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&w->mu);
	memcpy(w->err, w->thread_err, sizeof(w->err));
	pthread_mutex_unlock(&w->mu);
	return -1;
}

static void start_block(struct rpr_writer *w, struct block_buf *b)
{
	b->len = 0;
	b->number = w->next_block;
	b->events = b->blobs = 0;
	b->first_blob = w->next_blob;
	b->min_ts = b->max_ts = 0;
}

/* A fresh block buffer: a recycled one, or a new one. NULL when out of memory. */
static struct block_buf *take_buffer(struct rpr_writer *w)
{
	pthread_mutex_lock(&w->mu);
	struct block_buf *b = w->nspare ? w->spare[--w->nspare] : NULL;
	pthread_mutex_unlock(&w->mu);
	if (b)
		return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->cap = RPR_BLOCK_TARGET + RPR_BLOCK_TARGET / 8;
	b->data = malloc(b->cap);
	if (!b->data) {
		free(b);
		return NULL;
	}
	return b;
}

/* Queues the current block for the background thread, waiting while the queue is full. */
static void submit_current(struct rpr_writer *w)
{
	struct block_buf *b = w->cur;
	w->cur = NULL;
	w->next_block++;
	pthread_mutex_lock(&w->mu);
	while (w->queue_len == QUEUE_DEPTH)
		pthread_cond_wait(&w->work_done, &w->mu);
	w->queue[(w->queue_head + w->queue_len) % QUEUE_DEPTH] = b;
	w->queue_len++;
	pthread_cond_signal(&w->work_ready);
	pthread_mutex_unlock(&w->mu);
}

/* Room for n more bytes in the current block, starting a new block when this one is full. */
static uint8_t *reserve(struct rpr_writer *w, size_t n)
{
	if (w->cur && w->cur->len && w->cur->len + n > RPR_BLOCK_TARGET)
		submit_current(w);
	if (!w->cur) {
		w->cur = take_buffer(w);
		if (!w->cur) {
			append_fail(w, "out of memory");
			return NULL;
		}
		start_block(w, w->cur);
	}
	struct block_buf *b = w->cur;
	if (b->cap - b->len < n) {
		uint8_t *grown = realloc(b->data, b->len + n);
		if (!grown) {
			append_fail(w, "out of memory");
			return NULL;
		}
		b->data = grown;
		b->cap = b->len + n;
	}
	return b->data + b->len;
}

/* The id of a blob holding these bytes: a remembered one, or new blob records. 0 on failure. */
static uint64_t store_blob(struct rpr_writer *w, const uint8_t *data, uint64_t len)
{
	struct content_hash h = content_hash_of(data, len);
	/* the block the blob goes in (give or take the one a full block hands over to) */
	uint64_t block = w->cur ? w->cur->number : w->next_block;
	uint64_t id = dedupe_find(w->dedupe, h, len, block > RPR_BLOB_REACH_BLOCKS ? block - RPR_BLOB_REACH_BLOCKS : 0);
	if (id) {
		w->blobs_deduplicated++;
		w->bytes_deduplicated += len;
		return id;
	}
	id = w->next_blob;
	for (uint64_t off = 0; off < len; off += RPR_BLOB_CHUNK) {
		size_t chunk = len - off < RPR_BLOB_CHUNK ? (size_t)(len - off) : RPR_BLOB_CHUNK;
		size_t size = record_blob_size(chunk);
		uint8_t *p = reserve(w, size);
		if (!p)
			return 0;
		record_blob_encode(p, w->next_blob, data + off, chunk);
		w->cur->len += size;
		w->cur->blobs++;
		w->next_blob++;
		w->bytes_in += size;
	}
	dedupe_remember(w->dedupe, h, len, id, block);
	w->blobs_stored++;
	return id;
}

static int check_event(struct rpr_writer *w, const struct rpr_event *ev)
{
	if (event_fixed_size(ev->kind) < 0)
		return append_fail(w, "cannot record an event of unknown kind %u", ev->kind);
	if (ev->nregions > RPR_MAX_REGIONS)
		return append_fail(w, "event has %u memory regions (limit %d)", ev->nregions, RPR_MAX_REGIONS);
	uint64_t data_bytes = 0;
	for (uint32_t i = 0; i < ev->nregions; i++) {
		const struct rpr_region *r = &ev->regions[i];
		if (r->stored > r->size || (r->stored && !r->data))
			return append_fail(w, "inconsistent memory region (%llu of %llu bytes stored)",
					   (unsigned long long)r->stored, (unsigned long long)r->size);
		if (r->stored > RPR_MAX_EVENT_DATA - data_bytes)
			return append_fail(w, "event holds more than %llu bytes of memory, the trace limit",
					   RPR_MAX_EVENT_DATA);
		data_bytes += r->stored;
	}
	if (ev->nregions > w->blob_ids_cap) {
		uint64_t *grown = realloc(w->blob_ids, ev->nregions * sizeof(*grown));
		if (!grown)
			return append_fail(w, "out of memory");
		w->blob_ids = grown;
		w->blob_ids_cap = ev->nregions;
	}
	return 0;
}

int rpr_writer_append(struct rpr_writer *w, const struct rpr_event *ev)
{
	if (check_thread(w) || check_event(w, ev))
		return -1;
	/* blob records go first: a reference may only name a blob defined earlier in the file */
	for (uint32_t i = 0; i < ev->nregions; i++) {
		const struct rpr_region *r = &ev->regions[i];
		w->blob_ids[i] = 0;
		if (r->stored >= RPR_BLOB_MIN && !(w->blob_ids[i] = store_blob(w, r->data, r->stored)))
			return -1;
	}
	size_t size = record_event_size(ev, w->blob_ids);
	uint8_t *p = reserve(w, size);
	if (!p)
		return -1;
	record_event_encode(p, ev, w->blob_ids);
	struct block_buf *b = w->cur;
	b->len += size;
	if (!b->events++) {
		b->min_ts = b->max_ts = ev->ts_ns;
	} else {
		b->min_ts = ev->ts_ns < b->min_ts ? ev->ts_ns : b->min_ts;
		b->max_ts = ev->ts_ns > b->max_ts ? ev->ts_ns : b->max_ts;
	}
	w->events++;
	w->bytes_in += size;
	return 0;
}

int rpr_writer_submit(struct rpr_writer *w)
{
	if (w->cur && w->cur->len)
		submit_current(w);
	return check_thread(w);
}

int rpr_writer_flush(struct rpr_writer *w)
{
	if (w->cur && w->cur->len)
		submit_current(w);
	pthread_mutex_lock(&w->mu);
	while (w->blocks_done < w->next_block)
		pthread_cond_wait(&w->work_done, &w->mu);
	pthread_mutex_unlock(&w->mu);
	return check_thread(w);
}

/* ---- lifecycle ---- */

static int write_index(struct rpr_writer *w)
{
	size_t index_size = RPR_INDEX_HEAD_SIZE + w->nindex * RPR_INDEX_ENTRY_SIZE + RPR_CHECKSUM_SIZE;
	size_t total = index_size + RPR_TRAILER_SIZE;
	uint8_t *buf = malloc(total);
	if (!buf)
		return append_fail(w, "writing the index: %s", strerror(ENOMEM));
	memcpy(buf, RPR_INDEX_MAGIC, 4);
	put_u32(buf + 4, RPR_INDEX_ENTRY_SIZE);
	put_u64(buf + 8, w->nindex);
	for (size_t i = 0; i < w->nindex; i++)
		index_entry_encode(buf + RPR_INDEX_HEAD_SIZE + i * RPR_INDEX_ENTRY_SIZE, &w->index[i]);
	put_u64(buf + index_size - RPR_CHECKSUM_SIZE, rpr_checksum(buf, index_size - RPR_CHECKSUM_SIZE));
	uint8_t *trailer = buf + index_size;
	memcpy(trailer, RPR_TRAILER_MAGIC, 8);
	put_u64(trailer + 8, w->offset);
	put_u64(trailer + 16, index_size);
	put_u64(trailer + 24, rpr_checksum(trailer, RPR_TRAILER_SIZE - RPR_CHECKSUM_SIZE));
	int rc = write_all(w->fd, buf, total);
	free(buf);
	if (rc)
		return append_fail(w, "write failed: %s", strerror(errno));
	__atomic_add_fetch(&w->bytes_out, total, __ATOMIC_RELAXED);
	return 0;
}

static void destroy(struct rpr_writer *w)
{
	if (w->cur) {
		free(w->cur->data);
		free(w->cur);
	}
	for (unsigned i = 0; i < w->nspare; i++) {
		free(w->spare[i]->data);
		free(w->spare[i]);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work_ready);
	pthread_cond_destroy(&w->work_done);
	ZSTD_freeCCtx(w->cctx);
	dedupe_free(w->dedupe);
	free(w->blob_ids);
	free(w->out);
	free(w->index);
	free(w);
}

struct rpr_writer *rpr_writer_open(const char *path, const struct rpr_header *hdr, char *err, size_t errlen)
{
	size_t header_len;
	uint8_t *header = header_encode(hdr, &header_len, err, errlen);
	if (!header)
		return NULL;
	struct rpr_writer *w = calloc(1, sizeof(*w));
	if (!w || !(w->dedupe = dedupe_new()) || !(w->cctx = ZSTD_createCCtx())) {
		snprintf(err, errlen, "out of memory");
		goto fail_alloc;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	/* an existing file keeps its old mode through O_CREAT; traces hold private memory */
	if (w->fd < 0 || fchmod(w->fd, 0600) || write_all(w->fd, header, header_len)) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail_file;
	}
	w->offset = header_len;
	w->bytes_out = header_len;
	w->next_blob = 1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work_ready, NULL);
	pthread_cond_init(&w->work_done, NULL);
	int rc = pthread_create(&w->thread, NULL, writer_thread, w);
	if (rc) {
		snprintf(err, errlen, "cannot start the writer thread: %s", strerror(rc));
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->work_ready);
		pthread_cond_destroy(&w->work_done);
		goto fail_file;
	}
	free(header);
	return w;
fail_file:
	if (w->fd >= 0)
		close(w->fd);
fail_alloc:
	free(header);
	if (w) {
		ZSTD_freeCCtx(w->cctx);
		dedupe_free(w->dedupe);
		free(w);
	}
	return NULL;
}

int rpr_writer_close(struct rpr_writer *w, char *err, size_t errlen)
{
	int rc = rpr_writer_flush(w);
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->work_ready);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (!rc)
		rc = write_index(w);
	if (close(w->fd) && !rc)
		rc = append_fail(w, "closing the trace: %s", strerror(errno));
	if (rc)
		snprintf(err, errlen, "%s", w->err);
	destroy(w);
	return rc;
}

const char *rpr_writer_error(const struct rpr_writer *w)
{
	return w->err;
}

void rpr_writer_get_stats(const struct rpr_writer *w, struct rpr_writer_stats *out)
{
	out->events = w->events;
	out->blocks = __atomic_load_n(&w->blocks_written, __ATOMIC_RELAXED);
	out->bytes_in = w->bytes_in;
	out->bytes_out = __atomic_load_n(&w->bytes_out, __ATOMIC_RELAXED);
	out->blobs_stored = w->blobs_stored;
	out->blobs_deduplicated = w->blobs_deduplicated;
	out->bytes_deduplicated = w->bytes_deduplicated;
}
