/*
 * Trace library tests: round trips, dedupe, blocks and seeking, forward
 * compatibility, recovery from truncation and corruption, errors.
 *
 * With RPR_SEED_DIR set, the traces built here are also written to that
 * directory as fuzzing seeds (tests/fuzz/seeds).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "reprise/trace.h"
#include "trace/format.h"
#include "trace/header.h"
#include "trace/record.h"

static char tmpdir[] = "/tmp/test_trace.XXXXXX";

static const char *tmp_path(const char *name)
{
	static char buf[4][256];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, 256, "%s/%s", tmpdir, name);
	return p;
}

static void save_seed(const char *name, const uint8_t *data, size_t len)
{
	const char *dir = getenv("RPR_SEED_DIR");
	if (!dir)
		return;
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	uint8_t *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void spill(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static char *test_argv[] = { "ls", "-l", "/tmp", NULL };

static struct rpr_header make_header(void)
{
	struct rpr_header h;
	memset(&h, 0, sizeof(h));
	snprintf(h.reprise_version, sizeof(h.reprise_version), "0.1.0");
	snprintf(h.arch, sizeof(h.arch), "x86_64");
	snprintf(h.kernel, sizeof(h.kernel), "6.18.0-test");
	snprintf(h.hostname, sizeof(h.hostname), "testhost");
	h.page_size = 4096;
	h.start_realtime_ns = 1700000000123456789ull;
	h.start_monotonic_ns = 5000000000ull;
	h.snaplen = 64;
	h.flags = RPR_HDR_FILTERED;
	h.argc = 3;
	h.argv = test_argv;
	return h;
}

static struct rpr_writer *open_writer(const char *path)
{
	char err[256];
	struct rpr_header h = make_header();
	struct rpr_writer *w = rpr_writer_open(path, &h, err, sizeof(err));
	if (!w)
		fail_msg("rpr_writer_open: %s", err);
	return w;
}

static void close_writer(struct rpr_writer *w)
{
	char err[256];
	if (rpr_writer_close(w, err, sizeof(err)))
		fail_msg("rpr_writer_close: %s", err);
}

static struct rpr_reader *open_reader(const char *path, unsigned flags)
{
	char err[256];
	struct rpr_reader *r = rpr_reader_open(path, flags, err, sizeof(err));
	if (!r)
		fail_msg("rpr_reader_open %s: %s", path, err);
	return r;
}

static void fill_pattern(uint8_t *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

/* A small syscall exit with one inline region, numbered i. */
static struct rpr_event small_event(uint64_t i, struct rpr_region *region, uint8_t *data)
{
	struct rpr_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = RPR_EV_SYSCALL_EXIT;
	ev.seq = i;
	ev.ts_ns = 1000 + i * 10;
	ev.pid = ev.tid = 42;
	ev.u.exit.nr = 0;
	ev.u.exit.ret = 16;
	ev.u.exit.enter_seq = i ? i - 1 : 0;
	fill_pattern(data, 16, (uint32_t)i);
	memset(region, 0, sizeof(*region));
	region->phase = RPR_PHASE_EXIT;
	region->arg = 1;
	region->addr = 0x7000 + i;
	region->size = region->stored = 16;
	region->data = data;
	ev.nregions = 1;
	ev.regions = region;
	return ev;
}

static void write_small_trace(const char *path, uint64_t n, uint64_t flush_every)
{
	struct rpr_writer *w = open_writer(path);
	for (uint64_t i = 0; i < n; i++) {
		struct rpr_region region;
		uint8_t data[16];
		struct rpr_event ev = small_event(i, &region, data);
		assert_int_equal(rpr_writer_append(w, &ev), 0);
		if (flush_every && (i + 1) % flush_every == 0)
			assert_int_equal(rpr_writer_flush(w), 0);
	}
	close_writer(w);
}

/* ---- round trips ---- */

enum { BIG = 3000, HUGE_BLOB = 2 * RPR_BLOB_CHUNK + 777 };

static void assert_region(const struct rpr_region *got, const struct rpr_region *want, int with_data)
{
	assert_int_equal(got->phase, want->phase);
	assert_int_equal(got->arg, want->arg);
	assert_int_equal(got->flags, want->flags);
	assert_int_equal(got->addr, want->addr);
	assert_int_equal(got->size, want->size);
	assert_int_equal(got->stored, want->stored);
	if (!with_data || !want->stored) {
		assert_null(got->data);
		return;
	}
	assert_non_null(got->data);
	assert_memory_equal(got->data, want->data, want->stored);
}

static void assert_event(const struct rpr_event *got, const struct rpr_event *want, int with_data)
{
	assert_int_equal(got->kind, want->kind);
	assert_int_equal(got->seq, want->seq);
	assert_int_equal(got->ts_ns, want->ts_ns);
	assert_int_equal(got->pid, want->pid);
	assert_int_equal(got->tid, want->tid);
	assert_memory_equal(&got->u, &want->u, sizeof(got->u));
	assert_int_equal(got->nregions, want->nregions);
	for (uint32_t i = 0; i < want->nregions; i++)
		assert_region(&got->regions[i], &want->regions[i], with_data);
}

struct all_kinds {
	struct rpr_event ev[9];
	struct rpr_region regions[6];
	uint8_t small[40], big[BIG], *huge;
};

