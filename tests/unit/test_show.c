/* reprise show: one call's arguments, result, strings and dumps in strace's exact syntax. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "show/dump.h"
#include "show/show.h"
#include "show/format.h"
#include "show/structs.h"
#include "sys/flags.h"

#define ARG(kind, sk, aux, flags) { kind, sk, aux, flags }
#define PLAIN(kind) ARG(kind, SK_NONE, -1, NULL)

static const struct sys_entry row_openat = {
	"openat", SC_FILE | SC_DESC, RK_FD, 4,
	{ PLAIN(AK_DIRFD), PLAIN(AK_PATH), PLAIN(AK_OPEN_FLAGS), PLAIN(AK_OCTAL) },
};
static const struct sys_entry row_read = {
	"read", SC_DESC, RK_INT, 3, { PLAIN(AK_FD), ARG(AK_BUF_OUT, SK_NONE, 2, NULL), PLAIN(AK_ULONG) },
};
static const struct sys_entry row_write = {
	"write", SC_DESC, RK_INT, 3, { PLAIN(AK_FD), ARG(AK_BUF_IN, SK_NONE, 2, NULL), PLAIN(AK_ULONG) },
};
static const struct sys_entry row_newfstatat = {
	"newfstatat", SC_FILE | SC_DESC | SC_STAT, RK_INT, 4,
	{ PLAIN(AK_DIRFD), PLAIN(AK_PATH), ARG(AK_STRUCT_OUT, SK_STAT, -1, NULL), ARG(AK_FLAGS, SK_NONE, -1, at_flag_names) },
};
static const struct sys_entry row_connect = {
	"connect", SC_NETWORK, RK_INT, 3,
	{ PLAIN(AK_FD), ARG(AK_STRUCT_IN, SK_SOCKADDR, 2, NULL), PLAIN(AK_UINT) },
};
static const struct sys_entry row_poll = {
	"poll", SC_DESC, RK_INT, 3, { ARG(AK_STRUCT_INOUT, SK_POLLFDS, 1, NULL), PLAIN(AK_UINT), PLAIN(AK_INT) },
};
static const struct sys_entry row_exit_group = { "exit_group", SC_PROCESS, RK_NONE, 1, { PLAIN(AK_INT) } };
static const struct sys_entry row_mmap = {
	"mmap", SC_MEMORY, RK_HEX, 6,
	{ PLAIN(AK_PTR), PLAIN(AK_ULONG), ARG(AK_FLAGS, SK_NONE, -1, mmap_prot_names),
	  ARG(AK_FLAGS, SK_NONE, -1, mmap_flag_names), PLAIN(AK_FD), PLAIN(AK_HEX) },
};
static const struct sys_entry row_execve = {
	"execve", SC_FILE | SC_PROCESS, RK_INT, 3, { PLAIN(AK_PATH), PLAIN(AK_STR_ARRAY), PLAIN(AK_STR_ARRAY) },
};
static const struct sys_entry row_wait4 = {
	"wait4", SC_PROCESS, RK_INT, 4,
	{ PLAIN(AK_INT), ARG(AK_STRUCT_OUT, SK_WAIT_STATUS, -1, NULL), PLAIN(AK_INT), ARG(AK_STRUCT_OUT, SK_RUSAGE, -1, NULL) },
};

/* A call under construction: its two events and the memory regions they carry. */
struct fake_call {
	struct rpr_event enter, exit;
	struct rpr_region enter_regions[8], exit_regions[8];
	struct call call;
};

static struct fake_call *new_call(const struct sys_entry *row, uint32_t nr, const uint64_t args[6])
{
	struct fake_call *f = test_calloc(1, sizeof(*f));
	f->enter.kind = RPR_EV_SYSCALL_ENTER;
	f->enter.seq = 1;
	f->enter.ts_ns = 1000;
	f->enter.pid = f->enter.tid = 42;
	f->enter.u.enter.nr = nr;
	memcpy(f->enter.u.enter.args, args, sizeof(f->enter.u.enter.args));
	f->enter.regions = f->enter_regions;
	f->exit.kind = RPR_EV_SYSCALL_EXIT;
	f->exit.seq = 2;
	f->exit.ts_ns = 13000;
	f->exit.pid = f->exit.tid = 42;
	f->exit.u.exit.nr = nr;
	f->exit.u.exit.enter_seq = 1;
	f->exit.regions = f->exit_regions;
	f->call = (struct call){
		.arch = arch_native(), .entry = row, .nr = nr, .args = f->enter.u.enter.args,
		.enter = &f->enter, .exit = &f->exit,
	};
	return f;
}

