#include "show/format.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "show/dump.h"
#include "show/names.h"
#include "show/strings.h"
#include "show/structs.h"
#include "sys/flags.h"

/* The largest errno the kernel returns; results in [-MAX_ERRNO, -1] are failures. */
enum { MAX_ERRNO = 4095 };

/* How far a NUL-terminated string is looked for; the capture's own limits cut it sooner. */
#define STRING_REACH ((uint64_t)1 << 20)

/* Calls whose arguments the kinds alone cannot lay out the way strace does. */
enum special {
	SP_NONE,
	SP_EXECVE,   /* envp as an address and a count */
	SP_EXECVEAT,
	SP_CLONE,    /* labelled, reordered arguments; exit signal in the flags */
	SP_FUTEX,    /* which arguments exist depends on the operation */
	SP_FCNTL,    /* the third argument depends on the command */
	SP_OPEN,     /* the mode exists only when the flags create a file */
	SP_OPENAT,
	SP_MREMAP,   /* the new address exists only with MREMAP_MAYMOVE|MREMAP_FIXED */
};

static enum special special_of(const struct sys_entry *e)
{
	static const struct {
		const char *name;
		enum special sp;
	} specials[] = {
		{ "execve", SP_EXECVE }, { "execveat", SP_EXECVEAT }, { "clone", SP_CLONE },
		{ "futex", SP_FUTEX }, { "fcntl", SP_FCNTL },
		{ "open", SP_OPEN }, { "openat", SP_OPENAT }, { "mremap", SP_MREMAP },
	};
	if (!e)
		return SP_NONE;
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (strcmp(e->name, specials[i].name) == 0)
			return specials[i].sp;
	return SP_NONE;
}

const uint8_t *call_mem(const struct call *c, unsigned phase, uint64_t addr, uint64_t len, uint64_t *avail)
{
	const struct rpr_event *ev = phase == RPR_PHASE_EXIT ? c->exit : c->enter;
	*avail = 0;
	if (!ev || addr == 0)
		return NULL;
	return rpr_event_mem(ev, phase, addr, len, avail);
}

int call_failed(const struct call *c)
{
	return c->exit && c->exit->u.exit.ret < 0 && c->exit->u.exit.ret >= -MAX_ERRNO;
}

void fmt_call_name(struct strbuf *sb, const struct call *c)
{
	const char *name = c->entry ? c->entry->name : arch_syscall_name(c->arch, c->nr);
	if (name)
		sb_puts(sb, name);
	else
		sb_printf(sb, "syscall_%#x", c->nr);
}

void fmt_address(struct strbuf *sb, uint64_t addr)
{
	if (addr)
		sb_printf(sb, "%#llx", (unsigned long long)addr);
	else
		sb_puts(sb, "NULL");
}

static void fmt_hex(struct strbuf *sb, uint64_t v)
{
	if (v)
		sb_printf(sb, "%#llx", (unsigned long long)v);
	else
		sb_putc(sb, '0');
}

/* One printed argument: which register, and a "name=" strace puts in front of it (clone). */
struct shown_arg {
	int8_t idx;
	const char *label;
};

static unsigned futex_shown(uint64_t op, struct shown_arg *out)
{
	/* Argument indexes: 0 uaddr, 1 op, 2 val, 3 timeout or val2, 4 uaddr2, 5 val3 */
	static const int8_t by_cmd[][7] = {
		[FUTEX_WAIT] = { 0, 1, 2, 3, -1 },
		[FUTEX_WAKE] = { 0, 1, 2, -1 },
		[FUTEX_FD] = { 0, 1, 2, -1 },
		[FUTEX_REQUEUE] = { 0, 1, 2, 3, 4, -1 },
		[FUTEX_CMP_REQUEUE] = { 0, 1, 2, 3, 4, 5, -1 },
		[FUTEX_WAKE_OP] = { 0, 1, 2, 3, 4, 5, -1 },
		[FUTEX_LOCK_PI] = { 0, 1, 3, -1 },
		[FUTEX_UNLOCK_PI] = { 0, 1, -1 },
		[FUTEX_TRYLOCK_PI] = { 0, 1, -1 },
		[FUTEX_WAIT_BITSET] = { 0, 1, 2, 3, 5, -1 },
		[FUTEX_WAKE_BITSET] = { 0, 1, 2, 5, -1 },
		[FUTEX_WAIT_REQUEUE_PI] = { 0, 1, 2, 3, 4, -1 },
		[FUTEX_CMP_REQUEUE_PI] = { 0, 1, 2, 3, 4, 5, -1 },
		[FUTEX_LOCK_PI2] = { 0, 1, 3, -1 },
	};
	unsigned cmd = (unsigned)(op & FUTEX_CMD_MASK);
	unsigned n = 0;
	if (cmd >= sizeof(by_cmd) / sizeof(by_cmd[0])) {
		for (int8_t i = 0; i < 6; i++)
			out[n++] = (struct shown_arg){ i, NULL };
		return n;
	}
	for (unsigned i = 0; by_cmd[cmd][i] >= 0; i++)
		out[n++] = (struct shown_arg){ by_cmd[cmd][i], NULL };
	return n;
}