static void make_all_kinds(struct all_kinds *a)
{
	memset(a, 0, sizeof(*a));
	fill_pattern(a->small, sizeof(a->small), 1);
	fill_pattern(a->big, sizeof(a->big), 2);
	a->huge = malloc(HUGE_BLOB);
	assert_non_null(a->huge);
	fill_pattern(a->huge, HUGE_BLOB, 3);
	struct rpr_region *g = a->regions;
	g[0] = (struct rpr_region){ .phase = RPR_PHASE_ENTER, .arg = 1, .addr = 0x1000, .size = 40, .stored = 40, .data = a->small };
	g[1] = (struct rpr_region){ .phase = RPR_PHASE_ENTER, .arg = 2, .flags = RPR_REGION_TRUNCATED, .addr = 0x2000,
				    .size = 100000, .stored = 20, .data = a->small };
	g[2] = (struct rpr_region){ .phase = RPR_PHASE_ENTER, .arg = 3, .flags = RPR_REGION_FAULT, .addr = 0xdead, .size = 8 };
	g[3] = (struct rpr_region){ .phase = RPR_PHASE_EXIT, .arg = 1, .addr = 0x3000, .size = BIG, .stored = BIG, .data = a->big };
	/* the same bytes again: a dedupe hit */
	g[4] = (struct rpr_region){ .phase = RPR_PHASE_EXIT, .arg = 4, .addr = 0x9000, .size = BIG, .stored = BIG, .data = a->big };
	g[5] = (struct rpr_region){ .phase = RPR_PHASE_EXIT, .arg = 5, .addr = 0x100000, .size = HUGE_BLOB, .stored = HUGE_BLOB,
				    .data = a->huge };
	struct rpr_event *e = a->ev;
	for (int i = 0; i < 9; i++) {
		e[i].seq = (uint64_t)i + 1;
		e[i].ts_ns = 100 + (uint64_t)i;
		e[i].pid = 7;
		e[i].tid = 7 + i;
	}
	e[0].kind = RPR_EV_TASK_NEW;
	e[0].u.task_new.how = RPR_TASK_CLONE;
	e[0].u.task_new.parent_tid = 6;
	e[0].u.task_new.clone_flags = 0x11200011;
	e[1].kind = RPR_EV_SYSCALL_ENTER;
	e[1].u.enter.nr = 20;
	for (int i = 0; i < 6; i++)
		e[1].u.enter.args[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
	e[1].nregions = 3;
	e[1].regions = &g[0];
	e[2].kind = RPR_EV_SYSCALL_EXIT;
	e[2].u.exit.nr = 20;
	e[2].u.exit.flags = RPR_EXIT_KILLED;
	e[2].u.exit.ret = -14;
	e[2].u.exit.enter_seq = 2;
	e[2].nregions = 3;
	e[2].regions = &g[3];
	e[3].kind = RPR_EV_EXEC;
	e[3].u.exec.former_tid = 9;
	e[4].kind = RPR_EV_SIGNAL;
	e[4].u.signal.signo = 11;
	fill_pattern(e[4].u.signal.siginfo, sizeof(e[4].u.signal.siginfo), 4);
	e[5].kind = RPR_EV_TASK_EXIT;
	e[5].u.task_exit.status = 0x8b;
	e[6].kind = RPR_EV_GROUP_STOP;
	e[6].u.group_stop.signo = 19;
	e[7].kind = RPR_EV_DETACH;
	/* a later event whose buffer was seen before, in an earlier block */
	e[8].kind = RPR_EV_SYSCALL_EXIT;
	e[8].u.exit.nr = 0;
	e[8].u.exit.ret = BIG;
	e[8].nregions = 1;
	e[8].regions = &g[3];
}

static void write_all_kinds(const char *path, const struct all_kinds *a, struct rpr_writer_stats *stats)
{
	struct rpr_writer *w = open_writer(path);
	for (int i = 0; i < 9; i++) {
		assert_int_equal(rpr_writer_append(w, &a->ev[i]), 0);
		if (i == 4)
			assert_int_equal(rpr_writer_flush(w), 0);
	}
	rpr_writer_get_stats(w, stats);
	close_writer(w);
}

static void test_round_trip_every_kind(void **state)
{
	(void)state;
	struct all_kinds a;
	make_all_kinds(&a);
	const char *path = tmp_path("kinds.rpr");
	struct rpr_writer_stats stats;
	write_all_kinds(path, &a, &stats);
	assert_int_equal(stats.events, 9);
	assert_int_equal(stats.blobs_stored, 2);
	assert_int_equal(stats.blobs_deduplicated, 2);
	assert_int_equal(stats.bytes_deduplicated, 2 * BIG);
	/* the 3000-byte buffer is stored once although three regions hold it */
	assert_true(file_size(path) < HUGE_BLOB + BIG + 2048);

	for (int pass = 0; pass < 2; pass++) {
		unsigned flags = pass ? RPR_READ_NO_DATA : 0;
		struct rpr_reader *r = open_reader(path, flags);
		const struct rpr_header *h = rpr_reader_header(r);
		assert_int_equal(h->format_major, RPR_FORMAT_MAJOR);
		assert_int_equal(h->format_minor, RPR_FORMAT_MINOR);
		assert_string_equal(h->reprise_version, "0.1.0");
		assert_string_equal(h->arch, "x86_64");
		assert_string_equal(h->kernel, "6.18.0-test");
		assert_string_equal(h->hostname, "testhost");
		assert_int_equal(h->page_size, 4096);
		assert_int_equal(h->start_realtime_ns, 1700000000123456789ull);
		assert_int_equal(h->start_monotonic_ns, 5000000000ull);
		assert_int_equal(h->snaplen, 64);
		assert_int_equal(h->flags, RPR_HDR_FILTERED);
		assert_int_equal(h->argc, 3);
		for (int i = 0; i < 3; i++)
			assert_string_equal(h->argv[i], test_argv[i]);
		for (int i = 0; i < 9; i++) {
			const struct rpr_event *ev;
			assert_int_equal(rpr_reader_next(r, &ev), 1);
			assert_event(ev, &a.ev[i], !pass);
		}
		const struct rpr_event *ev;
		assert_int_equal(rpr_reader_next(r, &ev), 0);
		struct rpr_reader_info info;
		rpr_reader_get_info(r, &info);
		assert_int_equal(info.complete, 1);
		assert_int_equal(info.lost_bytes, 0);
		assert_int_equal(info.events, 9);
		assert_int_equal(info.first_ts_ns, 100);
		assert_int_equal(info.last_ts_ns, 108);
		assert_true(info.blocks >= 2);
		rpr_reader_close(r);
	}
	free(a.huge);
}

static void test_dup_and_mem(void **state)
{
	(void)state;
	struct all_kinds a;
	make_all_kinds(&a);
	const char *path = tmp_path("dup.rpr");
	struct rpr_writer_stats stats;
	write_all_kinds(path, &a, &stats);
	struct rpr_reader *r = open_reader(path, 0);
	const struct rpr_event *ev;
	assert_int_equal(rpr_reader_next(r, &ev), 1);
	assert_int_equal(rpr_reader_next(r, &ev), 1);
	struct rpr_event *enter = rpr_event_dup(ev);
	assert_int_equal(rpr_reader_next(r, &ev), 1);
	struct rpr_event *exit = rpr_event_dup(ev);
	assert_non_null(enter);
	assert_non_null(exit);
	while (rpr_reader_next(r, &ev) == 1)
		;
	rpr_reader_close(r);
	/* the copies outlive the reader */
	assert_event(enter, &a.ev[1], 1);
	assert_event(exit, &a.ev[2], 1);

	uint64_t avail;
	const uint8_t *p = rpr_event_mem(enter, RPR_PHASE_ENTER, 0x1000 + 10, 100, &avail);
	assert_ptr_not_equal(p, NULL);
	assert_int_equal(avail, 30);
	assert_memory_equal(p, a.small + 10, 30);
	p = rpr_event_mem(enter, RPR_PHASE_ENTER, 0x2000 + 5, 50, &avail);
	assert_non_null(p);
	assert_int_equal(avail, 15);
	/* beyond what a truncated region kept, at the wrong phase, a fault, or nowhere */
	assert_null(rpr_event_mem(enter, RPR_PHASE_ENTER, 0x2000 + 30, 4, &avail));
	assert_int_equal(avail, 0);
	assert_null(rpr_event_mem(enter, RPR_PHASE_EXIT, 0x1000, 4, &avail));
	assert_null(rpr_event_mem(enter, RPR_PHASE_ENTER, 0xdead, 4, &avail));
	assert_null(rpr_event_mem(enter, RPR_PHASE_ENTER, 0x5000, 4, &avail));
	p = rpr_event_mem(exit, RPR_PHASE_EXIT, 0x100000 + HUGE_BLOB - 3, 10, &avail);
	assert_non_null(p);
	assert_int_equal(avail, 3);
	assert_memory_equal(p, a.huge + HUGE_BLOB - 3, 3);
	rpr_event_free(enter);
	rpr_event_free(exit);
	free(a.huge);
}

/* The same 4 KiB buffer written n times is stored once; distinct buffers are not. */
static uint64_t write_buffers(const char *path, int duplicates, struct rpr_writer_stats *stats)
{
	enum { COUNT = 200, SIZE = 4096 };
	static uint8_t buf[SIZE];
	struct rpr_writer *w = open_writer(path);
	for (int i = 0; i < COUNT; i++) {
		fill_pattern(buf, SIZE, duplicates ? 99 : (uint32_t)i + 100);
		struct rpr_region reg = { .phase = RPR_PHASE_ENTER, .arg = 1, .addr = 0x4000, .size = SIZE, .stored = SIZE,
					  .data = buf };
		struct rpr_event ev = { .kind = RPR_EV_SYSCALL_ENTER, .seq = (uint64_t)i, .ts_ns = (uint64_t)i,
					.nregions = 1, .regions = &reg };
		assert_int_equal(rpr_writer_append(w, &ev), 0);
	}
	rpr_writer_get_stats(w, stats);
	close_writer(w);
	struct rpr_reader *r = open_reader(path, 0);
	const struct rpr_event *ev;
	for (int i = 0; i < COUNT; i++) {
		assert_int_equal(rpr_reader_next(r, &ev), 1);
		fill_pattern(buf, SIZE, duplicates ? 99 : (uint32_t)i + 100);
		assert_int_equal(ev->regions[0].stored, SIZE);
		assert_memory_equal(ev->regions[0].data, buf, SIZE);
	}
	assert_int_equal(rpr_reader_next(r, &ev), 0);
	rpr_reader_close(r);
	return file_size(path);
}

static void test_dedupe_shrinks_file(void **state)
{
	(void)state;
	struct rpr_writer_stats dup_stats, distinct_stats;
	uint64_t with_dups = write_buffers(tmp_path("dups.rpr"), 1, &dup_stats);
	uint64_t distinct = write_buffers(tmp_path("distinct.rpr"), 0, &distinct_stats);
	assert_int_equal(dup_stats.blobs_stored, 1);
	assert_int_equal(dup_stats.blobs_deduplicated, 199);
	assert_int_equal(distinct_stats.blobs_stored, 200);
	assert_int_equal(distinct_stats.blobs_deduplicated, 0);
	assert_true(with_dups * 10 < distinct);
}

/*
 * A repeat within RPR_BLOB_REACH_BLOCKS blocks refers back; one further away is stored again,
 * so that readers keeping the blocks in reach never decompress an old one twice.
 */
static void test_dedupe_reach(void **state)
{
	(void)state;
	enum { SIZE = 64 << 10 };
	static uint8_t buf[SIZE];
	const char *path = tmp_path("reach.rpr");
	struct rpr_writer *w = open_writer(path);
	/* seed 1 first; seed 1 again two blocks on; then seed 1 again once reach blocks have gone by */
	uint32_t fillers_near = 2 * (RPR_BLOCK_TARGET / SIZE), fillers_far = (RPR_BLOB_REACH_BLOCKS + 2) * (RPR_BLOCK_TARGET / SIZE);
	uint32_t seeds[3 + 2 * RPR_BLOB_REACH_BLOCKS * (RPR_BLOCK_TARGET / SIZE)], n = 0;
	seeds[n++] = 1;
	for (uint32_t i = 0; i < fillers_near; i++)
		seeds[n++] = 1000 + i;
	seeds[n++] = 1;
	for (uint32_t i = 0; i < fillers_far; i++)
		seeds[n++] = 100000 + i;
	seeds[n++] = 1;
	assert_true(n <= sizeof(seeds) / sizeof(seeds[0]));
	for (uint32_t i = 0; i < n; i++) {
		fill_pattern(buf, SIZE, seeds[i]);
		struct rpr_region reg = { .phase = RPR_PHASE_ENTER, .arg = 1, .addr = 0x4000, .size = SIZE, .stored = SIZE,
					  .data = buf };
		struct rpr_event ev = { .kind = RPR_EV_SYSCALL_ENTER, .seq = i, .ts_ns = i, .nregions = 1, .regions = &reg };
		assert_int_equal(rpr_writer_append(w, &ev), 0);
	}
	struct rpr_writer_stats stats;
	rpr_writer_get_stats(w, &stats);
	close_writer(w);
	assert_int_equal(stats.blobs_deduplicated, 1);
	assert_int_equal(stats.blobs_stored, n - 1);
	struct rpr_reader *r = open_reader(path, RPR_READ_AHEAD);
	const struct rpr_event *ev;
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(rpr_reader_next(r, &ev), 1);
		fill_pattern(buf, SIZE, seeds[i]);
		assert_memory_equal(ev->regions[0].data, buf, SIZE);
	}
	assert_int_equal(rpr_reader_next(r, &ev), 0);
	rpr_reader_close(r);
}