static void add_memory(struct fake_call *f, unsigned phase, unsigned arg, uint64_t addr, const void *data, uint64_t size)
{
	struct rpr_event *ev = phase == RPR_PHASE_ENTER ? &f->enter : &f->exit;
	struct rpr_region *regions = phase == RPR_PHASE_ENTER ? f->enter_regions : f->exit_regions;
	assert_true(ev->nregions < 8);
	regions[ev->nregions++] = (struct rpr_region){
		.phase = (uint8_t)phase, .arg = (uint8_t)arg, .addr = addr, .size = size, .stored = size, .data = data,
	};
}

static const struct show_style default_style = { .strsize = 32 };

static void expect_args(const struct fake_call *f, enum fmt_part part, const struct show_style *st, const char *want)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "");
	fmt_call_args(&sb, &f->call, part, st);
	assert_string_equal(sb.buf, want);
	sb_free(&sb);
}

static void expect_result(const struct fake_call *f, const char *want)
{
	struct strbuf sb;
	sb_init(&sb);
	fmt_call_result(&sb, &f->call, &default_style);
	assert_string_equal(sb.buf, want);
	sb_free(&sb);
}

static void test_openat(void **state)
{
	(void)state;
	static const char path[] = "/etc/ld.so.cache";
	uint64_t args[6] = { (uint64_t)(int64_t)AT_FDCWD, 0x1000, O_RDONLY | O_CLOEXEC, 0 };
	struct fake_call *f = new_call(&row_openat, 257, args);
	add_memory(f, RPR_PHASE_ENTER, 1, 0x1000, path, sizeof(path));
	f->exit.u.exit.ret = 3;
	expect_args(f, FMT_ALL, &default_style, "AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC");
	expect_result(f, "= 3");

	f->exit.u.exit.ret = -2;
	expect_result(f, "= -1 ENOENT (No such file or directory)");

	f->enter.u.enter.args[2] = O_WRONLY | O_CREAT | O_TRUNC;
	f->enter.u.enter.args[3] = 0666;
	expect_args(f, FMT_ALL, &default_style, "AT_FDCWD, \"/etc/ld.so.cache\", O_WRONLY|O_CREAT|O_TRUNC, 0666");
	test_free(f);
}

static void test_read_truncated(void **state)
{
	(void)state;
	static const char data[] = "0123456789012345678901234567890123456789";
	uint64_t args[6] = { 3, 0x2000, 4096 };
	struct fake_call *f = new_call(&row_read, 0, args);
	add_memory(f, RPR_PHASE_EXIT, 1, 0x2000, data, 40);
	f->exit.u.exit.ret = 40;
	expect_args(f, FMT_ALL, &default_style, "3, \"01234567890123456789012345678901\"..., 4096");
	struct show_style short_style = { .strsize = 4 };
	expect_args(f, FMT_ALL, &short_style, "3, \"0123\"..., 4096");
	expect_args(f, FMT_AT_ENTRY, &default_style, "3, ");

	f->exit.u.exit.ret = 0;
	expect_args(f, FMT_ALL, &default_style, "3, \"\", 4096");
	f->exit.u.exit.ret = -11;
	expect_args(f, FMT_ALL, &default_style, "3, 0x2000, 4096");
	expect_result(f, "= -1 EAGAIN (Resource temporarily unavailable)");
	test_free(f);
}

static void test_write_escaping(void **state)
{
	(void)state;
	static const char data[] = "a\tb\"c\\d\n\x01\x7f\xff\xc3\xa9 end";
	uint64_t args[6] = { 1, 0x3000, 17 };
	struct fake_call *f = new_call(&row_write, 1, args);
	add_memory(f, RPR_PHASE_ENTER, 1, 0x3000, data, 17);
	f->exit.u.exit.ret = 17;
	expect_args(f, FMT_ALL, &default_style, "1, \"a\\tb\\\"c\\\\d\\n\\1\\177\\377\\303\\251 end\", 17");

	struct show_style hex = { .strsize = 32, .hex_strings = 1 };
	expect_args(f, FMT_ALL, &hex,
		    "1, \"\\x61\\x09\\x62\\x22\\x63\\x5c\\x64\\x0a\\x01\\x7f\\xff\\xc3\\xa9\\x20\\x65\\x6e\\x64\", 17");
	struct show_style hex_short = { .strsize = 8, .hex_strings = 1 };
	expect_args(f, FMT_ALL, &hex_short, "1, \"a\\tb\\\"c\\\\d\\n\"..., 17");

	/* An octal escape before a digit keeps three digits so the digit is not read as part of it. */
	static const char digits[] = "\x01" "7";
	f->enter.u.enter.args[1] = 0x4000;
	f->enter.u.enter.args[2] = 2;
	add_memory(f, RPR_PHASE_ENTER, 1, 0x4000, digits, 2);
	expect_args(f, FMT_ALL, &default_style, "1, \"\\0017\", 2");
	test_free(f);
}

