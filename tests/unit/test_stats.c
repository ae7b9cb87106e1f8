/* reprise stats: counts, errors, latency percentiles, bytes per path and type, processes, output formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats/histogram.h"
#include "stats/pathset.h"
#include "stats/report.h"
#include "stats/summary.h"

#define ROOT 100
#define CHILD 101
#define US 1000u

struct builder {
	char path[64];
	struct rpr_writer *w;
	uint64_t seq, ts;
};

static void builder_open(struct builder *b)
{
	strcpy(b->path, "/tmp/test_stats_XXXXXX");
	int fd = mkstemp(b->path);
	assert_true(fd >= 0);
	close(fd);
	static char *argv[] = { "/usr/bin/demo", "arg" };
	struct rpr_header hdr;
	memset(&hdr, 0, sizeof(hdr));
	hdr.format_major = RPR_FORMAT_MAJOR;
	hdr.format_minor = RPR_FORMAT_MINOR;
	strcpy(hdr.arch, "x86_64");
	hdr.page_size = 4096;
	hdr.argc = 2;
	hdr.argv = argv;
	char err[256];
	b->w = rpr_writer_open(b->path, &hdr, err, sizeof(err));
	assert_non_null(b->w);
	b->seq = 1;
	b->ts = 1000000;
}

static void append(struct builder *b, struct rpr_event *ev, int32_t pid, int32_t tid)
{
	ev->seq = b->seq++;
	ev->ts_ns = b->ts;
	ev->pid = pid;
	ev->tid = tid;
	assert_int_equal(rpr_writer_append(b->w, ev), 0);
}

static void task_new(struct builder *b, int32_t pid, int32_t tid, unsigned how, int32_t parent, uint64_t flags)
{
	struct rpr_event ev = { .kind = RPR_EV_TASK_NEW };
	ev.u.task_new.how = how;
	ev.u.task_new.parent_tid = parent;
	ev.u.task_new.clone_flags = flags;
	append(b, &ev, pid, tid);
}

static void task_exit(struct builder *b, int32_t pid, int32_t tid, int status)
{
	struct rpr_event ev = { .kind = RPR_EV_TASK_EXIT };
	ev.u.task_exit.status = status;
	append(b, &ev, pid, tid);
}

static struct rpr_region string_region(unsigned arg, uint64_t addr, const char *s)
{
	return (struct rpr_region){ .phase = RPR_PHASE_ENTER, .arg = (uint8_t)arg, .addr = addr,
				    .size = strlen(s) + 1, .stored = strlen(s) + 1, .data = (const uint8_t *)s };
}

struct call {
	const char *name;
	uint64_t args[6];
	int64_t ret;
	uint64_t ns;
	const struct rpr_region *enter_region, *exit_region;
	uint32_t exit_flags;
};

/* An entry and an exit `ns` apart; `between` (if set) runs in between, as another thread's events would. */
static void call(struct builder *b, int32_t pid, int32_t tid, struct call c)
{
	int nr = arch_syscall_nr(arch_native(), c.name);
	assert_true(nr >= 0);
	struct rpr_event enter = { .kind = RPR_EV_SYSCALL_ENTER };
	enter.u.enter.nr = (uint32_t)nr;
	memcpy(enter.u.enter.args, c.args, sizeof(c.args));
	enter.nregions = c.enter_region ? 1 : 0;
	enter.regions = c.enter_region;
	append(b, &enter, pid, tid);
	uint64_t enter_seq = enter.seq;
	b->ts += c.ns;
	struct rpr_event exit = { .kind = RPR_EV_SYSCALL_EXIT };
	exit.u.exit.nr = (uint32_t)nr;
	exit.u.exit.ret = c.ret;
	exit.u.exit.flags = c.exit_flags;
	exit.u.exit.enter_seq = enter_seq;
	exit.nregions = c.exit_region ? 1 : 0;
	exit.regions = c.exit_region;
	append(b, &exit, pid, tid);
	b->ts += 10 * US;
}

static void builder_close(struct builder *b)
{
	char err[256];
	assert_int_equal(rpr_writer_close(b->w, err, sizeof(err)), 0);
}

