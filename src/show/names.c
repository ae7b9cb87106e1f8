#include "show/names.h"

#include "sys/flags.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/stat.h>

#define N(x) { (uint64_t)(x), #x }
#define END { 0, NULL }

const char *name_of(const struct flag_name *names, uint64_t value)
{
	for (const struct flag_name *f = names; f && f->name; f++)
		if (f->value == value)
			return f->name;
	return NULL;
}

/* A number no name matched: hex, with strace's "X_???" comment when the table has one. */
static void fmt_unknown(struct strbuf *sb, const struct flag_name *names, uint64_t value)
{
	const char *unknown = flag_unknown_name(names);
	sb_printf(sb, "%#llx", (unsigned long long)value);
	if (unknown)
		sb_printf(sb, " /* %s */", unknown);
}

void fmt_flags(struct strbuf *sb, const struct flag_name *names, uint64_t value)
{
	uint64_t left = value;
	int printed = 0;
	for (const struct flag_name *f = names; f && f->name; f++) {
		if (f->value == 0 || (left & f->value) != f->value)
			continue;
		sb_printf(sb, "%s%s", printed ? "|" : "", f->name);
		left &= ~f->value;
		printed = 1;
	}
	if (left && printed) {
		sb_printf(sb, "|%#llx", (unsigned long long)left);
	} else if (left) {
		fmt_unknown(sb, names, left);
	} else if (!printed) {
		const char *zero = name_of(names, 0);
		sb_puts(sb, zero ? zero : "0");
	}
}

void fmt_enum(struct strbuf *sb, const struct flag_name *names, uint64_t value, int is_signed)
{
	const char *name = name_of(names, value);
	if (name)
		sb_puts(sb, name);
	else if (flag_unknown_name(names))
		/* a sign-extended int is shown as the 32-bit number it was */
		fmt_unknown(sb, names, (int64_t)value == (int32_t)value ? (uint32_t)value : value);
	else if (is_signed)
		sb_printf(sb, "%lld", (long long)value);
	else
		sb_printf(sb, "%llu", (unsigned long long)value);
}

void fmt_enum_hex(struct strbuf *sb, const struct flag_name *names, uint64_t value)
{
	const char *name = name_of(names, value);
	if (name)
		sb_puts(sb, name);
	else
		fmt_unknown(sb, names, value);
}

/* The kernel's first real-time signal; glibc reserves the first two, so SIGRTMIN there differs. */
enum { KERNEL_SIGRTMIN = 32, KERNEL_NSIG = 64 };

const char *signal_abbrev(int signo, char *buf, size_t buflen)
{
	if (signo < 1 || signo > KERNEL_NSIG)
		return NULL;
	if (signo == KERNEL_SIGRTMIN)
		return "RTMIN";
	if (signo > KERNEL_SIGRTMIN) {
		snprintf(buf, buflen, "RT_%d", signo - KERNEL_SIGRTMIN);
		return buf;
	}
	const char *name = name_of(signal_names, (uint64_t)signo);
	return name ? name + strlen("SIG") : NULL;
}

void fmt_signal(struct strbuf *sb, int64_t signo)
{
	char buf[16];
	const char *name = signo >= INT32_MIN && signo <= INT32_MAX ? signal_abbrev((int)signo, buf, sizeof(buf)) : NULL;
	if (name)
		sb_printf(sb, "SIG%s", name);
	else
		sb_printf(sb, "%lld", (long long)signo);
}

void fmt_sigset(struct strbuf *sb, const uint8_t *mask, unsigned nbytes)
{
	unsigned nbits = nbytes * 8 > KERNEL_NSIG ? KERNEL_NSIG : nbytes * 8;
	unsigned set = 0;
	for (unsigned i = 0; i < nbits; i++)
		set += (mask[i / 8] >> (i % 8)) & 1;
	/* Like strace: when two thirds or more are set, list the ones that are not. */
	unsigned invert = set >= nbits * 2 / 3 && nbits > 0;
	if (invert)
		sb_putc(sb, '~');
	sb_putc(sb, '[');
	int first = 1;
	for (unsigned i = 0; i < nbits; i++) {
		unsigned bit = (mask[i / 8] >> (i % 8)) & 1;
		if (bit == invert)
			continue;
		char buf[16];
		const char *name = signal_abbrev((int)i + 1, buf, sizeof(buf));
		sb_puts(sb, first ? "" : " ");
		if (name)
			sb_puts(sb, name);
		else
			sb_printf(sb, "%u", i + 1);
		first = 0;
	}
	sb_putc(sb, ']');
}

