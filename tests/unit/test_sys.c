/*
 * Syscall table tests: the rows against the arch's names, number lookup, -e trace=
 * parsing, and capture against a fake tracee memory laid out by each test.
 */
#include <linux/sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "reprise/trace.h"
#include "sys/capture.h"
#include "sys/flags.h"
#include "sys/select.h"
#include "sys/table.h"

/* ---- rows ---- */

static int kind_needs_aux(uint8_t kind, uint8_t sk)
{
	switch (kind) {
	case AK_BUF_IN: case AK_BUF_OUT: case AK_IOV_IN: case AK_IOV_OUT: case AK_STR_OUT: case AK_PATH_OUT:
	case AK_SOCKOPT_NAME: case AK_SOCK_PROTO: case AK_IOCTL_ARG: case AK_FCNTL_ARG: case AK_PRCTL_ARG:
	case AK_FUTEX_TIMEOUT:
		return 1;
	case AK_STRUCT_IN: case AK_STRUCT_OUT: case AK_STRUCT_INOUT:
		return sk == SK_SIGSET || sk == SK_POLLFDS || sk == SK_FDSET || sk == SK_SOCKADDR ||
		       sk == SK_SOCKADDR_OUT || sk == SK_SOCKOPT || sk == SK_CLONE_ARGS || sk == SK_OPEN_HOW ||
		       sk == SK_INT_ARRAY || sk == SK_SEMBUF || sk == SK_CPU_SET || sk == SK_SIGACTION;
	default:
		return 0;
	}
}

static void test_every_arch_name_has_a_row(void **state)
{
	(void)state;
	const struct arch *a = arch_native();
	unsigned named = 0;
	for (unsigned nr = 0; nr < a->nr_count; nr++) {
		if (!a->names[nr])
			continue;
		named++;
		const struct sys_entry *e = sys_by_name(a->names[nr]);
		if (!e)
			fail_msg("no table row for %s", a->names[nr]);
		assert_string_equal(e->name, a->names[nr]);
	}
	assert_int_equal(named, sys_entry_count);
}

static void test_every_row_is_well_formed(void **state)
{
	(void)state;
	const struct arch *a = arch_native();
	for (unsigned i = 0; i < sys_entry_count; i++) {
		const struct sys_entry *e = &sys_entries[i];
		if (arch_syscall_nr(a, e->name) < 0)
			fail_msg("row %s is not a syscall of %s", e->name, a->name);
		for (unsigned j = i + 1; j < sys_entry_count; j++)
			if (strcmp(e->name, sys_entries[j].name) == 0)
				fail_msg("two rows for %s", e->name);
		assert_true(e->nargs <= 6);
		for (unsigned k = 0; k < e->nargs; k++) {
			const struct sys_arg *arg = &e->args[k];
			if (arg->kind == AK_NONE)
				fail_msg("%s argument %u has no kind", e->name, k);
			if ((arg->kind == AK_FLAGS || arg->kind == AK_ENUM) && !arg->flags)
				fail_msg("%s argument %u has no name table", e->name, k);
			if (arg->kind >= AK_STRUCT_IN && (arg->sk == SK_NONE || arg->sk >= SK_COUNT_))
				fail_msg("%s argument %u has no struct kind", e->name, k);
			if (kind_needs_aux(arg->kind, arg->sk) && (arg->aux < 0 || arg->aux >= e->nargs || arg->aux == (int)k))
				fail_msg("%s argument %u needs a length argument", e->name, k);
		}
	}
}

static void test_rows_say_what_strace_says(void **state)
{
	(void)state;
	const struct sys_entry *e = sys_by_name("openat");
	assert_non_null(e);
	assert_int_equal(e->nargs, 4);
	assert_int_equal(e->ret, RK_FD);
	assert_int_equal(e->args[0].kind, AK_DIRFD);
	assert_int_equal(e->args[1].kind, AK_PATH);
	assert_int_equal(e->args[2].kind, AK_OPEN_FLAGS);
	e = sys_by_name("read");
	assert_int_equal(e->args[1].kind, AK_BUF_OUT);
	assert_int_equal(e->args[1].aux, 2);
	e = sys_by_name("newfstatat");
	assert_true(e->classes & SC_FILE);
	assert_true(e->classes & SC_DESC);
	assert_true(e->classes & SC_FSTAT);
	assert_int_equal(e->args[2].sk, SK_STAT);
	assert_int_equal(sys_by_name("exit_group")->ret, RK_NONE);
	assert_int_equal(sys_by_name("mmap")->ret, RK_HEX);
	assert_null(sys_by_name("no_such_call"));
	assert_null(sys_by_name(NULL));
}