/* ---- many blocks, seeking ---- */

enum { MANY = 150000 };

static void test_many_blocks_and_seek(void **state)
{
	(void)state;
	const char *path = tmp_path("many.rpr");
	write_small_trace(path, MANY, 0);
	struct rpr_reader *r = open_reader(path, 0);
	struct rpr_reader_info info;
	rpr_reader_get_info(r, &info);
	assert_int_equal(info.complete, 1);
	assert_int_equal(info.events, MANY);
	assert_true(info.blocks >= 5);
	assert_int_equal(info.first_ts_ns, 1000);
	assert_int_equal(info.last_ts_ns, 1000 + (MANY - 1) * 10);
	const struct rpr_event *ev;
	for (uint64_t i = 0; i < MANY; i++) {
		assert_int_equal(rpr_reader_next(r, &ev), 1);
		assert_int_equal(ev->seq, i);
		uint8_t data[16];
		fill_pattern(data, 16, (uint32_t)i);
		assert_memory_equal(ev->regions[0].data, data, 16);
	}
	assert_int_equal(rpr_reader_next(r, &ev), 0);

	uint64_t target = 1000 + (MANY * 2 / 3) * 10;
	assert_int_equal(rpr_reader_seek_time(r, target), 0);
	assert_int_equal(rpr_reader_next(r, &ev), 1);
	assert_true(ev->ts_ns <= target);
	assert_true(ev->seq > 0);
	uint64_t first = ev->seq;
	/* the block it starts in reaches the target */
	int reached = 0;
	while (rpr_reader_next(r, &ev) == 1)
		if (ev->ts_ns == target)
			reached = 1;
	assert_true(reached);
	assert_true(first <= MANY * 2 / 3);

	assert_int_equal(rpr_reader_seek_time(r, 0), 0);
	assert_int_equal(rpr_reader_next(r, &ev), 1);
	assert_int_equal(ev->seq, 0);
	assert_int_equal(rpr_reader_seek_time(r, UINT64_MAX), 0);
	assert_int_equal(rpr_reader_next(r, &ev), 0);
	rpr_reader_close(r);
}