/* Reads the trace back into s; trace_expr and pid (0: all) narrow what is counted. */
static void summarize(const struct builder *b, struct stats_summary *s, const char *trace_expr, int32_t pid)
{
	char err[256];
	struct rpr_reader *r = rpr_reader_open(b->path, 0, err, sizeof(err));
	assert_non_null(r);
	stats_summary_init(s, rpr_reader_header(r), arch_native());
	if (trace_expr)
		assert_int_equal(sys_set_parse(&s->selected, arch_native(), trace_expr, err, sizeof(err)), 0);
	if (pid) {
		s->pids[0] = pid;
		s->npids = 1;
	}
	const struct rpr_event *ev;
	int got;
	while ((got = rpr_reader_next(r, &ev)) > 0)
		stats_summary_add(s, ev);
	assert_int_equal(got, 0);
	rpr_reader_close(r);
}

static const struct syscall_summary *calls_of(const struct stats_summary *s, const char *name)
{
	return &s->calls[arch_syscall_nr(s->arch, name)];
}

static void assert_near(uint64_t got, uint64_t want)
{
	double error = (got > want ? (double)(got - want) : (double)(want - got)) / (double)want;
	if (error >= 0.01)
		fail_msg("%llu is not within 1%% of %llu", (unsigned long long)got, (unsigned long long)want);
}

/* 100 reads of stdin taking 1..100 us, 3 failed opens, and exit_group (which never returns). */
static void write_latency_trace(struct builder *b)
{
	builder_open(b);
	task_new(b, ROOT, ROOT, RPR_TASK_ROOT, 0, 0);
	for (uint64_t i = 1; i <= 100; i++)
		call(b, ROOT, ROOT, (struct call){ .name = "read", .args = { 0, 0x1000, 1 }, .ret = 1, .ns = i * US });
	struct rpr_region missing = string_region(1, 0x2000, "missing");
	for (int i = 0; i < 3; i++)
		call(b, ROOT, ROOT,
		     (struct call){ .name = "openat", .args = { (uint64_t)AT_FDCWD, 0x2000, O_RDONLY }, .ret = -ENOENT, .ns = 2 * US, .enter_region = &missing });
	call(b, ROOT, ROOT, (struct call){ .name = "exit_group", .args = { 0 }, .ret = 0, .ns = 5 * US, .exit_flags = RPR_EXIT_NO_RETURN });
	task_exit(b, ROOT, ROOT, 0);
	builder_close(b);
}

static void test_counts_errors_and_percentiles(void **state)
{
	(void)state;
	struct builder b;
	write_latency_trace(&b);
	struct stats_summary s;
	summarize(&b, &s, NULL, 0);

	const struct syscall_summary *reads = calls_of(&s, "read"), *opens = calls_of(&s, "openat");
	assert_int_equal(reads->calls, 100);
	assert_int_equal(reads->errors, 0);
	assert_int_equal(reads->time_ns, 5050 * US);
	assert_int_equal(opens->calls, 3);
	assert_int_equal(opens->errors, 3);
	assert_int_equal(opens->time_ns, 6 * US);
	assert_int_equal(calls_of(&s, "exit_group")->calls, 0);
	assert_near(latency_histogram_percentile(reads->latency, 50), 50 * US);
	assert_near(latency_histogram_percentile(reads->latency, 90), 90 * US);
	assert_near(latency_histogram_percentile(reads->latency, 99), 99 * US);
	assert_int_equal(reads->latency->max_ns, 100 * US);
	assert_int_equal(latency_histogram_percentile(opens->latency, 99), 2 * US);

	uint32_t nrs[SYS_SET_MAX];
	assert_int_equal(stats_summary_ranked(&s, nrs), 2);
	assert_int_equal(nrs[0], arch_syscall_nr(s.arch, "read"));

	assert_int_equal(s.nprocs, 1);
	const struct process_summary *p = &s.procs[0];
	assert_int_equal(p->pid, ROOT);
	assert_string_equal(p->command, "/usr/bin/demo");
	assert_int_equal(p->syscalls, 103);
	assert_int_equal(p->errors, 3);
	assert_int_equal(p->time_ns, 5056 * US);
	assert_int_equal(p->threads, 1);
	assert_int_equal(p->end, PROCESS_EXITED);
	assert_true(WIFEXITED(p->wait_status) && WEXITSTATUS(p->wait_status) == 0);

	assert_int_equal(s.by_type[FD_TYPE_INHERITED].read_bytes, 100);
	assert_int_equal(s.by_type[FD_TYPE_INHERITED].reads, 100);
	stats_summary_free(&s);
	unlink(b.path);
}