static void test_flag_tables_are_terminated(void **state)
{
	(void)state;
	const struct flag_name *tables[] = { open_flag_names, at_flag_names, mmap_prot_names, mmap_flag_names,
					     clone_flag_names, signal_names, msg_flag_names, poll_event_names,
					     epoll_event_names, fcntl_cmd_names, prctl_option_names, ioctl_request_names };
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		size_t n = 0;
		while (tables[t][n].name)
			n++;
		assert_true(n > 0);
	}
	assert_string_equal(signal_names[8].name, "SIGKILL");
	assert_int_equal(signal_names[8].value, 9);
	assert_ptr_equal(sockopt_names_for_level(SOL_SOCKET), sol_socket_option_names);
	assert_null(sockopt_names_for_level(-5));
	assert_ptr_equal(socket_protocol_names_for_domain(AF_INET6), ip_protocol_names);
}

/* ---- lookup by number ---- */

static void test_by_nr(void **state)
{
	(void)state;
	const struct arch *a = arch_native();
	for (unsigned nr = 0; nr < a->nr_count; nr++) {
		const struct sys_entry *e = sys_by_nr(a, nr);
		if (a->names[nr])
			assert_string_equal(e->name, a->names[nr]);
		else
			assert_null(e);
	}
	assert_ptr_equal(sys_by_nr(a, (uint32_t)arch_syscall_nr(a, "openat")), sys_by_name("openat"));
	assert_null(sys_by_nr(a, a->nr_count));
	assert_null(sys_by_nr(a, UINT32_MAX));
}

/* ---- -e trace= ---- */

static int in_set(const struct sys_set *s, const char *name)
{
	int nr = arch_syscall_nr(arch_native(), name);
	assert_true(nr >= 0);
	return sys_set_has(s, (uint32_t)nr);
}

static void parse_ok(struct sys_set *s, const char *expr)
{
	char err[128] = "";
	if (sys_set_parse(s, arch_native(), expr, err, sizeof(err)) != 0)
		fail_msg("'%s' rejected: %s", expr, err);
}

static void test_select_classes(void **state)
{
	(void)state;
	struct sys_set s;
	parse_ok(&s, "%file");
	assert_true(in_set(&s, "open") && in_set(&s, "openat") && in_set(&s, "stat") && in_set(&s, "execve"));
	assert_false(in_set(&s, "read"));
	parse_ok(&s, "%network");
	assert_true(in_set(&s, "socket") && in_set(&s, "connect") && in_set(&s, "sendto"));
	assert_false(in_set(&s, "openat"));
	parse_ok(&s, "%desc");
	assert_true(in_set(&s, "read") && in_set(&s, "write") && in_set(&s, "close") && in_set(&s, "poll"));
	parse_ok(&s, "%process");
	assert_true(in_set(&s, "clone") && in_set(&s, "execve") && in_set(&s, "exit_group") && in_set(&s, "wait4"));
	parse_ok(&s, "%stat");
	assert_true(in_set(&s, "stat"));
	assert_false(in_set(&s, "lstat") || in_set(&s, "fstat"));
	parse_ok(&s, "%fstat");
	assert_true(in_set(&s, "fstat") && in_set(&s, "newfstatat") && in_set(&s, "statx"));
	parse_ok(&s, "%%stat");
	assert_true(in_set(&s, "stat") && in_set(&s, "lstat") && in_set(&s, "fstat") && in_set(&s, "statx"));
	assert_false(in_set(&s, "statfs"));
	parse_ok(&s, "%%statfs");
	assert_true(in_set(&s, "statfs") && in_set(&s, "fstatfs") && in_set(&s, "ustat"));
	parse_ok(&s, "%pure");
	assert_true(in_set(&s, "getpid") && in_set(&s, "gettid"));
	assert_false(in_set(&s, "getsid"));
}

static void test_select_names_negation_all_none(void **state)
{
	(void)state;
	const struct arch *a = arch_native();
	struct sys_set s;
	parse_ok(&s, "trace=read,write");
	assert_true(in_set(&s, "read") && in_set(&s, "write"));
	assert_false(in_set(&s, "openat"));
	parse_ok(&s, "!read,%network");
	assert_false(in_set(&s, "read") || in_set(&s, "socket"));
	assert_true(in_set(&s, "openat"));
	parse_ok(&s, "all");
	assert_true(sys_set_is_full(&s, a));
	parse_ok(&s, "none");
	assert_false(in_set(&s, "read"));
	assert_false(sys_set_is_full(&s, a));
	parse_ok(&s, "!none");
	assert_true(sys_set_is_full(&s, a));
	parse_ok(&s, "%file,read");
	assert_true(in_set(&s, "read") && in_set(&s, "open"));
	sys_set_fill(&s);
	assert_true(sys_set_is_full(&s, a));
}