static void test_stat(void **state)
{
	(void)state;
	static const char path[] = "/etc/passwd";
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0644;
	st.st_size = 123;
	uint64_t args[6] = { (uint64_t)(int64_t)AT_FDCWD, 0x1000, 0x5000, 0 };
	struct fake_call *f = new_call(&row_newfstatat, 262, args);
	add_memory(f, RPR_PHASE_ENTER, 1, 0x1000, path, sizeof(path));
	add_memory(f, RPR_PHASE_EXIT, 2, 0x5000, &st, sizeof(st));
	f->exit.u.exit.ret = 0;
	expect_args(f, FMT_ALL, &default_style,
		    "AT_FDCWD, \"/etc/passwd\", {st_mode=S_IFREG|0644, st_size=123, ...}, 0");
	expect_args(f, FMT_AT_ENTRY, &default_style, "AT_FDCWD, \"/etc/passwd\", ");
	expect_args(f, FMT_AT_EXIT, &default_style, "{st_mode=S_IFREG|0644, st_size=123, ...}, 0");

	f->exit.u.exit.ret = -2;
	expect_args(f, FMT_ALL, &default_style, "AT_FDCWD, \"/etc/passwd\", 0x5000, 0");
	test_free(f);
}

static void test_connect_inet(void **state)
{
	(void)state;
	static const uint8_t sin[16] = { 2, 0, 0, 9, 127, 0, 0, 1 };
	uint64_t args[6] = { 5, 0x6000, 16 };
	struct fake_call *f = new_call(&row_connect, 42, args);
	add_memory(f, RPR_PHASE_ENTER, 1, 0x6000, sin, sizeof(sin));
	f->exit.u.exit.ret = -111;
	expect_args(f, FMT_ALL, &default_style,
		    "5, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr(\"127.0.0.1\")}, 16");
	expect_result(f, "= -1 ECONNREFUSED (Connection refused)");
	test_free(f);
}

static void test_poll(void **state)
{
	(void)state;
	static const struct pollfd in[2] = { { 3, POLLIN, 0 }, { 4, POLLOUT, 0 } };
	static const struct pollfd out[2] = { { 3, POLLIN, 0 }, { 4, POLLOUT, POLLOUT } };
	uint64_t args[6] = { 0x7000, 2, 10 };
	struct fake_call *f = new_call(&row_poll, 7, args);
	add_memory(f, RPR_PHASE_ENTER, 0, 0x7000, in, sizeof(in));
	add_memory(f, RPR_PHASE_EXIT, 0, 0x7000, out, sizeof(out));
	f->exit.u.exit.ret = 1;
	expect_args(f, FMT_ALL, &default_style, "[{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, 10");
	expect_result(f, "= 1 ([{fd=4, revents=POLLOUT}])");
	f->exit.u.exit.ret = 0;
	expect_result(f, "= 0 (Timeout)");
	test_free(f);
}

static void test_exit_group(void **state)
{
	(void)state;
	uint64_t args[6] = { 0 };
	struct fake_call *f = new_call(&row_exit_group, 231, args);
	f->exit.u.exit.flags = RPR_EXIT_NO_RETURN;
	expect_args(f, FMT_ALL, &default_style, "0");
	expect_result(f, "= ?");
	test_free(f);
}