static unsigned clone_shown(uint64_t flags, struct shown_arg *out)
{
	/* x86_64 clone(flags, stack, parent_tid, child_tid, tls) */
	unsigned n = 0;
	out[n++] = (struct shown_arg){ 1, "child_stack=" };
	out[n++] = (struct shown_arg){ 0, "flags=" };
	if (flags & CLONE_PARENT_SETTID)
		out[n++] = (struct shown_arg){ 2, "parent_tid=" };
	if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		out[n++] = (struct shown_arg){ 3, "child_tidptr=" };
	if (flags & CLONE_SETTLS)
		out[n++] = (struct shown_arg){ 4, "tls=" };
	return n;
}

static int fcntl_has_arg(uint64_t cmd)
{
	switch ((int)cmd) {
	case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG: case F_GETLEASE:
	case F_GETPIPE_SZ: case F_GET_SEALS:
		return 0;
	}
	return 1;
}

static unsigned shown_args(const struct call *c, const struct show_style *st, struct shown_arg *out)
{
	unsigned n = 0;
	enum special sp = special_of(c->entry);
	switch (sp) {
	case SP_OPEN:
	case SP_OPENAT: {
		unsigned flags_idx = sp == SP_OPEN ? 1 : 2;
		for (unsigned i = 0; i <= flags_idx; i++)
			out[n++] = (struct shown_arg){ (int8_t)i, NULL };
		if ((c->args[flags_idx] & O_CREAT) || (c->args[flags_idx] & __O_TMPFILE) == __O_TMPFILE)
			out[n++] = (struct shown_arg){ (int8_t)(flags_idx + 1), NULL };
		return n;
	}
	case SP_CLONE:
		return clone_shown(c->args[0], out);
	case SP_FUTEX:
		return futex_shown(c->args[1], out);
	case SP_MREMAP: {
		uint64_t fixed = MREMAP_MAYMOVE | MREMAP_FIXED;
		unsigned count = (c->args[3] & fixed) == fixed ? 5 : 4;
		for (unsigned i = 0; i < count; i++)
			out[n++] = (struct shown_arg){ (int8_t)i, NULL };
		return n;
	}
	case SP_FCNTL:
		out[n++] = (struct shown_arg){ 0, NULL };
		out[n++] = (struct shown_arg){ 1, NULL };
		if (fcntl_has_arg(c->args[1]))
			out[n++] = (struct shown_arg){ 2, NULL };
		return n;
	default:
		break;
	}
	/* Unknown numbers show all six registers, as strace does. */
	unsigned nargs = c->entry ? c->entry->nargs : 6;
	for (unsigned i = 0; i < nargs && i < 6; i++) {
		uint8_t kind = c->entry ? c->entry->args[i].kind : AK_NONE;
		/* the signal frame's mask is no register, so raw output has nothing to show for it */
		if (kind != AK_HIDDEN && !(kind == AK_SIGFRAME_MASK && st->raw))
			out[n++] = (struct shown_arg){ (int8_t)i, NULL };
	}
	return n;
}