/* Kernel-internal codes (include/linux/errno.h) that only a tracer sees. */
static const struct {
	int err;
	const char *name, *text;
} kernel_errnos[] = {
	{ 512, "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
	{ 513, "ERESTARTNOINTR", "To be restarted" },
	{ 514, "ERESTARTNOHAND", "To be restarted if no handler" },
	{ 515, "ENOIOCTLCMD", "No ioctl command" },
	{ 516, "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
	{ 517, "EPROBE_DEFER", "Driver requests probe retry" },
	{ 518, "EOPENSTALE", "Open found a stale dentry" },
	{ 521, "EBADHANDLE", "Illegal NFS file handle" },
	{ 522, "ENOTSYNC", "Update synchronization mismatch" },
	{ 523, "EBADCOOKIE", "Cookie is stale" },
	{ 524, "ENOTSUPP", "Operation is not supported" },
	{ 525, "ETOOSMALL", "Buffer or request is too small" },
	{ 526, "ESERVERFAULT", "An untranslatable error occurred" },
	{ 527, "EBADTYPE", "Type not supported by server" },
	{ 528, "EJUKEBOX", "Request initiated, but will not complete before timeout" },
	{ 529, "EIOCBQUEUED", "iocb queued, will get completion event" },
	{ 530, "ERECALLCONFLICT", "Conflict with recalled state" },
};

const char *restart_errno_text(int err)
{
	return err >= 512 && err <= 516 && err != 515 ? kernel_errnos[err - 512].name : NULL;
}

void fmt_errno(struct strbuf *sb, int err)
{
	for (size_t i = 0; i < sizeof(kernel_errnos) / sizeof(kernel_errnos[0]); i++)
		if (kernel_errnos[i].err == err) {
			sb_printf(sb, "%s (%s)", kernel_errnos[i].name, kernel_errnos[i].text);
			return;
		}
	const char *name = strerrorname_np(err);
	if (name)
		sb_printf(sb, "%s (%s)", name, strerror(err));
	else
		sb_printf(sb, "%d (errno %d)", err, err);
}

void fmt_open_flags(struct strbuf *sb, uint64_t value)
{
	fmt_enum(sb, open_access_modes, value & O_ACCMODE, 0);
	if (value & ~(uint64_t)O_ACCMODE) {
		sb_putc(sb, '|');
		fmt_flags(sb, open_flag_names, value & ~(uint64_t)O_ACCMODE);
	}
}

void fmt_mode(struct strbuf *sb, uint64_t mode, int with_type)
{
	if (with_type) {
		const char *type = name_of(file_type_names, mode & S_IFMT);
		if (type)
			sb_printf(sb, "%s|", type);
		else if (mode & S_IFMT)
			sb_printf(sb, "%#llo|", (unsigned long long)(mode & S_IFMT));
	}
	if (mode & S_ISUID)
		sb_puts(sb, "S_ISUID|");
	if (mode & S_ISGID)
		sb_puts(sb, "S_ISGID|");
	if (mode & S_ISVTX)
		sb_puts(sb, "S_ISVTX|");
	sb_printf(sb, "%#03llo", (unsigned long long)(mode & 0777));
}

const struct flag_name show_sem_flag_names[] = { N(IPC_NOWAIT), N(SEM_UNDO), END };

const struct flag_name show_resolve_flag_names[] = {
	N(RESOLVE_NO_XDEV), N(RESOLVE_NO_MAGICLINKS), N(RESOLVE_NO_SYMLINKS), N(RESOLVE_BENEATH),
	N(RESOLVE_IN_ROOT), N(RESOLVE_CACHED), END,
};

const struct flag_name show_lock_type_names[] = { N(F_RDLCK), N(F_WRLCK), N(F_UNLCK), END };

static const struct flag_name si_code_generic[] = {
	N(SI_USER), N(SI_KERNEL), N(SI_QUEUE), N(SI_TIMER), N(SI_MESGQ), N(SI_ASYNCIO), N(SI_SIGIO),
	N(SI_TKILL), N(SI_DETHREAD), N(SI_ASYNCNL), END,
};
static const struct flag_name si_code_chld[] = {
	N(CLD_EXITED), N(CLD_KILLED), N(CLD_DUMPED), N(CLD_TRAPPED), N(CLD_STOPPED), N(CLD_CONTINUED), END,
};
static const struct flag_name si_code_segv[] = {
	N(SEGV_MAPERR), N(SEGV_ACCERR), N(SEGV_BNDERR), N(SEGV_PKUERR), END,
};
static const struct flag_name si_code_bus[] = {
	N(BUS_ADRALN), N(BUS_ADRERR), N(BUS_OBJERR), N(BUS_MCEERR_AR), N(BUS_MCEERR_AO), END,
};
static const struct flag_name si_code_ill[] = {
	N(ILL_ILLOPC), N(ILL_ILLOPN), N(ILL_ILLADR), N(ILL_ILLTRP), N(ILL_PRVOPC), N(ILL_PRVREG),
	N(ILL_COPROC), N(ILL_BADSTK), END,
};
static const struct flag_name si_code_fpe[] = {
	N(FPE_INTDIV), N(FPE_INTOVF), N(FPE_FLTDIV), N(FPE_FLTOVF), N(FPE_FLTUND), N(FPE_FLTRES),
	N(FPE_FLTINV), N(FPE_FLTSUB), END,
};
static const struct flag_name si_code_trap[] = { N(TRAP_BRKPT), N(TRAP_TRACE), N(TRAP_BRANCH), N(TRAP_HWBKPT), END };
static const struct flag_name si_code_poll[] = {
	N(POLL_IN), N(POLL_OUT), N(POLL_MSG), N(POLL_ERR), N(POLL_PRI), N(POLL_HUP), END,
};
/* SIGSYS from seccomp; glibc does not name it. */
static const struct flag_name si_code_sys[] = { { 1, "SYS_SECCOMP" }, END };

const char *si_code_name(int signo, int code)
{
	if (code <= 0 || code == SI_KERNEL)
		return name_of(si_code_generic, (uint64_t)(int64_t)code);
	const struct flag_name *names = NULL;
	switch (signo) {
	case SIGCHLD: names = si_code_chld; break;
	case SIGSEGV: names = si_code_segv; break;
	case SIGBUS: names = si_code_bus; break;
	case SIGILL: names = si_code_ill; break;
	case SIGFPE: names = si_code_fpe; break;
	case SIGTRAP: names = si_code_trap; break;
	case SIGIO: names = si_code_poll; break;
	case SIGSYS: names = si_code_sys; break;
	}
	return names ? name_of(names, (uint64_t)(int64_t)code) : NULL;
}