static void test_restart_errno(void **state)
{
	(void)state;
	uint64_t args[6] = { (uint64_t)-1, 0, 0, 0 };
	struct fake_call *f = new_call(&row_wait4, 61, args);
	f->exit.u.exit.ret = -512;
	expect_result(f, "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
	f->exit.u.exit.ret = -516;
	expect_result(f, "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)");
	test_free(f);
}

static void test_unfinished_resumed_split(void **state)
{
	(void)state;
	static const int32_t status = 0;
	uint64_t args[6] = { (uint64_t)-1, 0x8000, 0, 0 };
	struct fake_call *f = new_call(&row_wait4, 61, args);
	add_memory(f, RPR_PHASE_EXIT, 1, 0x8000, &status, sizeof(status));
	f->exit.u.exit.ret = 77;
	/* strace: "wait4(-1,  <unfinished ...>" then "<... wait4 resumed>[{...}], 0, NULL) = 77" */
	expect_args(f, FMT_AT_ENTRY, &default_style, "-1, ");
	expect_args(f, FMT_AT_EXIT, &default_style, "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL");
	expect_args(f, FMT_ALL, &default_style, "-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL");
	test_free(f);
}

static void test_signal_info(void **state)
{
	(void)state;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCHLD;
	si.si_code = CLD_EXITED;
	si.si_pid = 4174;
	si.si_status = 3;
	struct strbuf sb;
	sb_init(&sb);
	fmt_siginfo(&sb, (const uint8_t *)&si, sizeof(si));
	assert_string_equal(sb.buf, "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4174, si_uid=0, si_status=3, "
				    "si_utime=0, si_stime=0}");
	sb_reset(&sb);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGSEGV;
	si.si_code = SI_USER;
	si.si_pid = 4173;
	fmt_siginfo(&sb, (const uint8_t *)&si, sizeof(si));
	assert_string_equal(sb.buf, "{si_signo=SIGSEGV, si_code=SI_USER, si_pid=4173, si_uid=0}");
	sb_free(&sb);
}

static void test_unknown_syscall(void **state)
{
	(void)state;
	uint64_t args[6] = { 1, 2, 3, 0, 0xffffffff, 0 };
	struct fake_call *f = new_call(NULL, 0x1c8, args);
	f->call.arch = NULL;
	f->exit.u.exit.ret = -22;
	struct strbuf sb;
	sb_init(&sb);
	struct call c = f->call;
	c.arch = arch_native();
	c.nr = 4000;
	fmt_call_name(&sb, &c);
	assert_string_equal(sb.buf, "syscall_0xfa0");
	sb_free(&sb);
	expect_args(f, FMT_ALL, &default_style, "0x1, 0x2, 0x3, 0, 0xffffffff, 0");
	expect_result(f, "= -1 EINVAL (Invalid argument)");
	test_free(f);
}

/* A call of a real table row, by name. */
static struct fake_call *new_named_call(const char *name, const uint64_t args[6], int64_t ret)
{
	const struct sys_entry *row = sys_by_name(name);
	assert_non_null(row);
	struct fake_call *f = new_call(row, (uint32_t)arch_syscall_nr(arch_native(), name), args);
	f->exit.u.exit.ret = ret;
	return f;
}

static void test_getcwd_is_never_cut(void **state)
{
	(void)state;
	static const char cwd[] = "/tmp/reprise-oracle.abcdef/r/tree/deeper";
	uint64_t args[6] = { 0x1000, 4096 };
	struct fake_call *f = new_named_call("getcwd", args, sizeof(cwd));
	add_memory(f, RPR_PHASE_EXIT, 0, 0x1000, cwd, sizeof(cwd));
	const struct show_style tiny = { .strsize = 8 };
	expect_args(f, FMT_ALL, &tiny, "\"/tmp/reprise-oracle.abcdef/r/tree/deeper\", 4096");
	test_free(f);
	uint64_t rl_args[6] = { 0x2000, 0x1000, 4096 };
	f = new_named_call("readlink", rl_args, 20);
	add_memory(f, RPR_PHASE_ENTER, 0, 0x2000, "/proc/self/exe", 15);
	add_memory(f, RPR_PHASE_EXIT, 1, 0x1000, "/usr/lib/reprise-bin", 20);
	expect_args(f, FMT_ALL, &tiny, "\"/proc/self/exe\", \"/usr/lib\"..., 4096");
	test_free(f);
}

static void test_statfs_names(void **state)
{
	(void)state;
	struct statfs sfs;
	memset(&sfs, 0, sizeof(sfs));
	sfs.f_type = 0xEF53;
	sfs.f_bsize = 4096;
	sfs.f_namelen = 255;
	sfs.f_frsize = 4096;
	sfs.f_flags = 0x1020;
	uint64_t args[6] = { 0x1000, 0x2000 };
	struct fake_call *f = new_named_call("statfs", args, 0);
	add_memory(f, RPR_PHASE_ENTER, 0, 0x1000, ".", 2);
	add_memory(f, RPR_PHASE_EXIT, 1, 0x2000, &sfs, sizeof(sfs));
	expect_args(f, FMT_ALL, &default_style, "\".\", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=0, f_bfree=0, "
		    "f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0, 0]}, f_namelen=255, f_frsize=4096, "
		    "f_flags=ST_VALID|ST_RELATIME}");
	sfs.f_type = 0x1234;
	sfs.f_flags = 0x4000;
	expect_args(f, FMT_ALL, &default_style, "\".\", {f_type=0x1234, f_bsize=4096, f_blocks=0, f_bfree=0, "
		    "f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0, 0]}, f_namelen=255, f_frsize=4096, "
		    "f_flags=0x4000 /* ST_??? */}");
	test_free(f);
}

static void test_unknown_values_like_strace(void **state)
{
	(void)state;
	uint64_t args[6] = { 12345, 0x1000 };
	struct fake_call *f = new_named_call("clock_gettime", args, -22);
	expect_args(f, FMT_ALL, &default_style, "0x3039 /* CLOCK_??? */, 0x1000");
	test_free(f);
	uint64_t neg[6] = { (uint64_t)-1, 0x1000 };
	f = new_named_call("clock_getres", neg, -22);
	expect_args(f, FMT_ALL, &default_style, "0xffffffff /* CLOCK_??? */, 0x1000");
	test_free(f);
	uint64_t seek[6] = { 0, 0, 12345 };
	f = new_named_call("lseek", seek, -22);
	expect_args(f, FMT_ALL, &default_style, "0, 0, 0x3039 /* SEEK_??? */");
	test_free(f);
	uint64_t acc[6] = { 0x1000, 0x3038 };
	f = new_named_call("access", acc, -22);
	add_memory(f, RPR_PHASE_ENTER, 0, 0x1000, "/", 2);
	expect_args(f, FMT_ALL, &default_style, "\"/\", 0x3038 /* ?_OK */");
	test_free(f);
	/* some names matched: the rest in hex without a comment */
	uint64_t mm[6] = { 0, 0, PROT_READ | 0x3030, MAP_PRIVATE | 0x3000000, (uint64_t)-1, 0 };
	f = new_named_call("mmap", mm, -9);
	expect_args(f, FMT_ALL, &default_style, "NULL, 0, PROT_READ|0x3030, MAP_PRIVATE|0x3000000, -1, 0");
	test_free(f);
	uint64_t sock[6] = { AF_INET, 0x3039, 0 };
	f = new_named_call("socket", sock, -22);
	expect_args(f, FMT_ALL, &default_style, "AF_INET, 0x3039 /* SOCK_??? */, IPPROTO_IP");
	test_free(f);
	/* the signal a call returns is named */
	uint64_t wait_args[6] = { 0, 0, 0, 8 };
	f = new_named_call("rt_sigtimedwait", wait_args, SIGUSR1);
	expect_result(f, "= 10 (SIGUSR1)");
	test_free(f);
}

static void test_mremap_new_address_only_when_fixed(void **state)
{
	(void)state;
	uint64_t args[6] = { 0x10000, 8192, 16384, MREMAP_MAYMOVE, 0 };
	struct fake_call *f = new_named_call("mremap", args, 0x20000);
	expect_args(f, FMT_ALL, &default_style, "0x10000, 8192, 16384, MREMAP_MAYMOVE");
	f->enter.u.enter.args[3] = MREMAP_MAYMOVE | MREMAP_FIXED;
	f->enter.u.enter.args[4] = 0x30000;
	expect_args(f, FMT_ALL, &default_style, "0x10000, 8192, 16384, MREMAP_MAYMOVE|MREMAP_FIXED, 0x30000");
	test_free(f);
}

static void test_msg_control(void **state)
{
	(void)state;
	/* sendmsg passing descriptor 5; recvmsg receiving it, header as the kernel left it */
	union {
		struct cmsghdr h;
		uint8_t bytes[CMSG_SPACE(sizeof(int))];
	} control;
	memset(&control, 0, sizeof(control));
	control.h.cmsg_len = CMSG_LEN(sizeof(int));
	control.h.cmsg_level = SOL_SOCKET;
	control.h.cmsg_type = SCM_RIGHTS;
	int fd = 5;
	memcpy(CMSG_DATA(&control.h), &fd, sizeof(fd));
	struct iovec iov = { (void *)0x3000, 16 };
	struct msghdr in = { .msg_iov = (void *)0x2000, .msg_iovlen = 1, .msg_control = (void *)0x4000,
			     .msg_controllen = 64 };
	struct msghdr out = in;
	out.msg_controllen = sizeof(control);
	out.msg_flags = MSG_CMSG_CLOEXEC;
	uint64_t args[6] = { 4, 0x1000, MSG_CMSG_CLOEXEC };
	struct fake_call *f = new_named_call("recvmsg", args, 2);
	add_memory(f, RPR_PHASE_ENTER, 1, 0x1000, &in, sizeof(in));
	add_memory(f, RPR_PHASE_EXIT, 1, 0x1000, &out, sizeof(out));
	add_memory(f, RPR_PHASE_EXIT, 1, 0x2000, &iov, sizeof(iov));
	add_memory(f, RPR_PHASE_EXIT, 1, 0x3000, "hi", 2);
	add_memory(f, RPR_PHASE_EXIT, 1, 0x4000, &control, sizeof(control));
	expect_args(f, FMT_ALL, &default_style, "4, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"hi\", iov_len=16}], "
		    "msg_iovlen=1, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[5]}], "
		    "msg_controllen=24, msg_flags=MSG_CMSG_CLOEXEC}, MSG_CMSG_CLOEXEC");
	/* a failed recvmsg shows only the name length it was given */
	f->exit.u.exit.ret = -11;
	f->exit.nregions = 0;
	expect_args(f, FMT_ALL, &default_style, "4, {msg_namelen=0}, MSG_CMSG_CLOEXEC");
	test_free(f);
	/* credentials, and a level strace does not decode */
	struct ucred cred = { 77, 0, 0 };
	union {
		struct cmsghdr h;
		uint8_t bytes[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(4)];
	} two;
	memset(&two, 0, sizeof(two));
	two.h.cmsg_len = CMSG_LEN(sizeof(cred));
	two.h.cmsg_level = SOL_SOCKET;
	two.h.cmsg_type = SCM_CREDENTIALS;
	memcpy(CMSG_DATA(&two.h), &cred, sizeof(cred));
	struct cmsghdr *next = (struct cmsghdr *)(two.bytes + CMSG_SPACE(sizeof(cred)));
	next->cmsg_len = CMSG_LEN(4);
	next->cmsg_level = 0x3039;
	next->cmsg_type = 7;
	struct msghdr sent = { .msg_control = (void *)0x4000, .msg_controllen = sizeof(two) };
	uint64_t send_args[6] = { 3, 0x1000, 0 };
	f = new_named_call("sendmsg", send_args, 0);
	add_memory(f, RPR_PHASE_ENTER, 1, 0x1000, &sent, sizeof(sent));
	add_memory(f, RPR_PHASE_ENTER, 1, 0x4000, &two, sizeof(two));
	expect_args(f, FMT_ALL, &default_style, "3, {msg_name=NULL, msg_namelen=0, msg_iov=[], msg_iovlen=0, "
		    "msg_control=[{cmsg_len=28, cmsg_level=SOL_SOCKET, cmsg_type=SCM_CREDENTIALS, cmsg_data={pid=77, uid=0, "
		    "gid=0}}, {cmsg_len=20, cmsg_level=0x3039 /* SOL_??? */, cmsg_type=0x7}], msg_controllen=56, "
		    "msg_flags=0}, 0");
	test_free(f);
}

static void test_rt_sigreturn_mask(void **state)
{
	(void)state;
	uint64_t args[6] = { 0 };
	struct fake_call *f = new_named_call("rt_sigreturn", args, 0);
	uint64_t mask = (UINT64_C(1) << (SIGUSR2 - 1)) | (UINT64_C(1) << (SIGTERM - 1));
	add_memory(f, RPR_PHASE_ENTER, 0, 0x7ffd0128, &mask, sizeof(mask));
	expect_args(f, FMT_ALL, &default_style, "{mask=[USR2 TERM]}");
	const struct show_style raw = { .strsize = 32, .raw = 1 };
	expect_args(f, FMT_ALL, &raw, "");
	f->enter.nregions = 0;
	expect_args(f, FMT_ALL, &default_style, "{mask=?}");
	test_free(f);
}

static void test_clone3_split_with_exit_suffix(void **state)
{
	(void)state;
	uint64_t ca[11] = { CLONE_VM | CLONE_PARENT_SETTID, 0, 0, 0x5000, 0, 0x6000, 0x1000, 0 };
	int32_t tid = 4321;
	uint64_t args[6] = { 0x1000, 88 };
	struct fake_call *f = new_named_call("clone3", args, tid);
	add_memory(f, RPR_PHASE_ENTER, 0, 0x1000, ca, 88);
	add_memory(f, RPR_PHASE_EXIT, 0, 0x5000, &tid, sizeof(tid));
	const char *head = "{flags=CLONE_VM|CLONE_PARENT_SETTID, parent_tid=0x5000, exit_signal=0, stack=0x6000, stack_size=0x1000}";
	char whole[256];
	snprintf(whole, sizeof(whole), "%s => {parent_tid=[4321]}, 88", head);
	expect_args(f, FMT_ALL, &default_style, whole);
	expect_args(f, FMT_AT_ENTRY, &default_style, head);
	expect_args(f, FMT_AT_EXIT, &default_style, " => {parent_tid=[4321]}, 88");
	/* without anything written back, strace prints the whole call at entry */
	ca[0] = CLONE_VM;
	expect_args(f, FMT_AT_ENTRY, &default_style, "{flags=CLONE_VM, exit_signal=0, stack=0x6000, stack_size=0x1000}, 88");
	expect_args(f, FMT_AT_EXIT, &default_style, "");
	test_free(f);
}

static void test_times_and_timer_signals(void **state)
{
	(void)state;
	assert_int_equal(setenv("TZ", "UTC", 1), 0);
	tzset();
	struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 500 } };
	uint64_t args[6] = { (uint64_t)AT_FDCWD, 0x1000, 0x2000, 0 };
	struct fake_call *f = new_named_call("utimensat", args, 0);
	add_memory(f, RPR_PHASE_ENTER, 1, 0x1000, "f", 2);
	add_memory(f, RPR_PHASE_ENTER, 2, 0x2000, ts, sizeof(ts));
	expect_args(f, FMT_ALL, &default_style, "AT_FDCWD, \"f\", [{tv_sec=1000000000, tv_nsec=0} /* 2001-09-09T01:46:40+0000 */, "
		    "{tv_sec=1234567890, tv_nsec=500} /* 2009-02-13T23:31:30.000000500+0000 */], 0");
	ts[0].tv_nsec = UTIME_NOW;
	ts[1].tv_nsec = UTIME_OMIT;
	expect_args(f, FMT_ALL, &default_style, "AT_FDCWD, \"f\", [UTIME_NOW, UTIME_OMIT], 0");
	test_free(f);

	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_TIMER;
	si.si_value.sival_int = 42;
	struct strbuf sb;
	sb_init(&sb);
	fmt_siginfo(&sb, (const uint8_t *)&si, sizeof(si));
	assert_string_equal(sb.buf, "{si_signo=SIGUSR1, si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=42, si_ptr=0x2a}");
	sb_reset(&sb);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCHLD;
	si.si_code = CLD_EXITED;
	si.si_stime = 3;
	fmt_siginfo(&sb, (const uint8_t *)&si, sizeof(si));
	assert_string_equal(sb.buf, "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=0, si_uid=0, si_status=0, si_utime=0, "
			    "si_stime=3 /* 0.03 s */}");
	sb_free(&sb);
}