/*
 * The root opens data.txt (fd 3) and a pipe (4, 5), duplicates fd 3 as 10, closes 3,
 * opens a socket (6), chdirs to /srv and opens log.txt there with O_CLOEXEC (7).
 * A forked child writes through its copies, execs /bin/sh (closing 7 but not the pipe),
 * starts a thread sharing its descriptors, and exits 3.
 */
static void write_descriptor_trace(struct builder *b)
{
	builder_open(b);
	task_new(b, ROOT, ROOT, RPR_TASK_ROOT, 0, 0);
	struct rpr_region data = string_region(1, 0x2000, "data.txt");
	call(b, ROOT, ROOT, (struct call){ .name = "openat", .args = { (uint64_t)AT_FDCWD, 0x2000, O_RDWR | O_CREAT, 0644 }, .ret = 3, .ns = US, .enter_region = &data });
	call(b, ROOT, ROOT, (struct call){ .name = "write", .args = { 3, 0x3000, 16 }, .ret = 16, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "read", .args = { 3, 0x3000, 64 }, .ret = 16, .ns = US });
	static const int32_t pipe_fds[2] = { 4, 5 };
	struct rpr_region pair = { .phase = RPR_PHASE_EXIT, .arg = 0, .addr = 0x4000, .size = 8, .stored = 8,
				   .data = (const uint8_t *)pipe_fds };
	call(b, ROOT, ROOT, (struct call){ .name = "pipe2", .args = { 0x4000, 0 }, .ret = 0, .ns = US, .exit_region = &pair });
	call(b, ROOT, ROOT, (struct call){ .name = "write", .args = { 5, 0x3000, 10 }, .ret = 10, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "read", .args = { 4, 0x3000, 64 }, .ret = 10, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "dup2", .args = { 3, 10 }, .ret = 10, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "close", .args = { 3 }, .ret = 0, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "write", .args = { 3, 0x3000, 4 }, .ret = -EBADF, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "write", .args = { 10, 0x3000, 5 }, .ret = 5, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "write", .args = { 1, 0x3000, 7 }, .ret = 7, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "socket", .args = { AF_INET, SOCK_STREAM, 0 }, .ret = 6, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "sendto", .args = { 6, 0x3000, 3, 0, 0, 0 }, .ret = 3, .ns = US });
	struct rpr_region srv = string_region(0, 0x5000, "/srv");
	call(b, ROOT, ROOT, (struct call){ .name = "chdir", .args = { 0x5000 }, .ret = 0, .ns = US, .enter_region = &srv });
	struct rpr_region log = string_region(1, 0x2000, "./log.txt");
	call(b, ROOT, ROOT,
	     (struct call){ .name = "openat", .args = { (uint64_t)AT_FDCWD, 0x2000, O_WRONLY | O_CLOEXEC }, .ret = 7, .ns = US, .enter_region = &log });
	call(b, ROOT, ROOT, (struct call){ .name = "write", .args = { 7, 0x3000, 100 }, .ret = 100, .ns = US });

	task_new(b, CHILD, CHILD, RPR_TASK_FORK, ROOT, SIGCHLD);
	call(b, CHILD, CHILD, (struct call){ .name = "write", .args = { 10, 0x3000, 2 }, .ret = 2, .ns = US });
	call(b, CHILD, CHILD, (struct call){ .name = "close", .args = { 10 }, .ret = 0, .ns = US });
	call(b, ROOT, ROOT, (struct call){ .name = "write", .args = { 10, 0x3000, 1 }, .ret = 1, .ns = US });
	struct rpr_region sh = string_region(0, 0x6000, "/bin/sh");
	int execve_nr = arch_syscall_nr(arch_native(), "execve");
	struct rpr_event enter = { .kind = RPR_EV_SYSCALL_ENTER, .nregions = 1, .regions = &sh };
	enter.u.enter.nr = (uint32_t)execve_nr;
	enter.u.enter.args[0] = 0x6000;
	append(b, &enter, CHILD, CHILD);
	struct rpr_event exec = { .kind = RPR_EV_EXEC };
	append(b, &exec, CHILD, CHILD);
	struct rpr_event exit = { .kind = RPR_EV_SYSCALL_EXIT };
	exit.u.exit.nr = (uint32_t)execve_nr;
	exit.u.exit.enter_seq = enter.seq;
	append(b, &exit, CHILD, CHILD);
	call(b, CHILD, CHILD, (struct call){ .name = "write", .args = { 7, 0x3000, 9 }, .ret = 9, .ns = US });
	task_new(b, CHILD, CHILD + 1, RPR_TASK_THREAD, CHILD, CLONE_THREAD | CLONE_VM | CLONE_FILES);
	call(b, CHILD, CHILD + 1, (struct call){ .name = "write", .args = { 5, 0x3000, 8 }, .ret = 8, .ns = US });
	task_exit(b, CHILD, CHILD + 1, 3 << 8);
	task_exit(b, CHILD, CHILD, 3 << 8);
	builder_close(b);
}