/* ---- read-ahead, leaving out what calls returned ---- */

enum { AHEAD_CALLS = 5000, AHEAD_IN = 3000, AHEAD_OUT = 2000, AHEAD_REPEATS = 50 };

/* Call i: an entry with a buffer the program passed (contents repeating every AHEAD_REPEATS calls, so
 * later blocks point back at blobs of the first ones), an exit with a returned buffer and a small struct. */
static void ahead_events(uint64_t i, struct rpr_event ev[2], struct rpr_region reg[3], uint8_t *in, uint8_t *out,
			 uint8_t *small)
{
	fill_pattern(in, AHEAD_IN, (uint32_t)(i % AHEAD_REPEATS));
	fill_pattern(out, AHEAD_OUT, (uint32_t)i + 7777);
	fill_pattern(small, 16, (uint32_t)i + 99999);
	reg[0] = (struct rpr_region){ .phase = RPR_PHASE_ENTER, .arg = 1, .addr = 0x1000, .size = AHEAD_IN,
				      .stored = AHEAD_IN, .data = in };
	reg[1] = (struct rpr_region){ .phase = RPR_PHASE_EXIT, .arg = 1, .addr = 0x9000, .size = AHEAD_OUT,
				      .stored = AHEAD_OUT, .data = out };
	reg[2] = (struct rpr_region){ .phase = RPR_PHASE_EXIT, .arg = 2, .addr = 0x20000, .size = 16, .stored = 16,
				      .data = small };
	ev[0] = (struct rpr_event){ .kind = RPR_EV_SYSCALL_ENTER, .seq = 2 * i, .ts_ns = 10 * i, .pid = 5, .tid = 5,
				    .u.enter.nr = 1, .nregions = 1, .regions = &reg[0] };
	ev[1] = (struct rpr_event){ .kind = RPR_EV_SYSCALL_EXIT, .seq = 2 * i + 1, .ts_ns = 10 * i + 5, .pid = 5,
				    .tid = 5, .u.exit = { .nr = 1, .ret = AHEAD_OUT, .enter_seq = 2 * i },
				    .nregions = 2, .regions = &reg[1] };
}

static void write_ahead_trace(const char *path)
{
	static uint8_t in[AHEAD_IN], out[AHEAD_OUT];
	uint8_t small[16];
	struct rpr_writer *w = open_writer(path);
	for (uint64_t i = 0; i < AHEAD_CALLS; i++) {
		struct rpr_event ev[2];
		struct rpr_region reg[3];
		ahead_events(i, ev, reg, in, out, small);
		assert_int_equal(rpr_writer_append(w, &ev[0]), 0);
		assert_int_equal(rpr_writer_append(w, &ev[1]), 0);
	}
	close_writer(w);
}