static void test_mmap(void **state)
{
	(void)state;
	uint64_t args[6] = { 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0 };
	struct fake_call *f = new_call(&row_mmap, 9, args);
	f->exit.u.exit.ret = 0x7fa4f9ade000;
	expect_args(f, FMT_ALL, &default_style, "NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0");
	expect_result(f, "= 0x7fa4f9ade000");
	f->enter.u.enter.args[5] = 0x26000;
	expect_args(f, FMT_ALL, &default_style, "NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x26000");
	struct show_style raw = { .strsize = 32, .raw = 1 };
	expect_args(f, FMT_ALL, &raw, "0, 0x2000, 0x3, 0x22, 0xffffffffffffffff, 0x26000");
	test_free(f);
}

static void test_execve(void **state)
{
	(void)state;
	static const char path[] = "/bin/true", arg0[] = "true", env0[] = "A=1", env1[] = "B=2";
	static const uint64_t argv[2] = { 0x9100, 0 };
	static const uint64_t envp[3] = { 0x9300, 0x9400, 0 };
	uint64_t args[6] = { 0x9000, 0x9080, 0x7ffd0000 };
	struct fake_call *f = new_call(&row_execve, 59, args);
	add_memory(f, RPR_PHASE_ENTER, 0, 0x9000, path, sizeof(path));
	add_memory(f, RPR_PHASE_ENTER, 1, 0x9080, argv, sizeof(argv));
	add_memory(f, RPR_PHASE_ENTER, 1, 0x9100, arg0, sizeof(arg0));
	add_memory(f, RPR_PHASE_ENTER, 2, 0x7ffd0000, envp, sizeof(envp));
	add_memory(f, RPR_PHASE_ENTER, 2, 0x9300, env0, sizeof(env0));
	add_memory(f, RPR_PHASE_ENTER, 2, 0x9400, env1, sizeof(env1));
	f->exit.u.exit.ret = 0;
	expect_args(f, FMT_ALL, &default_style, "\"/bin/true\", [\"true\"], 0x7ffd0000 /* 2 vars */");
	expect_result(f, "= 0");
	test_free(f);
}