static const struct io_bytes *path_io(const struct stats_summary *s, const char *path)
{
	for (size_t k = 0; k < s->paths.count; k++)
		if (strcmp(s->paths.items[k].path, path) == 0)
			return &s->paths.items[k].io;
	fail_msg("no path %s", path);
	return NULL;
}

static void test_bytes_per_path_and_type(void **state)
{
	(void)state;
	struct builder b;
	write_descriptor_trace(&b);
	struct stats_summary s;
	summarize(&b, &s, NULL, 0);

	const struct io_bytes *data = path_io(&s, "data.txt");
	assert_int_equal(data->written_bytes, 16 + 5 + 2 + 1);
	assert_int_equal(data->writes, 4);
	assert_int_equal(data->read_bytes, 16);
	const struct io_bytes *log = path_io(&s, "/srv/log.txt");
	assert_int_equal(log->written_bytes, 100);

	assert_int_equal(s.by_type[FD_TYPE_REGULAR].written_bytes, 24 + 100);
	assert_int_equal(s.by_type[FD_TYPE_REGULAR].read_bytes, 16);
	assert_int_equal(s.by_type[FD_TYPE_PIPE].written_bytes, 10 + 8);
	assert_int_equal(s.by_type[FD_TYPE_PIPE].read_bytes, 10);
	assert_int_equal(s.by_type[FD_TYPE_SOCKET].written_bytes, 3);
	/* fd 1, and fd 7 in the child after exec closed the O_CLOEXEC original */
	assert_int_equal(s.by_type[FD_TYPE_INHERITED].written_bytes, 7 + 9);

	assert_int_equal(s.nprocs, 2);
	const struct process_summary *root = &s.procs[0], *child = &s.procs[1];
	assert_int_equal(root->errors, 1);
	assert_int_equal(root->syscalls, 17);
	assert_string_equal(child->command, "/bin/sh");
	assert_int_equal(child->pid, CHILD);
	assert_int_equal(child->threads, 2);
	assert_int_equal(child->syscalls, 5);
	assert_int_equal(child->end, PROCESS_EXITED);
	assert_true(WIFEXITED(child->wait_status) && WEXITSTATUS(child->wait_status) == 3);
	char end[64];
	process_end_text(child, end, sizeof(end));
	assert_string_equal(end, "exited 3");
	stats_summary_free(&s);
	unlink(b.path);
}

static void test_filters(void **state)
{
	(void)state;
	struct builder b;
	write_descriptor_trace(&b);
	struct stats_summary s;
	summarize(&b, &s, "trace=write", CHILD);
	assert_int_equal(calls_of(&s, "write")->calls, 3);
	assert_int_equal(calls_of(&s, "close")->calls, 0);
	assert_int_equal(s.procs[0].syscalls, 0);
	assert_int_equal(s.procs[1].syscalls, 3);
	/* descriptors are still followed through the calls that are not counted */
	assert_int_equal(path_io(&s, "data.txt")->written_bytes, 2);
	assert_int_equal(s.by_type[FD_TYPE_PIPE].written_bytes, 8);
	stats_summary_free(&s);
	unlink(b.path);
}