static void test_select_errors(void **state)
{
	(void)state;
	struct sys_set s;
	char err[128];
	assert_int_equal(sys_set_parse(&s, arch_native(), "read,foo", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown syscall or class 'foo' in -e trace=");
	assert_int_equal(sys_set_parse(&s, arch_native(), "%bogus", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown syscall or class '%bogus' in -e trace=");
	assert_int_equal(sys_set_parse(&s, arch_native(), "read,", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown syscall or class '' in -e trace=");
}

/* ---- capture against a fake tracee ---- */

#define PAGE 4096u
#define MEM_BASE UINT64_C(0x700000)
#define MEM_PAGES 4u

static uint8_t mem[MEM_PAGES * PAGE];
static uint64_t mem_end; /* reads past this fail, as an unmapped page would */

struct kept {
	unsigned phase, arg, flags;
	uint64_t addr, size, stored;
	uint8_t data[2048];
};

static struct kept kept[64];
static unsigned nkept;

static long fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < MEM_BASE || addr >= mem_end)
		return -1;
	size_t n = len < mem_end - addr ? len : (size_t)(mem_end - addr);
	memcpy(buf, mem + (addr - MEM_BASE), n);
	return (long)n;
}

static int fake_keep(void *ctx, unsigned phase, unsigned arg, uint64_t addr, uint64_t size, const void *data,
		     uint64_t stored, unsigned flags)
{
	(void)ctx;
	assert_true(nkept < sizeof(kept) / sizeof(kept[0]));
	assert_true(stored <= size);
	assert_true(stored == 0 || data != NULL);
	struct kept *k = &kept[nkept++];
	*k = (struct kept){ .phase = phase, .arg = arg, .flags = flags, .addr = addr, .size = size, .stored = stored };
	if (stored)
		memcpy(k->data, data, stored < sizeof(k->data) ? stored : sizeof(k->data));
	return 0;
}

static const struct capture_ops fake_ops = { .read = fake_read, .keep = fake_keep };

static uint64_t layout_next;

static int reset_memory(void **state)
{
	(void)state;
	memset(mem, 0xAA, sizeof(mem));
	mem_end = MEM_BASE + sizeof(mem);
	layout_next = MEM_BASE;
	nkept = 0;
	return 0;
}

/* Places bytes in the fake memory (8-byte aligned), returning their tracee address. */
static uint64_t put(const void *data, size_t len)
{
	uint64_t addr = layout_next;
	assert_true(addr + len <= MEM_BASE + sizeof(mem));
	memcpy(mem + (addr - MEM_BASE), data, len);
	layout_next = (addr + len + 7) & ~UINT64_C(7);
	return addr;
}

static uint64_t put_at(uint64_t addr, const void *data, size_t len)
{
	memcpy(mem + (addr - MEM_BASE), data, len);
	return addr;
}

static void capture(const char *name, unsigned phase, const uint64_t args[6], int64_t ret,
		    const struct capture_limits *lim)
{
	const struct sys_entry *e = sys_by_name(name);
	assert_non_null(e);
	assert_int_equal(sys_capture(e, phase, args, ret, lim, &fake_ops), 0);
}

static const struct kept *kept_at(uint64_t addr, unsigned phase)
{
	for (unsigned i = 0; i < nkept; i++)
		if (kept[i].addr == addr && kept[i].phase == phase)
			return &kept[i];
	fail_msg("no region kept at 0x%llx", (unsigned long long)addr);
	return NULL;
}

static void assert_kept(uint64_t addr, unsigned phase, const void *data, uint64_t size, uint64_t stored, unsigned flags)
{
	const struct kept *k = kept_at(addr, phase);
	assert_int_equal(k->size, size);
	assert_int_equal(k->stored, stored);
	assert_int_equal(k->flags, flags);
	if (data)
		assert_memory_equal(k->data, data, stored);
}

static const struct capture_limits no_limits = { 0, 0 };

static void test_capture_write(void **state)
{
	(void)state;
	uint64_t buf = put("hello world", 11);
	uint64_t args[6] = { 1, buf, 11 };
	capture("write", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 1);
	assert_int_equal(kept[0].arg, 1);
	assert_kept(buf, RPR_PHASE_ENTER, "hello world", 11, 11, 0);
	nkept = 0;
	capture("write", RPR_PHASE_EXIT, args, 11, &no_limits);
	assert_int_equal(nkept, 0);
}

static void test_capture_writev(void **state)
{
	(void)state;
	uint64_t a = put("one", 3), b = put("", 0), c = put("three", 5);
	struct iovec iov[3] = {
		{ (void *)(uintptr_t)a, 3 }, { (void *)(uintptr_t)b, 0 }, { (void *)(uintptr_t)c, 5 },
	};
	uint64_t iov_addr = put(iov, sizeof(iov));
	uint64_t args[6] = { 1, iov_addr, 3 };
	capture("writev", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 3);
	assert_kept(iov_addr, RPR_PHASE_ENTER, iov, sizeof(iov), sizeof(iov), 0);
	assert_kept(a, RPR_PHASE_ENTER, "one", 3, 3, 0);
	assert_kept(c, RPR_PHASE_ENTER, "three", 5, 5, 0);
}

static void test_capture_read_at_exit(void **state)
{
	(void)state;
	uint64_t buf = put("data written by the kernel", 26);
	uint64_t args[6] = { 3, buf, 4096 };
	capture("read", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 0);
	capture("read", RPR_PHASE_EXIT, args, 4, &no_limits);
	assert_int_equal(nkept, 1);
	assert_kept(buf, RPR_PHASE_EXIT, "data", 4, 4, 0);
	nkept = 0;
	capture("read", RPR_PHASE_EXIT, args, 0, &no_limits);
	capture("read", RPR_PHASE_EXIT, args, -14, &no_limits);
	assert_int_equal(nkept, 0);
}

static void test_capture_readv_spreads_result(void **state)
{
	(void)state;
	uint64_t a = put("AAAA", 4), b = put("BBBB", 4), c = put("CCCC", 4);
	struct iovec iov[3] = {
		{ (void *)(uintptr_t)a, 4 }, { (void *)(uintptr_t)b, 4 }, { (void *)(uintptr_t)c, 4 },
	};
	uint64_t iov_addr = put(iov, sizeof(iov));
	uint64_t args[6] = { 3, iov_addr, 3 };
	capture("readv", RPR_PHASE_EXIT, args, 6, &no_limits);
	assert_int_equal(nkept, 3);
	assert_kept(iov_addr, RPR_PHASE_EXIT, iov, sizeof(iov), sizeof(iov), 0);
	assert_kept(a, RPR_PHASE_EXIT, "AAAA", 4, 4, 0);
	assert_kept(b, RPR_PHASE_EXIT, "BB", 2, 2, 0);
}

static void test_capture_snaplen_and_no_data(void **state)
{
	(void)state;
	uint64_t buf = put("0123456789", 10);
	uint64_t args[6] = { 1, buf, 10 };
	struct capture_limits snap = { .snaplen = 4 };
	capture("write", RPR_PHASE_ENTER, args, 0, &snap);
	assert_kept(buf, RPR_PHASE_ENTER, "0123", 10, 4, RPR_REGION_TRUNCATED);
	nkept = 0;
	struct capture_limits no_data = { .no_data = 1 };
	capture("write", RPR_PHASE_ENTER, args, 0, &no_data);
	assert_kept(buf, RPR_PHASE_ENTER, NULL, 10, 0, RPR_REGION_TRUNCATED);
	nkept = 0;
	/* structs and paths are kept whole whatever the limits */
	struct stat st = { .st_size = 1234 };
	uint64_t path = put("/etc/passwd", 12), st_addr = put(&st, sizeof(st));
	uint64_t stat_args[6] = { path, st_addr };
	capture("stat", RPR_PHASE_ENTER, stat_args, 0, &no_data);
	capture("stat", RPR_PHASE_EXIT, stat_args, 0, &no_data);
	assert_kept(path, RPR_PHASE_ENTER, "/etc/passwd", 12, 12, 0);
	assert_kept(st_addr, RPR_PHASE_EXIT, &st, sizeof(st), sizeof(st), 0);
}

static void test_capture_stat_only_on_success(void **state)
{
	(void)state;
	struct stat st = { .st_mode = S_IFREG | 0644 };
	uint64_t path = put("/nope", 6), st_addr = put(&st, sizeof(st));
	uint64_t args[6] = { path, st_addr };
	capture("stat", RPR_PHASE_EXIT, args, -2, &no_limits);
	assert_int_equal(nkept, 0);
	capture("stat", RPR_PHASE_EXIT, args, 0, &no_limits);
	assert_int_equal(nkept, 1);
	assert_int_equal(kept[0].size, 144);
	assert_kept(st_addr, RPR_PHASE_EXIT, &st, 144, 144, 0);
}

static void test_capture_string_across_page(void **state)
{
	(void)state;
	char path[40];
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	uint64_t addr = put_at(MEM_BASE + PAGE - 10, path, sizeof(path));
	uint64_t args[6] = { addr, 0 };
	capture("unlink", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 1);
	assert_kept(addr, RPR_PHASE_ENTER, path, sizeof(path), sizeof(path), 0);
}

static void test_capture_string_into_unmapped_page(void **state)
{
	(void)state;
	char tail[16];
	memset(tail, 'x', sizeof(tail));
	uint64_t addr = put_at(MEM_BASE + PAGE - sizeof(tail), tail, sizeof(tail));
	mem_end = MEM_BASE + PAGE;
	uint64_t args[6] = { addr };
	capture("unlink", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_kept(addr, RPR_PHASE_ENTER, tail, sizeof(tail), sizeof(tail), RPR_REGION_TRUNCATED);
}

static void test_capture_faulting_pointers(void **state)
{
	(void)state;
	uint64_t bad = MEM_BASE + sizeof(mem) + PAGE;
	uint64_t args[6] = { 1, bad, 100 };
	capture("write", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_kept(bad, RPR_PHASE_ENTER, NULL, 100, 0, RPR_REGION_FAULT);
	nkept = 0;
	uint64_t open_args[6] = { bad, 0, 0 };
	capture("open", RPR_PHASE_ENTER, open_args, 0, &no_limits);
	assert_kept(bad, RPR_PHASE_ENTER, NULL, 1, 0, RPR_REGION_FAULT);
	nkept = 0;
	uint64_t null_args[6] = { 1, 0, 100 };
	capture("write", RPR_PHASE_ENTER, null_args, 0, &no_limits);
	assert_int_equal(nkept, 0);
}

static void test_capture_execve(void **state)
{
	(void)state;
	uint64_t path = put("/bin/echo", 10), a0 = put("echo", 5), a1 = put("hi", 3), e0 = put("HOME=/root", 11);
	uint64_t argv[3] = { a0, a1, 0 }, envp[2] = { e0, 0 };
	uint64_t argv_addr = put(argv, sizeof(argv)), envp_addr = put(envp, sizeof(envp));
	uint64_t args[6] = { path, argv_addr, envp_addr };
	capture("execve", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 6);
	assert_kept(path, RPR_PHASE_ENTER, "/bin/echo", 10, 10, 0);
	assert_kept(argv_addr, RPR_PHASE_ENTER, argv, sizeof(argv), sizeof(argv), 0);
	assert_kept(a0, RPR_PHASE_ENTER, "echo", 5, 5, 0);
	assert_kept(a1, RPR_PHASE_ENTER, "hi", 3, 3, 0);
	assert_kept(envp_addr, RPR_PHASE_ENTER, envp, sizeof(envp), sizeof(envp), 0);
	assert_kept(e0, RPR_PHASE_ENTER, "HOME=/root", 11, 11, 0);
	assert_int_equal(kept_at(e0, RPR_PHASE_ENTER)->arg, 2);
}

static void test_capture_sendmsg(void **state)
{
	(void)state;
	uint8_t name[16] = { 2, 0, 0, 80, 127, 0, 0, 1 };
	uint8_t control[24] = { 24, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0 };
	uint64_t name_addr = put(name, sizeof(name)), control_addr = put(control, sizeof(control));
	uint64_t d0 = put("GET ", 4), d1 = put("/\r\n", 3);
	struct iovec iov[2] = { { (void *)(uintptr_t)d0, 4 }, { (void *)(uintptr_t)d1, 3 } };
	uint64_t iov_addr = put(iov, sizeof(iov));
	struct msghdr h = {
		.msg_name = (void *)(uintptr_t)name_addr, .msg_namelen = sizeof(name),
		.msg_iov = (struct iovec *)(uintptr_t)iov_addr, .msg_iovlen = 2,
		.msg_control = (void *)(uintptr_t)control_addr, .msg_controllen = sizeof(control),
	};
	uint64_t h_addr = put(&h, sizeof(h));
	uint64_t args[6] = { 3, h_addr, 0 };
	struct capture_limits snap = { .snaplen = 2 };
	capture("sendmsg", RPR_PHASE_ENTER, args, 0, &snap);
	assert_int_equal(nkept, 6);
	assert_kept(h_addr, RPR_PHASE_ENTER, &h, 56, 56, 0);
	assert_kept(name_addr, RPR_PHASE_ENTER, name, 16, 16, 0);
	assert_kept(iov_addr, RPR_PHASE_ENTER, iov, sizeof(iov), sizeof(iov), 0);
	assert_kept(d0, RPR_PHASE_ENTER, "GE", 4, 2, RPR_REGION_TRUNCATED);
	assert_kept(d1, RPR_PHASE_ENTER, "/\r", 3, 2, RPR_REGION_TRUNCATED);
	assert_kept(control_addr, RPR_PHASE_ENTER, control, 24, 24, 0);
	nkept = 0;
	capture("sendmsg", RPR_PHASE_EXIT, args, 7, &snap);
	assert_int_equal(nkept, 0);
}

static void test_capture_recvmsg(void **state)
{
	(void)state;
	uint8_t name[128] = { 2, 0, 0x1f, 0x90, 10, 0, 0, 2 };
	uint64_t name_addr = put(name, sizeof(name));
	uint64_t buf0 = put("reply-part-one", 14), buf1 = put("two", 3);
	struct iovec iov[2] = { { (void *)(uintptr_t)buf0, 8 }, { (void *)(uintptr_t)buf1, 64 } };
	uint64_t iov_addr = put(iov, sizeof(iov));
	struct msghdr h = {
		.msg_name = (void *)(uintptr_t)name_addr, .msg_namelen = 16,
		.msg_iov = (struct iovec *)(uintptr_t)iov_addr, .msg_iovlen = 2,
	};
	uint64_t h_addr = put(&h, sizeof(h));
	uint64_t args[6] = { 3, h_addr, 0 };
	capture("recvmsg", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 1);
	assert_kept(h_addr, RPR_PHASE_ENTER, &h, 56, 56, 0);
	nkept = 0;
	capture("recvmsg", RPR_PHASE_EXIT, args, 10, &no_limits);
	assert_int_equal(nkept, 5);
	assert_kept(h_addr, RPR_PHASE_EXIT, &h, 56, 56, 0);
	assert_kept(name_addr, RPR_PHASE_EXIT, name, 16, 16, 0);
	assert_kept(iov_addr, RPR_PHASE_EXIT, iov, sizeof(iov), sizeof(iov), 0);
	assert_kept(buf0, RPR_PHASE_EXIT, "reply-pa", 8, 8, 0);
	assert_kept(buf1, RPR_PHASE_EXIT, "tw", 2, 2, 0);
}

static void test_capture_mmsg(void **state)
{
	(void)state;
	uint64_t d0 = put("ping", 4), d1 = put("pong!", 5);
	struct iovec iov0 = { (void *)(uintptr_t)d0, 4 }, iov1 = { (void *)(uintptr_t)d1, 16 };
	uint64_t iov0_at = put(&iov0, sizeof(iov0)), iov1_at = put(&iov1, sizeof(iov1));
	struct mmsghdr m[2] = {
		{ .msg_hdr = { .msg_iov = (struct iovec *)(uintptr_t)iov0_at, .msg_iovlen = 1 } },
		{ .msg_hdr = { .msg_iov = (struct iovec *)(uintptr_t)iov1_at, .msg_iovlen = 1 }, .msg_len = 3 },
	};
	uint64_t m_at = put(m, sizeof(m));
	uint64_t args[6] = { 3, m_at, 2, 0, 0 };
	capture("sendmmsg", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 5);
	assert_kept(m_at, RPR_PHASE_ENTER, m, 128, 128, 0);
	assert_kept(d0, RPR_PHASE_ENTER, "ping", 4, 4, 0);
	nkept = 0;
	capture("sendmmsg", RPR_PHASE_EXIT, args, 1, &no_limits);
	assert_int_equal(nkept, 1);
	assert_kept(m_at, RPR_PHASE_EXIT, m, 64, 64, 0);
	nkept = 0;
	capture("recvmmsg", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 0);
	capture("recvmmsg", RPR_PHASE_EXIT, args, 2, &no_limits);
	assert_int_equal(nkept, 4);
	assert_kept(m_at, RPR_PHASE_EXIT, m, 128, 128, 0);
	assert_kept(d1, RPR_PHASE_EXIT, "pon", 3, 3, 0);
	assert_kept(iov0_at, RPR_PHASE_EXIT, &iov0, 16, 16, 0);
}

static void test_capture_dependent_arguments(void **state)
{
	(void)state;
	struct timespec ts = { 1, 500 };
	uint64_t ts_at = put(&ts, sizeof(ts));
	uint64_t wait_args[6] = { 0x1000, 0x80 /* FUTEX_WAIT_PRIVATE */, 2, ts_at, 0, 0 };
	capture("futex", RPR_PHASE_ENTER, wait_args, 0, &no_limits);
	assert_kept(ts_at, RPR_PHASE_ENTER, &ts, 16, 16, 0);
	nkept = 0;
	uint64_t wake_args[6] = { 0x1000, 0x81 /* FUTEX_WAKE_PRIVATE */, 1, ts_at, 0, 0 };
	capture("futex", RPR_PHASE_ENTER, wake_args, 0, &no_limits);
	assert_int_equal(nkept, 0);
	uint64_t name = put("worker", 7);
	uint64_t prctl_args[6] = { 15 /* PR_SET_NAME */, name };
	capture("prctl", RPR_PHASE_ENTER, prctl_args, 0, &no_limits);
	assert_kept(name, RPR_PHASE_ENTER, "worker", 7, 7, 0);
	nkept = 0;
	uint64_t fcntl_args[6] = { 3, 2 /* F_SETFD */, 1 };
	capture("fcntl", RPR_PHASE_ENTER, fcntl_args, 0, &no_limits);
	capture("fcntl", RPR_PHASE_EXIT, fcntl_args, 0, &no_limits);
	assert_int_equal(nkept, 0);
}

static void test_capture_accept_and_socklen(void **state)
{
	(void)state;
	uint8_t addr[128] = { 1, 0, '/', 't', 'm', 'p', 0 };
	uint32_t len = 7;
	uint64_t addr_at = put(addr, sizeof(addr)), len_at = put(&len, sizeof(len));
	uint64_t args[6] = { 3, addr_at, len_at };
	capture("accept", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_int_equal(nkept, 1);
	assert_kept(len_at, RPR_PHASE_ENTER, &len, 4, 4, 0);
	nkept = 0;
	capture("accept", RPR_PHASE_EXIT, args, 5, &no_limits);
	assert_int_equal(nkept, 2);
	assert_kept(addr_at, RPR_PHASE_EXIT, addr, 7, 7, 0);
	assert_kept(len_at, RPR_PHASE_EXIT, &len, 4, 4, 0);
}

static void test_capture_poll_and_select(void **state)
{
	(void)state;
	int16_t fds[8] = { 0, 0, 1, 0, 4, 0, 1, 0 };
	uint64_t fds_at = put(fds, sizeof(fds));
	uint64_t args[6] = { fds_at, 2, 1000 };
	capture("poll", RPR_PHASE_ENTER, args, 0, &no_limits);
	capture("poll", RPR_PHASE_EXIT, args, 1, &no_limits);
	assert_kept(fds_at, RPR_PHASE_ENTER, fds, 16, 16, 0);
	assert_kept(fds_at, RPR_PHASE_EXIT, fds, 16, 16, 0);
	nkept = 0;
	uint64_t set[2] = { 0x9, 0x1 };
	uint64_t set_at = put(set, sizeof(set));
	uint64_t select_args[6] = { 65, set_at, 0, 0, 0 };
	capture("select", RPR_PHASE_ENTER, select_args, 0, &no_limits);
	assert_int_equal(nkept, 1);
	assert_kept(set_at, RPR_PHASE_ENTER, set, 16, 16, 0);
}

static void test_capture_epoll_wait_and_getdents(void **state)
{
	(void)state;
	uint8_t events[36] = { 1 };
	uint64_t ev_at = put(events, sizeof(events));
	uint64_t args[6] = { 5, ev_at, 3, -1 };
	capture("epoll_wait", RPR_PHASE_EXIT, args, 2, &no_limits);
	assert_kept(ev_at, RPR_PHASE_EXIT, events, 24, 24, 0);
	nkept = 0;
	uint8_t dents[64] = { 7 };
	uint64_t dents_at = put(dents, sizeof(dents));
	uint64_t dargs[6] = { 3, dents_at, 32768 };
	capture("getdents64", RPR_PHASE_EXIT, dargs, 48, &no_limits);
	assert_kept(dents_at, RPR_PHASE_EXIT, dents, 48, 48, 0);
}

static void test_capture_sigaction_and_ioctl(void **state)
{
	(void)state;
	uint64_t act[4] = { 0x1234, 0x04000000, 0x5678, 0 };
	uint64_t act_at = put(act, sizeof(act));
	uint64_t args[6] = { 2, act_at, 0, 8 };
	capture("rt_sigaction", RPR_PHASE_ENTER, args, 0, &no_limits);
	assert_kept(act_at, RPR_PHASE_ENTER, act, 32, 32, 0);
	nkept = 0;
	uint8_t ws[8] = { 24, 0, 80, 0 };
	uint64_t ws_at = put(ws, sizeof(ws));
	uint64_t ioctl_args[6] = { 1, 0x5413 /* TIOCGWINSZ */, ws_at };
	capture("ioctl", RPR_PHASE_ENTER, ioctl_args, 0, &no_limits);
	assert_int_equal(nkept, 0);
	capture("ioctl", RPR_PHASE_EXIT, ioctl_args, 0, &no_limits);
	assert_kept(ws_at, RPR_PHASE_EXIT, ws, 8, 8, 0);
}

static void test_capture_getcwd_and_unknown(void **state)
{
	(void)state;
	uint64_t buf = put("/root\0garbage", 14);
	uint64_t args[6] = { buf, 4096 };
	capture("getcwd", RPR_PHASE_EXIT, args, 6, &no_limits);
	assert_kept(buf, RPR_PHASE_EXIT, "/root", 6, 6, 0);
	assert_int_equal(sys_capture(NULL, RPR_PHASE_ENTER, args, 0, &no_limits, &fake_ops), 0);
}

static void test_capture_sigreturn_mask_from_stack(void **state)
{
	(void)state;
	uint64_t sp = MEM_BASE + PAGE;
	uint64_t mask = (UINT64_C(1) << (SIGUSR2 - 1)) | (UINT64_C(1) << (SIGTERM - 1));
	put_at(sp + arch_native()->sigframe_mask_offset, &mask, sizeof(mask));
	struct capture_ops ops = fake_ops;
	ops.stack_pointer = sp;
	uint64_t args[6] = { 0 };
	assert_int_equal(sys_capture(sys_by_name("rt_sigreturn"), RPR_PHASE_ENTER, args, 0, &no_limits, &ops), 0);
	assert_int_equal(nkept, 1);
	assert_int_equal(kept[0].arg, 0);
	assert_kept(sp + arch_native()->sigframe_mask_offset, RPR_PHASE_ENTER, &mask, 8, 8, 0);
	/* without a stack pointer there is nothing to follow */
	nkept = 0;
	assert_int_equal(sys_capture(sys_by_name("rt_sigreturn"), RPR_PHASE_ENTER, args, 0, &no_limits, &fake_ops), 0);
	assert_int_equal(nkept, 0);
}

static void test_capture_getcwd_is_a_whole_path(void **state)
{
	(void)state;
	const struct sys_entry *getcwd_row = sys_by_name("getcwd"), *readlink_row = sys_by_name("readlink");
	assert_int_equal(getcwd_row->args[0].kind, AK_PATH_OUT);
	assert_int_equal(readlink_row->args[1].kind, AK_STR_OUT);
	char path[300];
	memset(path, 'd', sizeof(path));
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	uint64_t buf = put(path, sizeof(path));
	uint64_t args[6] = { buf, 4096 };
	const struct capture_limits tiny = { 16, 0 };
	capture("getcwd", RPR_PHASE_EXIT, args, (int64_t)sizeof(path), &tiny);
	assert_kept(buf, RPR_PHASE_EXIT, path, sizeof(path), sizeof(path), 0);
}

static void test_capture_clone3_results(void **state)
{
	(void)state;
	int32_t pidfd = 5, tid = 4321;
	uint64_t pidfd_at = put(&pidfd, sizeof(pidfd)), tid_at = put(&tid, sizeof(tid));
	struct clone_args ca = { .flags = CLONE_PIDFD | CLONE_PARENT_SETTID, .pidfd = pidfd_at, .parent_tid = tid_at };
	uint64_t ca_at = put(&ca, sizeof(ca));
	uint64_t args[6] = { ca_at, sizeof(ca) };
	capture("clone3", RPR_PHASE_EXIT, args, tid, &no_limits);
	assert_kept(pidfd_at, RPR_PHASE_EXIT, &pidfd, 4, 4, 0);
	assert_kept(tid_at, RPR_PHASE_EXIT, &tid, 4, 4, 0);
}

static void test_unknown_value_names(void **state)
{
	(void)state;
	assert_string_equal(flag_unknown_name(clock_names), "CLOCK_???");
	assert_string_equal(flag_unknown_name(seek_whence_names), "SEEK_???");
	assert_string_equal(flag_unknown_name(access_mode_names), "?_OK");
	assert_string_equal(flag_unknown_name(socket_level_names), "SOL_??");
	assert_null(flag_unknown_name(fs_magic_names));
	assert_null(flag_unknown_name(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_arch_name_has_a_row),
		cmocka_unit_test(test_every_row_is_well_formed),
		cmocka_unit_test(test_rows_say_what_strace_says),
		cmocka_unit_test(test_flag_tables_are_terminated),
		cmocka_unit_test(test_by_nr),
		cmocka_unit_test(test_select_classes),
		cmocka_unit_test(test_select_names_negation_all_none),
		cmocka_unit_test(test_select_errors),
		cmocka_unit_test_setup(test_capture_write, reset_memory),
		cmocka_unit_test_setup(test_capture_writev, reset_memory),
		cmocka_unit_test_setup(test_capture_read_at_exit, reset_memory),
		cmocka_unit_test_setup(test_capture_readv_spreads_result, reset_memory),
		cmocka_unit_test_setup(test_capture_snaplen_and_no_data, reset_memory),
		cmocka_unit_test_setup(test_capture_stat_only_on_success, reset_memory),
		cmocka_unit_test_setup(test_capture_string_across_page, reset_memory),
		cmocka_unit_test_setup(test_capture_string_into_unmapped_page, reset_memory),
		cmocka_unit_test_setup(test_capture_faulting_pointers, reset_memory),
		cmocka_unit_test_setup(test_capture_execve, reset_memory),
		cmocka_unit_test_setup(test_capture_sendmsg, reset_memory),
		cmocka_unit_test_setup(test_capture_recvmsg, reset_memory),
		cmocka_unit_test_setup(test_capture_mmsg, reset_memory),
		cmocka_unit_test_setup(test_capture_dependent_arguments, reset_memory),
		cmocka_unit_test_setup(test_capture_accept_and_socklen, reset_memory),
		cmocka_unit_test_setup(test_capture_poll_and_select, reset_memory),
		cmocka_unit_test_setup(test_capture_epoll_wait_and_getdents, reset_memory),
		cmocka_unit_test_setup(test_capture_sigaction_and_ioctl, reset_memory),
		cmocka_unit_test_setup(test_capture_getcwd_and_unknown, reset_memory),
		cmocka_unit_test_setup(test_capture_sigreturn_mask_from_stack, reset_memory),
		cmocka_unit_test_setup(test_capture_getcwd_is_a_whole_path, reset_memory),
		cmocka_unit_test_setup(test_capture_clone3_results, reset_memory),
		cmocka_unit_test(test_unknown_value_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