static void test_data_dump(void **state)
{
	(void)state;
	static const char data[] = "a\tb\"c\\d\n\x01\x7f\xff\xc3\xa9 end";
	uint64_t args[6] = { 1, 0x3000, 17 };
	struct fake_call *f = new_call(&row_write, 1, args);
	add_memory(f, RPR_PHASE_ENTER, 1, 0x3000, data, 17);
	f->exit.u.exit.ret = 17;
	struct strbuf sb;
	sb_init(&sb);
	fmt_call_data(&sb, &f->call);
	assert_string_equal(sb.buf,
			    " | 00000  61 09 62 22 63 5c 64 0a  01 7f ff c3 a9 20 65 6e  a.b\"c\\d...... en |\n"
			    " | 00010  64                                                d                |\n");
	sb_free(&sb);
	test_free(f);
}

static struct rpr_event task_event(uint16_t kind, uint64_t seq, uint64_t us, int32_t tid)
{
	struct rpr_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.seq = seq;
	ev.ts_ns = 1000000000 + us * 1000;
	ev.pid = 100;
	ev.tid = tid;
	return ev;
}

static struct rpr_event enter_event(uint64_t seq, uint64_t us, int32_t tid, uint32_t nr, uint64_t a0, uint64_t a1)
{
	struct rpr_event ev = task_event(RPR_EV_SYSCALL_ENTER, seq, us, tid);
	ev.u.enter.nr = nr;
	ev.u.enter.args[0] = a0;
	ev.u.enter.args[1] = a1;
	return ev;
}