/* Reads the whole trace with these flags, checking every event and its bytes. */
static void read_ahead_trace(const char *path, unsigned flags)
{
	static uint8_t in[AHEAD_IN], out[AHEAD_OUT];
	uint8_t small[16];
	struct rpr_reader *r = open_reader(path, flags);
	struct rpr_reader_info info;
	rpr_reader_get_info(r, &info);
	assert_true(info.blocks >= 8);
	const struct rpr_event *got;
	for (uint64_t i = 0; i < AHEAD_CALLS; i++) {
		struct rpr_event want[2];
		struct rpr_region reg[3];
		ahead_events(i, want, reg, in, out, small);
		for (int k = 0; k < 2; k++) {
			assert_int_equal(rpr_reader_next(r, &got), 1);
			if (k == 1 && (flags & RPR_READ_NO_EXIT_BLOBS)) {
				/* the returned buffer is left out; the small struct, stored inline, is not */
				assert_null(got->regions[0].data);
				assert_int_equal(got->regions[0].stored, AHEAD_OUT);
				assert_region(&got->regions[1], &reg[2], 1);
				continue;
			}
			assert_event(got, &want[k], 1);
		}
	}
	assert_int_equal(rpr_reader_next(r, &got), 0);
	rpr_reader_close(r);
}

static void test_read_ahead_and_exit_blobs(void **state)
{
	(void)state;
	const char *path = tmp_path("ahead.rpr");
	write_ahead_trace(path);
	read_ahead_trace(path, 0);
	read_ahead_trace(path, RPR_READ_AHEAD);
	read_ahead_trace(path, RPR_READ_NO_EXIT_BLOBS);
	read_ahead_trace(path, RPR_READ_AHEAD | RPR_READ_NO_EXIT_BLOBS);

	/* seeking drops what was read ahead: reading resumes where the seek says */
	struct rpr_reader *r = open_reader(path, RPR_READ_AHEAD);
	const struct rpr_event *ev;
	assert_int_equal(rpr_reader_next(r, &ev), 1);
	uint64_t target = 10 * (AHEAD_CALLS * 3 / 4);
	assert_int_equal(rpr_reader_seek_time(r, target), 0);
	assert_int_equal(rpr_reader_next(r, &ev), 1);
	assert_true(ev->ts_ns <= target && ev->seq > 2 * (AHEAD_CALLS / 2));
	uint64_t last = ev->seq;
	while (rpr_reader_next(r, &ev) == 1) {
		assert_int_equal(ev->seq, last + 1);
		last = ev->seq;
	}
	assert_int_equal(last, 2 * AHEAD_CALLS - 1);
	assert_int_equal(rpr_reader_seek_time(r, 0), 0);
	assert_int_equal(rpr_reader_next(r, &ev), 1);
	assert_int_equal(ev->seq, 0);
	rpr_reader_close(r);
}

/* ---- hand-built traces: forward compatibility ---- */

struct raw_trace {
	uint8_t *buf;
	size_t len, cap;
};

static void raw_add(struct raw_trace *t, const void *data, size_t len)
{
	if (t->len + len > t->cap) {
		t->cap = (t->len + len) * 2;
		t->buf = realloc(t->buf, t->cap);
		assert_non_null(t->buf);
	}
	memcpy(t->buf + t->len, data, len);
	t->len += len;
}

/*
 * A trace with one stored (uncompressed) block and no index, built without the
 * writer: a header with `header_extra` unknown bytes and the given minor version,
 * and an event, a record of unknown kind 77, and an event with `fixed_extra`
 * unknown bytes after its known fields.
 */
static struct raw_trace build_raw_trace(unsigned minor, size_t header_extra, size_t fixed_extra)
{
	char err[256];
	struct rpr_header h = make_header();
	size_t hlen;
	uint8_t *hdr = header_encode(&h, &hlen, err, sizeof(err));
	assert_non_null(hdr);
	struct raw_trace t = { 0 };
	raw_add(&t, hdr, hlen - RPR_CHECKSUM_SIZE);
	for (size_t i = 0; i < header_extra; i++)
		raw_add(&t, "x", 1);
	raw_add(&t, hdr + hlen - RPR_CHECKSUM_SIZE, RPR_CHECKSUM_SIZE);
	free(hdr);
	put_u16(t.buf + 10, (uint16_t)minor);
	put_u32(t.buf + 12, (uint32_t)t.len);
	put_u64(t.buf + t.len - 8, rpr_checksum(t.buf, t.len - 8));

	struct raw_trace payload = { 0 };
	struct rpr_region region;
	uint8_t data[16];
	struct rpr_event ev = small_event(0, &region, data);
	uint64_t blob_ids[1] = { 0 };
	uint8_t rec[256];
	size_t n = record_event_size(&ev, blob_ids);
	record_event_encode(rec, &ev, blob_ids);
	raw_add(&payload, rec, n);

	uint8_t unknown[RPR_RECORD_HEADER_SIZE + 5];
	put_u16(unknown, 77);
	put_u32(unknown + 2, 5);
	memcpy(unknown + RPR_RECORD_HEADER_SIZE, "hello", 5);
	raw_add(&payload, unknown, sizeof(unknown));

	ev = small_event(1, &region, data);
	n = record_event_size(&ev, blob_ids);
	record_event_encode(rec, &ev, blob_ids);
	/* widen the fixed part: body length and fixed_len grow, the extra bytes sit before the regions */
	size_t fixed = (size_t)event_fixed_size(ev.kind);
	size_t regions_at = RPR_RECORD_HEADER_SIZE + RPR_EVENT_COMMON_SIZE + fixed;
	uint8_t widened[512];
	memcpy(widened, rec, regions_at);
	memset(widened + regions_at, 0xee, fixed_extra);
	memcpy(widened + regions_at + fixed_extra, rec + regions_at, n - regions_at);
	put_u32(widened + 2, (uint32_t)(n + fixed_extra - RPR_RECORD_HEADER_SIZE));
	put_u16(widened + RPR_RECORD_HEADER_SIZE + 28, (uint16_t)(fixed + fixed_extra));
	raw_add(&payload, widened, n + fixed_extra);