static int prints_at_exit(const struct call *c, unsigned idx)
{
	if (!c->entry)
		return 0;
	const struct sys_arg *a = &c->entry->args[idx];
	switch (a->kind) {
	case AK_STR_OUT:
	case AK_PATH_OUT:
	case AK_BUF_OUT:
	case AK_IOV_OUT:
	case AK_STRUCT_OUT:
		return 1;
	case AK_STRUCT_INOUT:
		/* poll and select show what went in; the result note shows what came back (and the time left). */
		for (unsigned i = 0; i < c->entry->nargs && i < 6; i++)
			if (c->entry->args[i].kind == AK_STRUCT_INOUT &&
			    (c->entry->args[i].sk == SK_POLLFDS || c->entry->args[i].sk == SK_FDSET))
				return 0;
		return 1;
	default:
		return 0;
	}
}

/* The length the aux argument gives, or the result when that is the length (read). */
static uint64_t aux_value(const struct call *c, const struct sys_arg *a)
{
	return a->aux >= 0 && a->aux < 6 ? c->args[a->aux] : 0;
}

static void fmt_str_array(struct strbuf *sb, const struct call *c, uint64_t addr, const struct show_style *st)
{
	uint64_t avail;
	if (!call_mem(c, RPR_PHASE_ENTER, addr, 8, &avail) || avail < 8) {
		fmt_address(sb, addr);
		return;
	}
	sb_putc(sb, '[');
	for (uint64_t i = 0;; i++) {
		const uint8_t *slot = call_mem(c, RPR_PHASE_ENTER, addr + 8 * i, 8, &avail);
		if (!slot || avail < 8) {
			sb_puts(sb, i ? ", ..." : "...");
			break;
		}
		uint64_t p;
		memcpy(&p, slot, 8);
		if (!p)
			break;
		if (i)
			sb_puts(sb, ", ");
		const uint8_t *s = call_mem(c, RPR_PHASE_ENTER, p, STRING_REACH, &avail);
		if (s)
			show_quote_cstr(sb, s, avail, st->strsize, 1, st);
		else
			fmt_address(sb, p);
	}
	sb_putc(sb, ']');
}

/* execve's environment: strace shows only where it is and how many strings it holds. */
static void fmt_env_count(struct strbuf *sb, const struct call *c, uint64_t addr)
{
	fmt_address(sb, addr);
	uint64_t avail, count = 0;
	const uint8_t *slot;
	while ((slot = call_mem(c, RPR_PHASE_ENTER, addr + 8 * count, 8, &avail)) && avail >= 8) {
		uint64_t p;
		memcpy(&p, slot, 8);
		if (!p) {
			sb_printf(sb, " /* %llu var%s */", (unsigned long long)count, count == 1 ? "" : "s");
			return;
		}
		count++;
	}
}

static void fmt_buffer(struct strbuf *sb, const struct call *c, unsigned phase, uint64_t addr, uint64_t len,
		       const struct show_style *st)
{
	uint64_t avail;
	const uint8_t *data = call_mem(c, phase, addr, len, &avail);
	if (data || (len == 0 && addr))
		show_quote_buf(sb, data, avail, len, st);
	else
		fmt_address(sb, addr);
}

static void fmt_clone_flags(struct strbuf *sb, uint64_t v)
{
	uint64_t flags = v & ~0xffULL, sig = v & 0xff;
	if (flags)
		fmt_flags(sb, clone_flag_names, flags);
	if (sig) {
		sb_puts(sb, flags ? "|" : "");
		fmt_signal(sb, (int64_t)sig);
	} else if (!flags) {
		sb_putc(sb, '0');
	}
}

static int futex_op_waits(uint64_t op)
{
	switch (op & FUTEX_CMD_MASK) {
	case FUTEX_WAIT: case FUTEX_LOCK_PI: case FUTEX_WAIT_BITSET: case FUTEX_WAIT_REQUEUE_PI: case FUTEX_LOCK_PI2:
		return 1;
	}
	return 0;
}