static struct rpr_event exit_event(uint64_t seq, uint64_t us, int32_t tid, uint32_t nr, int64_t ret, uint64_t enter_seq)
{
	struct rpr_event ev = task_event(RPR_EV_SYSCALL_EXIT, seq, us, tid);
	ev.u.exit.nr = nr;
	ev.u.exit.ret = ret;
	ev.u.exit.enter_seq = enter_seq;
	return ev;
}

/* Threads interleaving: the held-back entry becomes "<unfinished ...>", its exit "<... resumed>". */
static void test_show_lines(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	char trace[] = "/tmp/test_show_XXXXXX";
	int tfd = mkstemp(trace);
	assert_true(tfd >= 0);
	close(tfd);
	struct rpr_header hdr;
	memset(&hdr, 0, sizeof(hdr));
	hdr.format_major = RPR_FORMAT_MAJOR;
	hdr.format_minor = RPR_FORMAT_MINOR;
	strcpy(hdr.arch, "x86_64");
	hdr.page_size = 4096;
	hdr.start_realtime_ns = 3600ULL * 1000000000;
	hdr.start_monotonic_ns = 1000000000;
	char err[256];
	struct rpr_writer *w = rpr_writer_open(trace, &hdr, err, sizeof(err));
	assert_non_null(w);

	static const int32_t status = 0;
	struct rpr_region status_region = {
		.phase = RPR_PHASE_EXIT, .arg = 1, .addr = 0x8000, .size = 4, .stored = 4, .data = (const uint8_t *)&status,
	};
	struct rpr_event events[8];
	unsigned n = 0;
	events[n++] = enter_event(1, 1, 100, 61, (uint64_t)-1, 0x8000);
	events[n++] = enter_event(2, 2, 101, 39, 0, 0);
	events[n++] = exit_event(3, 3, 101, 39, 101, 2);
	events[n] = exit_event(4, 5, 100, 61, 101, 1);
	events[n].nregions = 1;
	events[n++].regions = &status_region;
	events[n] = task_event(RPR_EV_SIGNAL, 5, 6, 100);
	events[n].u.signal.signo = SIGCHLD;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCHLD;
	si.si_code = CLD_EXITED;
	si.si_pid = 101;
	memcpy(events[n++].u.signal.siginfo, &si, sizeof(si));
	events[n++] = enter_event(6, 7, 101, 231, 0, 0);
	events[n] = exit_event(7, 8, 101, 231, 0, 6);
	events[n++].u.exit.flags = RPR_EXIT_NO_RETURN;
	events[n] = task_event(RPR_EV_TASK_EXIT, 8, 9, 101);
	events[n++].u.task_exit.status = 0;
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(rpr_writer_append(w, &events[i]), 0);
	assert_int_equal(rpr_writer_close(w, err, sizeof(err)), 0);

	char out[] = "/tmp/test_show_out_XXXXXX";
	int ofd = mkstemp(out);
	assert_true(ofd >= 0);
	fflush(stdout);
	int saved = dup(1);
	assert_true(saved >= 0);
	assert_true(dup2(ofd, 1) >= 0);
	char *argv[] = { "show", trace, NULL };
	int rc = cmd_show(2, argv);
	fflush(stdout);
	assert_true(dup2(saved, 1) >= 0);
	close(saved);
	assert_int_equal(rc, 0);

	char text[2048];
	ssize_t len = pread(ofd, text, sizeof(text) - 1, 0);
	close(ofd);
	assert_true(len > 0);
	text[len] = '\0';
	assert_string_equal(text,
		"100   01:00:00.000001 wait4(-1,  <unfinished ...>\n"
		"101   01:00:00.000002 getpid()          = 101 <0.000001>\n"
		"100   01:00:00.000005 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 101 <0.000004>\n"
		"100   01:00:00.000006 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101, si_uid=0, si_status=0, "
		"si_utime=0, si_stime=0} ---\n"
		"101   01:00:00.000007 exit_group(0)     = ?\n"
		"101   01:00:00.000009 +++ exited with 0 +++\n");
	unlink(trace);
	unlink(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openat),
		cmocka_unit_test(test_read_truncated),
		cmocka_unit_test(test_write_escaping),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_connect_inet),
		cmocka_unit_test(test_poll),
		cmocka_unit_test(test_exit_group),
		cmocka_unit_test(test_restart_errno),
		cmocka_unit_test(test_unfinished_resumed_split),
		cmocka_unit_test(test_signal_info),
		cmocka_unit_test(test_unknown_syscall),
		cmocka_unit_test(test_getcwd_is_never_cut),
		cmocka_unit_test(test_statfs_names),
		cmocka_unit_test(test_unknown_values_like_strace),
		cmocka_unit_test(test_mremap_new_address_only_when_fixed),
		cmocka_unit_test(test_msg_control),
		cmocka_unit_test(test_rt_sigreturn_mask),
		cmocka_unit_test(test_clone3_split_with_exit_suffix),
		cmocka_unit_test(test_times_and_timer_signals),
		cmocka_unit_test(test_mmap),
		cmocka_unit_test(test_execve),
		cmocka_unit_test(test_data_dump),
		cmocka_unit_test(test_show_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
