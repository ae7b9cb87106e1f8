/*
 * libFuzzer target for the trace reader. Each input is read as a trace file
 * twice (with and without region data, seeking too), then again with its
 * checksums recomputed, so mutations also reach the decoders behind them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reprise/trace.h"
#include "trace/format.h"

/* enough to walk any seed; bounds the time one input can take */
enum { MAX_EVENTS_PER_PASS = 100000 };

static void touch_event(const struct rpr_event *ev)
{
	for (uint32_t i = 0; i < ev->nregions; i++) {
		const struct rpr_region *r = &ev->regions[i];
		uint64_t avail;
		const uint8_t *p = rpr_event_mem(ev, r->phase, r->addr, r->size, &avail);
		/* reading the bytes lets ASan see a bad pointer */
		volatile uint8_t sink = 0;
		for (uint64_t k = 0; p && k < avail; k += 4096)
			sink ^= p[k];
		if (p && avail)
			sink ^= p[avail - 1];
		(void)sink;
	}
	struct rpr_event *copy = rpr_event_dup(ev);
	rpr_event_free(copy);
}

static void drain(struct rpr_reader *r)
{
	const struct rpr_event *ev;
	for (int n = 0; n < MAX_EVENTS_PER_PASS && rpr_reader_next(r, &ev) == 1; n++)
		touch_event(ev);
}

static void read_trace(const char *path, unsigned flags)
{
	char err[256];
	struct rpr_reader *r = rpr_reader_open(path, flags, err, sizeof(err));
	if (!r)
		return;
	const struct rpr_header *h = rpr_reader_header(r);
	for (uint32_t i = 0; i < h->argc; i++)
		(void)strlen(h->argv[i]);
	(void)rpr_reader_verify(r);
	drain(r);
	struct rpr_reader_info info;
	rpr_reader_get_info(r, &info);
	rpr_reader_seek_time(r, info.first_ts_ns + (info.last_ts_ns - info.first_ts_ns) / 2);
	drain(r);
	rpr_reader_seek_time(r, 0);
	drain(r);
	(void)rpr_reader_error(r);
	rpr_reader_close(r);
}

/* Recomputes every checksum the input appears to have, leaving all other bytes as they are. */
static void fix_checksums(uint8_t *buf, size_t len)
{
	if (len < RPR_HEADER_PREFIX_SIZE + 4 || memcmp(buf, RPR_FILE_MAGIC, RPR_FILE_MAGIC_SIZE) != 0)
		return;
	uint32_t header_size = get_u32(buf + RPR_HEADER_PREFIX_SIZE);
	if (header_size < RPR_HEADER_PREFIX_SIZE + 4 + RPR_CHECKSUM_SIZE || header_size > len)
		return;
	put_u64(buf + header_size - RPR_CHECKSUM_SIZE, rpr_checksum(buf, header_size - RPR_CHECKSUM_SIZE));
	size_t off = header_size;
	while (len - off >= RPR_BLOCK_HEADER_SIZE && memcmp(buf + off, RPR_BLOCK_MAGIC, 4) == 0) {
		uint32_t stored = get_u32(buf + off + 16);
		if (stored > len - off - RPR_BLOCK_HEADER_SIZE)
			break;
		put_u64(buf + off + RPR_BLOCK_CHECKSUM_OFFSET,
			rpr_block_checksum(buf + off, buf + off + RPR_BLOCK_HEADER_SIZE, stored));
		off += RPR_BLOCK_HEADER_SIZE + stored;
	}
	if (len - off < RPR_TRAILER_SIZE + RPR_INDEX_HEAD_SIZE + RPR_CHECKSUM_SIZE ||
	    memcmp(buf + off, RPR_INDEX_MAGIC, 4) != 0)
		return;
	size_t index_size = len - off - RPR_TRAILER_SIZE;
	put_u64(buf + off + index_size - RPR_CHECKSUM_SIZE, rpr_checksum(buf + off, index_size - RPR_CHECKSUM_SIZE));
	uint8_t *trailer = buf + len - RPR_TRAILER_SIZE;
	put_u64(trailer + 24, rpr_checksum(trailer, RPR_TRAILER_SIZE - RPR_CHECKSUM_SIZE));
}

static int put_file(int fd, const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while (size) {
		ssize_t n = write(fd, data, size);
		if (n <= 0)
			return -1;
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz_reader", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (put_file(fd, data, size))
		abort();
	read_trace(path, 0);
	read_trace(path, RPR_READ_NO_DATA);
	read_trace(path, RPR_READ_AHEAD | RPR_READ_NO_EXIT_BLOBS);

	uint8_t *fixed = malloc(size ? size : 1);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	fix_checksums(fixed, size);
	if (put_file(fd, fixed, size))
		abort();
	read_trace(path, 0);
	read_trace(path, RPR_READ_NO_DATA);
	read_trace(path, RPR_READ_AHEAD | RPR_READ_NO_EXIT_BLOBS);
	free(fixed);
	return 0;
}