static char *print_to_string(const struct stats_summary *s, int json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	struct report_source src = { .trace_path = "t\"race.rpr", .complete = 1 };
	if (json)
		stats_print_json(out, s, &src);
	else
		stats_print_text(out, s);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void test_strace_table_layout(void **state)
{
	(void)state;
	struct builder b;
	builder_open(&b);
	task_new(&b, ROOT, ROOT, RPR_TASK_ROOT, 0, 0);
	call(&b, ROOT, ROOT, (struct call){ .name = "write", .args = { 9, 0x3000, 1 }, .ret = -EBADF, .ns = 1500 * US });
	call(&b, ROOT, ROOT, (struct call){ .name = "close", .args = { 9 }, .ret = 0, .ns = 250 * US });
	call(&b, ROOT, ROOT, (struct call){ .name = "close", .args = { 9 }, .ret = 0, .ns = 250 * US });
	builder_close(&b);
	struct stats_summary s;
	summarize(&b, &s, NULL, 0);
	char *text = print_to_string(&s, 0);
	const char *expected = "% time     seconds  usecs/call     calls    errors syscall\n"
			       "------ ----------- ----------- --------- --------- ----------------\n"
			       " 75.00    0.001500        1500         1         1 write\n"
			       " 25.00    0.000500         250         2           close\n"
			       "------ ----------- ----------- --------- --------- ----------------\n"
			       "100.00    0.002000         666         3         1 total\n";
	assert_memory_equal(text, expected, strlen(expected));
	assert_non_null(strstr(text, "\nlatency (usecs)      calls         p50"));
	free(text);
	stats_summary_free(&s);
	unlink(b.path);
}

static void test_json_is_valid(void **state)
{
	(void)state;
	struct builder b;
	write_descriptor_trace(&b);
	struct stats_summary s;
	summarize(&b, &s, NULL, 0);
	char *json = print_to_string(&s, 1);
	assert_non_null(strstr(json, "{\"path\":\"data.txt\",\"io\":{\"read_bytes\":16,\"written_bytes\":24,"));
	assert_non_null(strstr(json, "\"command\":\"/bin/sh\""));
	FILE *check = popen("python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"trace\"]==\"t\\\"race.rpr\"'",
			    "w");
	assert_non_null(check);
	fputs(json, check);
	assert_int_equal(pclose(check), 0);
	free(json);
	stats_summary_free(&s);
	unlink(b.path);
}

static void test_json_strings(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	json_print_string(out, "a\"b\\c\n\x01\xff\xc3\xa9\xed\xa0\x80");
	assert_int_equal(fclose(out), 0);
	assert_string_equal(text, "\"a\\\"b\\\\c\\n\\u0001\\u00ff\xc3\xa9\\u00ed\\u00a0\\u0080\"");
	free(text);
}

static void test_histogram_error_bound(void **state)
{
	(void)state;
	struct latency_histogram *h = calloc(1, sizeof(*h));
	assert_non_null(h);
	assert_int_equal(latency_histogram_percentile(h, 50), 0);
	/* 1000 increasing samples from 100 ns to about 3.7 s, added in a scrambled order */
	uint64_t samples[1000];
	for (uint64_t i = 0; i < 1000; i++)
		samples[i] = 100 + i * i * i * 37 / 10;
	for (uint64_t i = 0; i < 1000; i++)
		latency_histogram_add(h, samples[(i * 7919) % 1000]);
	for (unsigned pct = 1; pct <= 100; pct++) {
		size_t rank = (pct * 1000 + 99) / 100;
		assert_near(latency_histogram_percentile(h, pct), samples[rank - 1]);
	}
	assert_int_equal(h->min_ns, samples[0]);
	assert_int_equal(h->max_ns, samples[999]);
	latency_histogram_add(h, UINT64_MAX);
	assert_int_equal(latency_histogram_percentile(h, 100), UINT64_MAX);
	free(h);
}

static void test_path_join(void **state)
{
	(void)state;
	static const char *const cases[][3] = {
		{ "/a/b", "./c//d", "/a/b/c/d" }, { "tree", "x", "tree/x" }, { "", "rel", "rel" },
		{ "/", "x", "/x" },             { "/a", "/abs/./y", "/abs/y" }, { "/a", "../b", "/a/../b" },
		{ "/a", ".", "/a" },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *joined = path_join(cases[k][0], cases[k][1]);
		assert_string_equal(joined, cases[k][2]);
		free(joined);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_errors_and_percentiles),
		cmocka_unit_test(test_bytes_per_path_and_type),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_strace_table_layout),
		cmocka_unit_test(test_json_is_valid),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_histogram_error_bound),
		cmocka_unit_test(test_path_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