	struct block_header bh = { .codec = RPR_CODEC_STORED, .number = 0, .stored_size = (uint32_t)payload.len,
				   .raw_size = (uint32_t)payload.len, .events = 3, .blobs = 0, .first_blob = 1,
				   .min_ts = 1000, .max_ts = 1010 };
	uint8_t bhdr[RPR_BLOCK_HEADER_SIZE];
	block_header_encode(bhdr, &bh);
	put_u64(bhdr + RPR_BLOCK_CHECKSUM_OFFSET, rpr_block_checksum(bhdr, payload.buf, payload.len));
	raw_add(&t, bhdr, sizeof(bhdr));
	raw_add(&t, payload.buf, payload.len);
	free(payload.buf);
	return t;
}

static void read_two_events(const char *path)
{
	struct rpr_reader *r = open_reader(path, 0);
	const struct rpr_event *ev;
	for (uint64_t i = 0; i < 2; i++) {
		assert_int_equal(rpr_reader_next(r, &ev), 1);
		assert_int_equal(ev->seq, i);
		assert_int_equal(ev->u.exit.ret, 16);
		assert_int_equal(ev->nregions, 1);
		uint8_t data[16];
		fill_pattern(data, 16, (uint32_t)i);
		assert_memory_equal(ev->regions[0].data, data, 16);
	}
	assert_int_equal(rpr_reader_next(r, &ev), 0);
	struct rpr_reader_info info;
	rpr_reader_get_info(r, &info);
	assert_int_equal(info.complete, 0);
	assert_int_equal(info.lost_bytes, 0);
	assert_int_equal(info.blocks, 1);
	rpr_reader_close(r);
}

static void test_unknown_kind_skipped(void **state)
{
	(void)state;
	struct raw_trace t = build_raw_trace(RPR_FORMAT_MINOR, 0, 0);
	save_seed("unknown_kind.rpr", t.buf, t.len);
	const char *path = tmp_path("unknown.rpr");
	spill(path, t.buf, t.len);
	read_two_events(path);
	free(t.buf);
}

static void test_newer_minor_accepted(void **state)
{
	(void)state;
	struct raw_trace t = build_raw_trace(RPR_FORMAT_MINOR + 3, 24, 12);
	save_seed("newer_minor.rpr", t.buf, t.len);
	const char *path = tmp_path("minor.rpr");
	spill(path, t.buf, t.len);
	read_two_events(path);
	free(t.buf);
}

static void test_newer_major_refused(void **state)
{
	(void)state;
	const char *path = tmp_path("major.rpr");
	write_small_trace(path, 10, 0);
	size_t len;
	uint8_t *bytes = slurp(path, &len);
	put_u16(bytes + 8, RPR_FORMAT_MAJOR + 1);
	put_u16(bytes + 10, 0);
	spill(path, bytes, len);
	char err[256];
	assert_null(rpr_reader_open(path, 0, err, sizeof(err)));
	assert_string_equal(err, "trace format 2.0 is newer than this reader (1.1)");
	free(bytes);
}

/* ---- damage ---- */

/* Reads a (possibly damaged) trace to the end: the events must be 0, 1, 2, ... */
static uint64_t read_prefix(const char *path, uint64_t total_events)
{
	char err[256];
	struct rpr_reader *r = rpr_reader_open(path, 0, err, sizeof(err));
	if (!r) {
		assert_null(strchr(err, '\n'));
		assert_true(strlen(err) > 0);
		return 0;
	}
	const struct rpr_event *ev;
	uint64_t n = 0;
	int rc;
	while ((rc = rpr_reader_next(r, &ev)) == 1) {
		assert_int_equal(ev->seq, n);
		n++;
	}
	assert_int_equal(rc, 0);
	assert_true(n <= total_events);
	struct rpr_reader_info info;
	rpr_reader_get_info(r, &info);
	assert_int_equal(info.events, n);
	assert_int_equal(info.lost_bytes, file_size(path) - info.valid_end);
	rpr_reader_close(r);
	return n;
}

static void check_truncations(const char *name, uint64_t events, uint64_t flush_every, size_t step)
{
	const char *path = tmp_path(name);
	write_small_trace(path, events, flush_every);
	size_t len;
	uint8_t *bytes = slurp(path, &len);
	const char *cut = tmp_path("cut.rpr");
	uint64_t last = 0;
	for (size_t at = 0;; at = at + step < len ? at + step : len) {
		spill(cut, bytes, at);
		uint64_t n = read_prefix(cut, events);
		assert_true(n >= last);
		last = n;
		char err[256];
		struct rpr_reader *r = rpr_reader_open(cut, 0, err, sizeof(err));
		if (r) {
			struct rpr_reader_info info;
			rpr_reader_get_info(r, &info);
			assert_int_equal(info.complete, at == len);
			if (at < len)
				assert_int_equal(info.lost_bytes, at - info.valid_end);
			rpr_reader_close(r);
		}
		if (at == len)
			break;
	}
	assert_int_equal(last, events);
	free(bytes);
}

static void test_truncation_every_offset(void **state)
{
	(void)state;
	check_truncations("trunc_small.rpr", 12, 3, 1);
}

static void test_truncation_sampled(void **state)
{
	(void)state;
	check_truncations("trunc_big.rpr", 60000, 20000, 4999);
}