static void fmt_futex_op(struct strbuf *sb, uint64_t op)
{
	const char *cmd = name_of(futex_op_names, op & FUTEX_CMD_MASK);
	if (!cmd) {
		fmt_hex(sb, op);
		return;
	}
	sb_puts(sb, cmd);
	if (op & FUTEX_PRIVATE_FLAG)
		sb_puts(sb, "_PRIVATE");
	if (op & FUTEX_CLOCK_REALTIME)
		sb_puts(sb, "|FUTEX_CLOCK_REALTIME");
	uint64_t rest = op & ~(uint64_t)(FUTEX_CMD_MASK | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	if (rest)
		sb_printf(sb, "|%#llx", (unsigned long long)rest);
}

/* Arguments whose meaning the kinds cannot carry; 1 if printed here. */
static int fmt_special_arg(struct strbuf *sb, const struct call *c, enum special sp, unsigned idx,
			   enum fmt_part part)
{
	uint64_t v = c->args[idx];
	switch (sp) {
	case SP_EXECVE:
	case SP_EXECVEAT:
		if (idx != (sp == SP_EXECVE ? 2u : 3u))
			return 0;
		fmt_env_count(sb, c, v);
		return 1;
	case SP_CLONE:
		if (idx == 2 && part != FMT_AT_ENTRY) {
			uint64_t avail;
			const uint8_t *p = call_mem(c, RPR_PHASE_EXIT, v, 4, &avail);
			if (!p || avail < 4)
				return 0;
			int32_t tid;
			memcpy(&tid, p, 4);
			sb_printf(sb, "[%d]", tid);
			return 1;
		}
		return 0;
	case SP_FUTEX:
		if (idx != 5)
			return 0;
		if ((uint32_t)v == FUTEX_BITSET_MATCH_ANY)
			sb_puts(sb, "FUTEX_BITSET_MATCH_ANY");
		else
			sb_printf(sb, "%#x", (unsigned)v);
		return 1;
	case SP_FCNTL:
		if (idx != 2)
			return 0;
		switch ((int)c->args[1]) {
		case F_SETFD:
			fmt_flags(sb, fd_flag_names, v);
			return 1;
		case F_SETFL:
			fmt_open_flags(sb, v);
			return 1;
		case F_SETSIG:
			fmt_signal(sb, (int64_t)v);
			return 1;
		case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
			fmt_flock(sb, c, v, (int)c->args[1] == F_GETLK || (int)c->args[1] == F_OFD_GETLK
						  ? RPR_PHASE_EXIT : RPR_PHASE_ENTER);
			return 1;
		default:
			sb_printf(sb, "%d", (int)v);
			return 1;
		}
	case SP_OPEN:
	case SP_OPENAT:
	case SP_MREMAP:
		return 0;
	case SP_NONE:
		return 0;
	}
	return 0;
}

/* rt_sigreturn's mask, from the region its capture hung off argument idx (the frame is found by the stack pointer). */
static void fmt_sigframe_mask(struct strbuf *sb, const struct call *c, unsigned idx)
{
	for (uint32_t i = 0; c->enter && i < c->enter->nregions; i++) {
		const struct rpr_region *r = &c->enter->regions[i];
		if (r->phase != RPR_PHASE_ENTER || r->arg != idx)
			continue;
		if (!r->data || !r->stored || r->stored < r->size) {
			fmt_address(sb, r->addr);
			return;
		}
		sb_puts(sb, "{mask=");
		fmt_sigset(sb, r->data, (unsigned)r->stored);
		sb_putc(sb, '}');
		return;
	}
	sb_puts(sb, "{mask=?}");
}

static void fmt_arg(struct strbuf *sb, const struct call *c, unsigned idx, enum fmt_part part,
		    const struct show_style *st)
{
	uint64_t v = c->args[idx];
	if (!c->entry || st->raw) {
		fmt_hex(sb, v);
		return;
	}
	if (fmt_special_arg(sb, c, special_of(c->entry), idx, part))
		return;
	const struct sys_arg *a = &c->entry->args[idx];
	int failed = call_failed(c);
	switch (a->kind) {
	case AK_NONE:
	case AK_HEX:
		fmt_hex(sb, v);
		return;
	case AK_INT:
	case AK_FD:
		sb_printf(sb, "%d", (int)v);
		return;
	case AK_UINT:
		sb_printf(sb, "%u", (unsigned)v);
		return;
	case AK_LONG:
	case AK_OFF:
		sb_printf(sb, "%lld", (long long)v);
		return;
	case AK_ULONG:
		sb_printf(sb, "%llu", (unsigned long long)v);
		return;
	case AK_OCTAL:
		sb_printf(sb, "%#03llo", (unsigned long long)v);
		return;
	case AK_PTR:
		fmt_address(sb, v);
		return;
	case AK_DIRFD:
		if ((int)v == AT_FDCWD)
			sb_puts(sb, "AT_FDCWD");
		else
			sb_printf(sb, "%d", (int)v);
		return;
	case AK_SIGNO:
		fmt_signal(sb, (int)v);
		return;
	case AK_FLAGS:
		fmt_flags(sb, a->flags, v);
		return;
	case AK_ENUM:
		fmt_enum(sb, a->flags, v >> 32 ? v : (uint64_t)(int64_t)(int32_t)v, 1);
		return;
	case AK_OPEN_FLAGS:
		fmt_open_flags(sb, v);
		return;
	case AK_MODE_T:
		fmt_mode(sb, v, 1);
		return;
	case AK_CLOCKID:
		fmt_enum(sb, a->flags ? a->flags : clock_names, (uint64_t)(int64_t)(int32_t)v, 1);
		return;
	case AK_WHICH_IOCTL: {
		const char *name = name_of(a->flags ? a->flags : ioctl_request_names, (uint32_t)v);
		if (name)
			sb_puts(sb, name);
		else
			fmt_hex(sb, (uint32_t)v);
		return;
	}
	case AK_FCNTL_CMD:
		fmt_enum(sb, fcntl_cmd_names, (uint32_t)v, 1);
		return;
	case AK_FCNTL_ARG:
		fmt_hex(sb, v);
		return;
	case AK_PATH:
	case AK_STR: {
		uint64_t avail;
		const uint8_t *s = call_mem(c, RPR_PHASE_ENTER, v, STRING_REACH, &avail);
		if (s)
			show_quote_cstr(sb, s, avail, a->kind == AK_PATH ? PATH_MAX : st->strsize, 1, st);
		else
			fmt_address(sb, v);
		return;
	}
	case AK_STR_OUT:
	case AK_PATH_OUT: {
		uint64_t avail;
		const uint8_t *s = failed || !c->exit ? NULL : call_mem(c, RPR_PHASE_EXIT, v, STRING_REACH, &avail);
		if (s)
			show_quote_cstr(sb, s, avail, a->kind == AK_PATH_OUT ? PATH_MAX : st->strsize, 1, st);
		else
			fmt_address(sb, v);
		return;
	}
	case AK_SIGFRAME_MASK:
		fmt_sigframe_mask(sb, c, idx);
		return;
	case AK_STR_ARRAY:
		fmt_str_array(sb, c, v, st);
		return;
	case AK_BUF_IN:
		fmt_buffer(sb, c, RPR_PHASE_ENTER, v, aux_value(c, a), st);
		return;
	case AK_BUF_OUT:
		if (failed || !c->exit)
			fmt_address(sb, v);
		else
			fmt_buffer(sb, c, RPR_PHASE_EXIT, v, (uint64_t)c->exit->u.exit.ret, st);
		return;
	case AK_IOV_IN:
		fmt_iovecs(sb, c, v, aux_value(c, a), UINT64_MAX, RPR_PHASE_ENTER, st);
		return;
	case AK_IOV_OUT:
		if (failed || !c->exit)
			fmt_address(sb, v);
		else
			fmt_iovecs(sb, c, v, aux_value(c, a), (uint64_t)c->exit->u.exit.ret, RPR_PHASE_EXIT, st);
		return;
	case AK_HIDDEN:
	case AK_IOCTL_ARG:
		fmt_hex(sb, v);
		return;
	case AK_CLONE_FLAGS:
		fmt_clone_flags(sb, v);
		return;
	case AK_SOCK_TYPE:
	{
		/* an unknown type is not split off: the whole value is shown as flags */
		const char *type = name_of(socket_type_names, v & 0xf);
		uint32_t flags = type ? (uint32_t)v & ~0xfu : (uint32_t)v;
		if (type)
			sb_puts(sb, type);
		if (type && flags)
			sb_putc(sb, '|');
		if (!type || flags)
			fmt_flags(sb, socket_type_flag_names, flags);
		return;
	}
	case AK_SOCKOPT_NAME:
		fmt_enum(sb, sockopt_names_for_level((int)aux_value(c, a)), (uint32_t)v, 0);
		return;
	case AK_SOCK_PROTO:
		fmt_enum(sb, socket_protocol_names_for_domain((int)aux_value(c, a)), (uint32_t)v, 0);
		return;
	case AK_STATX_FLAGS:
		fmt_enum(sb, statx_sync_names, v & AT_STATX_SYNC_TYPE, 0);
		if (v & ~(uint64_t)AT_STATX_SYNC_TYPE) {
			sb_putc(sb, '|');
			fmt_flags(sb, at_flag_names, v & ~(uint64_t)AT_STATX_SYNC_TYPE);
		}
		return;
	case AK_DEV:
		sb_printf(sb, "makedev(%#x, %#x)", major(v), minor(v));
		return;
	case AK_PRCTL_ARG: {
		int option = (int)aux_value(c, a);
		unsigned phase = option == PR_GET_NAME ? RPR_PHASE_EXIT : RPR_PHASE_ENTER;
		uint64_t avail;
		const uint8_t *s = (option == PR_SET_NAME || (option == PR_GET_NAME && c->exit && !failed))
					   ? call_mem(c, phase, v, STRING_REACH, &avail) : NULL;
		if (s)
			show_quote_cstr(sb, s, avail, st->strsize, 1, st);
		else if (option == PR_SET_NAME || option == PR_GET_NAME)
			fmt_address(sb, v);
		else
			fmt_hex(sb, v);
		return;
	}
	case AK_FUTEX_OP:
		fmt_futex_op(sb, v);
		return;
	case AK_FUTEX_TIMEOUT:
		if (futex_op_waits(aux_value(c, a))) {
			uint64_t avail;
			const uint8_t *p = call_mem(c, RPR_PHASE_ENTER, v, sizeof(struct timespec), &avail);
			struct timespec ts;
			if (p && avail >= sizeof(ts)) {
				memcpy(&ts, p, sizeof(ts));
				sb_printf(sb, "{tv_sec=%lld, tv_nsec=%lld}", (long long)ts.tv_sec, (long long)ts.tv_nsec);
			} else {
				fmt_address(sb, v);
			}
		} else {
			sb_printf(sb, "%u", (unsigned)v);
		}
		return;
	case AK_STRUCT_IN:
		if (part != FMT_AT_EXIT)
			fmt_struct(sb, c, idx, RPR_PHASE_ENTER, st);
		if (part != FMT_AT_ENTRY && struct_exit_suffix(c, idx))
			fmt_struct_exit_suffix(sb, c, idx);
		return;
	case AK_STRUCT_OUT:
		if (failed || !c->exit)
			fmt_address(sb, v);
		else
			fmt_struct(sb, c, idx, RPR_PHASE_EXIT, st);
		return;
	case AK_STRUCT_INOUT:
		fmt_struct(sb, c, idx, !prints_at_exit(c, idx) || failed || !c->exit ? RPR_PHASE_ENTER : RPR_PHASE_EXIT, st);
		return;
	}
	fmt_hex(sb, v);
}

/*
 * An argument strace prints at entry and completes at exit with " => {...}" (clone3's
 * struct and the tids the kernel wrote): the line splits after its entry part.
 */
static int has_exit_suffix(const struct call *c, unsigned idx)
{
	return c->entry && c->entry->args[idx].kind == AK_STRUCT_IN && struct_exit_suffix(c, idx);
}

void fmt_call_args(struct strbuf *sb, const struct call *c, enum fmt_part part, const struct show_style *st)
{
	struct shown_arg shown[6];
	unsigned n = shown_args(c, st, shown);
	unsigned split = n;
	int suffix = 0;
	for (unsigned i = 0; i < n && !st->raw; i++) {
		unsigned idx = (unsigned)shown[i].idx;
		if (prints_at_exit(c, idx) || has_exit_suffix(c, idx)) {
			split = i;
			suffix = !prints_at_exit(c, idx);
			break;
		}
	}
	/* The entry part ends with the suffixed argument's own entry part; the exit part opens with its suffix. */
	unsigned from = part == FMT_AT_EXIT ? split : 0;
	unsigned to = part == FMT_AT_ENTRY ? split + (unsigned)suffix : n;
	for (unsigned i = from; i < to; i++) {
		if (i > from)
			sb_puts(sb, ", ");
		if (shown[i].label && !(part == FMT_AT_EXIT && i == split && suffix))
			sb_puts(sb, shown[i].label);
		fmt_arg(sb, c, (unsigned)shown[i].idx, i == split && suffix ? part : FMT_ALL, st);
	}
	if (part == FMT_AT_ENTRY && split < n && split > 0 && !suffix)
		sb_puts(sb, ", ");
}

static void fmt_success(struct strbuf *sb, const struct call *c, int64_t ret, const struct show_style *st)
{
	enum special sp = special_of(c->entry);
	if (sp == SP_FCNTL && !st->raw && ((int)c->args[1] == F_GETFL || ((int)c->args[1] == F_GETFD && ret))) {
		fmt_hex(sb, (uint64_t)ret);
		sb_puts(sb, " (flags ");
		if ((int)c->args[1] == F_GETFL)
			fmt_open_flags(sb, (uint64_t)ret);
		else
			fmt_flags(sb, fd_flag_names, (uint64_t)ret);
		sb_putc(sb, ')');
		return;
	}
	switch (c->entry && !st->raw ? c->entry->ret : RK_INT) {
	case RK_HEX:
		fmt_hex(sb, (uint64_t)ret);
		return;
	case RK_OCTAL:
		sb_printf(sb, "%#03llo", (unsigned long long)ret);
		return;
	case RK_SIGNO:
		sb_printf(sb, "%lld (", (long long)ret);
		fmt_signal(sb, ret);
		sb_putc(sb, ')');
		return;
	default:
		sb_printf(sb, "%lld", (long long)ret);
		if (c->entry && !st->raw)
			fmt_result_note(sb, c, st);
		return;
	}
}

void fmt_call_result(struct strbuf *sb, const struct call *c, const struct show_style *st)
{
	const struct rpr_event *x = c->exit;
	if (!x || (x->u.exit.flags & (RPR_EXIT_NO_RETURN | RPR_EXIT_KILLED | RPR_EXIT_DETACHED)) ||
	    (c->entry && c->entry->ret == RK_NONE)) {
		sb_puts(sb, "= ?");
		return;
	}
	int64_t ret = x->u.exit.ret;
	if (call_failed(c)) {
		int err = (int)-ret;
		sb_puts(sb, restart_errno_text(err) ? "= ? " : "= -1 ");
		fmt_errno(sb, err);
		return;
	}
	sb_puts(sb, "= ");
	fmt_success(sb, c, ret, st);
}

static void dump_region(struct strbuf *sb, const struct call *c, unsigned phase, uint64_t addr, uint64_t len)
{
	uint64_t avail;
	const uint8_t *data = call_mem(c, phase, addr, len, &avail);
	if (data && avail)
		show_hexdump(sb, data, (size_t)avail);
}

static void dump_iovecs(struct strbuf *sb, const struct call *c, unsigned phase, uint64_t addr, uint64_t count,
			uint64_t total)
{
	for (uint64_t i = 0; i < count && total; i++) {
		uint64_t base, len;
		if (iovec_at(c, addr, i, &base, &len) < 0)
			return;
		if (len > total)
			len = total;
		total -= len;
		sb_printf(sb, " * %llu bytes in buffer %llu\n", (unsigned long long)len, (unsigned long long)i);
		dump_region(sb, c, phase, base, len);
	}
}

void fmt_call_data(struct strbuf *sb, const struct call *c)
{
	if (!c->entry)
		return;
	int ok = c->exit && !call_failed(c) && !(c->exit->u.exit.flags & (RPR_EXIT_NO_RETURN | RPR_EXIT_KILLED));
	uint64_t ret = ok ? (uint64_t)c->exit->u.exit.ret : 0;
	for (unsigned i = 0; i < c->entry->nargs && i < 6; i++) {
		const struct sys_arg *a = &c->entry->args[i];
		switch (a->kind) {
		case AK_BUF_IN:
			dump_region(sb, c, RPR_PHASE_ENTER, c->args[i], aux_value(c, a));
			break;
		case AK_BUF_OUT:
			if (ok)
				dump_region(sb, c, RPR_PHASE_EXIT, c->args[i], ret);
			break;
		case AK_IOV_IN:
			dump_iovecs(sb, c, RPR_PHASE_ENTER, c->args[i], aux_value(c, a), UINT64_MAX);
			break;
		case AK_IOV_OUT:
			if (ok)
				dump_iovecs(sb, c, RPR_PHASE_EXIT, c->args[i], aux_value(c, a), ret);
			break;
		default:
			break;
		}
	}
}