static void test_flipped_byte_in_middle_block(void **state)
{
	(void)state;
	const char *path = tmp_path("flip.rpr");
	write_small_trace(path, 300, 100);
	struct rpr_reader *intact = open_reader(path, 0);
	assert_int_equal(rpr_reader_verify(intact), 0);
	rpr_reader_close(intact);
	size_t len;
	uint8_t *bytes = slurp(path, &len);
	/* walk to block 1 */
	uint64_t offset = get_u32(bytes + 12);
	struct block_header h;
	assert_int_equal(block_header_decode(bytes + offset, &h), 0);
	offset += RPR_BLOCK_HEADER_SIZE + h.stored_size;
	assert_int_equal(block_header_decode(bytes + offset, &h), 0);
	assert_int_equal(h.number, 1);
	bytes[offset + RPR_BLOCK_HEADER_SIZE + h.stored_size / 2] ^= 0x40;
	spill(path, bytes, len);
	save_seed("flipped.rpr", bytes, len);

	char want[128];
	snprintf(want, sizeof(want), "block 1 checksum mismatch at offset %llu", (unsigned long long)offset);
	/* the same error whether the block was loaded in turn or by the read-ahead thread */
	unsigned flags[] = { 0, RPR_READ_AHEAD };
	for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
		struct rpr_reader *r = open_reader(path, flags[f]);
		const struct rpr_event *ev;
		int rc, n = 0;
		while ((rc = rpr_reader_next(r, &ev)) == 1)
			n++;
		assert_int_equal(rc, -1);
		assert_int_equal(n, 100);
		assert_string_equal(rpr_reader_error(r), want);
		rpr_reader_close(r);
	}

	/* verify finds the damage up front, before any event is read */
	struct rpr_reader *r = open_reader(path, 0);
	assert_int_equal(rpr_reader_verify(r), -1);
	assert_string_equal(rpr_reader_error(r), want);
	rpr_reader_close(r);
	free(bytes);
}

/* ---- files and errors ---- */

static void test_file_mode_0600(void **state)
{
	(void)state;
	const char *path = tmp_path("mode.rpr");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
	write_small_trace(path, 3, 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	mode_t old = umask(0);
	const char *fresh = tmp_path("fresh.rpr");
	write_small_trace(fresh, 3, 0);
	umask(old);
	assert_int_equal(stat(fresh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

/* Submitted events reach the file without a flush or close: what a killed recorder leaves behind. */
static void test_submit_reaches_disk(void **state)
{
	(void)state;
	const char *path = tmp_path("submit.rpr");
	struct rpr_writer *w = open_writer(path);
	struct rpr_region region;
	uint8_t data[64];
	for (uint64_t i = 0; i < 10; i++) {
		struct rpr_event ev = small_event(i, &region, data);
		assert_int_equal(rpr_writer_append(w, &ev), 0);
	}
	assert_int_equal(rpr_writer_submit(w), 0);
	uint64_t seen = 0;
	for (int tries = 0; tries < 200 && seen < 10; tries++) {
		struct rpr_reader *r = open_reader(path, RPR_READ_NO_DATA);
		const struct rpr_event *ev;
		for (seen = 0; rpr_reader_next(r, &ev) == 1;)
			seen++;
		struct rpr_reader_info info;
		rpr_reader_get_info(r, &info);
		assert_int_equal(info.complete, 0);
		rpr_reader_close(r);
		if (seen < 10)
			usleep(10000);
	}
	assert_int_equal(seen, 10);
	close_writer(w);
}

static void test_not_a_trace(void **state)
{
	(void)state;
	const char *path = tmp_path("text.txt");
	spill(path, (const uint8_t *)"hello, world\n", 13);
	char err[256];
	assert_null(rpr_reader_open(path, 0, err, sizeof(err)));
	assert_string_equal(err, "not a reprise trace");
	spill(path, (const uint8_t *)"", 0);
	assert_null(rpr_reader_open(path, 0, err, sizeof(err)));
	assert_string_equal(err, "not a reprise trace");
	assert_null(rpr_reader_open(tmp_path("missing.rpr"), 0, err, sizeof(err)));
	assert_string_equal(err, "No such file or directory");
	assert_null(rpr_reader_open(tmpdir, 0, err, sizeof(err)));
	assert_string_equal(err, "not a regular file");
}

static void test_writer_unwritable_path(void **state)
{
	(void)state;
	char err[256];
	struct rpr_header h = make_header();
	assert_null(rpr_writer_open(tmp_path("no/such/dir.rpr"), &h, err, sizeof(err)));
	assert_string_equal(err, "No such file or directory");
}

/* A write error in the background thread (file size limit) surfaces on flush and close. */
static void test_writer_thread_error(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = { 64 << 10, 64 << 10 };
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &lim))
			_exit(10);
		char err[256];
		struct rpr_header h = make_header();
		struct rpr_writer *w = rpr_writer_open(tmp_path("big.rpr"), &h, err, sizeof(err));
		if (!w)
			_exit(11);
		static uint8_t buf[8192];
		for (int i = 0; i < 300; i++) {
			fill_pattern(buf, sizeof(buf), (uint32_t)i);
			struct rpr_region reg = { .phase = RPR_PHASE_EXIT, .addr = 1, .size = sizeof(buf),
						  .stored = sizeof(buf), .data = buf };
			struct rpr_event ev = { .kind = RPR_EV_SYSCALL_EXIT, .seq = (uint64_t)i, .nregions = 1, .regions = &reg };
			if (rpr_writer_append(w, &ev))
				break;
		}
		int flushed = rpr_writer_flush(w);
		int same = !strcmp(rpr_writer_error(w), "write failed: File too large");
		int closed = rpr_writer_close(w, err, sizeof(err));
		_exit(flushed == -1 && same && closed == -1 && !strcmp(err, "write failed: File too large") ? 0 : 12);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_writer_rejects_bad_events(void **state)
{
	(void)state;
	struct rpr_writer *w = open_writer(tmp_path("bad.rpr"));
	struct rpr_event ev = { .kind = 99 };
	assert_int_equal(rpr_writer_append(w, &ev), -1);
	assert_string_equal(rpr_writer_error(w), "cannot record an event of unknown kind 99");
	struct rpr_region reg = { .size = 4, .stored = 8 };
	ev = (struct rpr_event){ .kind = RPR_EV_SYSCALL_ENTER, .nregions = 1, .regions = &reg };
	assert_int_equal(rpr_writer_append(w, &ev), -1);
	close_writer(w);
}

/* ---- seeds for the fuzzer ---- */

/*
 * The same trace with every block stored uncompressed (and the index rebuilt),
 * so the fuzzer's mutations reach the records instead of the zstd frames.
 */
static struct raw_trace uncompressed_copy(const uint8_t *bytes, size_t len)
{
	struct raw_trace t = { 0 }, index = { 0 };
	uint32_t hsize = get_u32(bytes + 12);
	raw_add(&t, bytes, hsize);
	size_t off = hsize;
	uint64_t count = 0;
	struct block_header h;
	while (len - off >= RPR_BLOCK_HEADER_SIZE && !block_header_decode(bytes + off, &h)) {
		uint8_t *raw = malloc(h.raw_size + 1);
		assert_non_null(raw);
		const uint8_t *payload = bytes + off + RPR_BLOCK_HEADER_SIZE;
		if (h.codec == RPR_CODEC_ZSTD)
			assert_int_equal(ZSTD_decompress(raw, h.raw_size, payload, h.stored_size), h.raw_size);
		else
			memcpy(raw, payload, h.raw_size);
		struct block_entry e = { .offset = t.len, .stored_size = h.raw_size, .raw_size = h.raw_size,
					 .events = h.events, .blobs = h.blobs, .first_blob = h.first_blob,
					 .min_ts = h.min_ts, .max_ts = h.max_ts };
		off += RPR_BLOCK_HEADER_SIZE + h.stored_size;
		h.codec = RPR_CODEC_STORED;
		h.stored_size = h.raw_size;
		uint8_t hdr[RPR_BLOCK_HEADER_SIZE], entry[RPR_INDEX_ENTRY_SIZE];
		block_header_encode(hdr, &h);
		put_u64(hdr + RPR_BLOCK_CHECKSUM_OFFSET, rpr_block_checksum(hdr, raw, h.raw_size));
		raw_add(&t, hdr, sizeof(hdr));
		raw_add(&t, raw, h.raw_size);
		free(raw);
		index_entry_encode(entry, &e);
		raw_add(&index, entry, sizeof(entry));
		count++;
	}
	uint8_t head[RPR_INDEX_HEAD_SIZE], sum[RPR_CHECKSUM_SIZE], trailer[RPR_TRAILER_SIZE];
	memcpy(head, RPR_INDEX_MAGIC, 4);
	put_u32(head + 4, RPR_INDEX_ENTRY_SIZE);
	put_u64(head + 8, count);
	uint64_t index_offset = t.len;
	raw_add(&t, head, sizeof(head));
	raw_add(&t, index.buf, index.len);
	put_u64(sum, rpr_checksum(t.buf + index_offset, t.len - index_offset));
	raw_add(&t, sum, sizeof(sum));
	memcpy(trailer, RPR_TRAILER_MAGIC, 8);
	put_u64(trailer + 8, index_offset);
	put_u64(trailer + 16, t.len - index_offset);
	put_u64(trailer + 24, rpr_checksum(trailer, 24));
	raw_add(&t, trailer, sizeof(trailer));
	free(index.buf);
	return t;
}

static void save_seed_pair(const char *name, const char *path)
{
	size_t len;
	uint8_t *bytes = slurp(path, &len);
	char plain[64];
	snprintf(plain, sizeof(plain), "%s.rpr", name);
	save_seed(plain, bytes, len);
	struct raw_trace t = uncompressed_copy(bytes, len);
	snprintf(plain, sizeof(plain), "%s-stored.rpr", name);
	save_seed(plain, t.buf, t.len);
	/* the stored copy must read back like the original */
	const char *copy = tmp_path("stored-copy.rpr");
	spill(copy, t.buf, t.len);
	struct rpr_reader *a = open_reader(path, 0), *b = open_reader(copy, 0);
	struct rpr_reader_info info;
	rpr_reader_get_info(b, &info);
	assert_int_equal(info.complete, 1);
	const struct rpr_event *ea, *eb;
	int ra, rb;
	while ((ra = rpr_reader_next(a, &ea)) == 1) {
		rb = rpr_reader_next(b, &eb);
		assert_int_equal(rb, 1);
		assert_event(eb, ea, 1);
	}
	assert_int_equal(ra, 0);
	assert_int_equal(rpr_reader_next(b, &eb), 0);
	rpr_reader_close(a);
	rpr_reader_close(b);
	free(t.buf);
	free(bytes);
}

static void test_fuzz_seeds(void **state)
{
	(void)state;
	if (!getenv("RPR_SEED_DIR"))
		skip();
	const char *path = tmp_path("seed.rpr");
	write_small_trace(path, 40, 10);
	save_seed_pair("small", path);
	size_t len;
	uint8_t *bytes = slurp(path, &len);
	save_seed("truncated.rpr", bytes, len * 2 / 3);
	free(bytes);
	struct all_kinds a;
	make_all_kinds(&a);
	/* no huge blob and smaller buffers: seeds stay small */
	a.ev[2].nregions = 2;
	a.regions[3].size = a.regions[3].stored = a.regions[4].size = a.regions[4].stored = 600;
	memset(a.big, 'z', 600);
	struct rpr_writer_stats stats;
	write_all_kinds(path, &a, &stats);
	save_seed_pair("kinds", path);
	free(a.huge);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_every_kind),
		cmocka_unit_test(test_dup_and_mem),
		cmocka_unit_test(test_dedupe_shrinks_file),
		cmocka_unit_test(test_dedupe_reach),
		cmocka_unit_test(test_many_blocks_and_seek),
		cmocka_unit_test(test_read_ahead_and_exit_blobs),
		cmocka_unit_test(test_unknown_kind_skipped),
		cmocka_unit_test(test_newer_minor_accepted),
		cmocka_unit_test(test_newer_major_refused),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_truncation_sampled),
		cmocka_unit_test(test_flipped_byte_in_middle_block),
		cmocka_unit_test(test_file_mode_0600),
		cmocka_unit_test(test_submit_reaches_disk),
		cmocka_unit_test(test_not_a_trace),
		cmocka_unit_test(test_writer_unwritable_path),
		cmocka_unit_test(test_writer_thread_error),
		cmocka_unit_test(test_writer_rejects_bad_events),
		cmocka_unit_test(test_fuzz_seeds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
