#include "sys/capture.h"

#include <asm/termbits.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/openat2.h>
#include <linux/rseq.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <utime.h>

#include "reprise/trace.h"

/*
 * Caps on what one argument can make us read. The kernel enforces most of these
 * itself (UIO_MAXIOV, sockaddr_storage, _NSIG); they matter when a call is given
 * garbage, so that a bogus length costs a bounded read.
 */
#define STRING_CHUNK 4096u             /* strings are read up to the next page boundary at a time */
#define PATH_CAP (2u * PATH_MAX)
#define STR_CAP (64u * 1024)
#define STR_ARRAY_CAP 4096u            /* argv/envp entries */
#define IOV_CAP 1024u                  /* UIO_MAXIOV */
#define MMSG_CAP 1024u                 /* UIO_MAXIOV bounds vlen too */
#define SOCKADDR_CAP 128u              /* sizeof(struct sockaddr_storage) */
#define SIGSET_CAP 128u
#define SOCKOPT_CAP 4096u
#define CONTROL_CAP (64u * 1024)
#define POLLFD_CAP 65536u
#define FDSET_NFDS_CAP (1u << 20)
#define INT_ARRAY_CAP 65536u           /* NGROUPS_MAX */
#define SEMBUF_CAP 4096u
#define CPU_SET_CAP (64u * 1024)
#define BUFFER_CAP (64u * 1024 * 1024) /* any one data buffer, even without -s */
#define READ_CHUNK (256u * 1024)       /* large buffers are read (and the scratch grown) this much at a time */
#define TASK_COMM_LEN 16u
#define SIGFRAME_MASK_SIZE 8u          /* the kernel's sigset_t: _NSIG bits */

#define KERNEL_SIGACTION_HEAD 24u      /* handler, flags, restorer; the mask follows, sigsetsize bytes */
#define MSGHDR_SIZE sizeof(struct msghdr)
#define MMSGHDR_SIZE sizeof(struct mmsghdr)
#define KERNEL_TERMIOS_SIZE sizeof(struct termios) /* asm/termbits.h: the kernel's, not glibc's */

/* The result is an error: the kernel's -errno range. Nothing is written then. */
#define FAILED(ret) ((ret) < 0 && (ret) >= -4095)

#define MIN(a, b) ((a) < (b) ? (a) : (b))

struct capture {
	const struct capture_ops *ops;
	const struct capture_limits *lim;
	const uint64_t *args;
	int64_t ret;
	unsigned phase;
};

/* Growable, per thread, so that steady-state capture never allocates. */
static __thread uint8_t *scratch;
static __thread size_t scratch_size;
static __thread uint64_t pointer_scratch[STR_ARRAY_CAP];
static __thread struct iovec iov_scratch[IOV_CAP];
static __thread uint8_t mmsg_scratch[MMSG_CAP * sizeof(struct mmsghdr)];

static int grow_scratch(size_t need)
{
	if (need <= scratch_size)
		return 0;
	size_t size = scratch_size ? scratch_size : READ_CHUNK;
	while (size < need)
		size *= 2;
	uint8_t *p = realloc(scratch, size);
	if (!p)
		return -1;
	scratch = p;
	scratch_size = size;
	return 0;
}

static int keep(struct capture *c, unsigned arg, uint64_t addr, uint64_t size, const void *data, uint64_t stored,
		unsigned flags)
{
	return c->ops->keep(c->ops->ctx, c->phase, arg, addr, size, data, stored, flags);
}

/* Reads up to len bytes at addr into the scratch, stopping at the first unreadable byte: bytes read, or -1. */
static long read_to_scratch(struct capture *c, uint64_t addr, uint64_t len)
{
	uint64_t off = 0;
	while (off < len) {
		uint64_t want = MIN(len - off, (uint64_t)READ_CHUNK);
		if (grow_scratch(off + want) < 0)
			return -1;
		long got = c->ops->read(c->ops->ctx, addr + off, scratch + off, want);
		if (got <= 0)
			break;
		off += (uint64_t)got;
		if ((uint64_t)got < want)
			break;
	}
	return (long)off;
}

/* Keeps the `size` bytes at addr, storing at most `limit` of them. */
static int keep_range(struct capture *c, unsigned arg, uint64_t addr, uint64_t size, uint64_t limit)
{
	if (!addr || !size)
		return 0;
	uint64_t want = MIN(size, limit);
	unsigned flags = want < size ? RPR_REGION_TRUNCATED : 0;
	if (!want)
		return keep(c, arg, addr, size, NULL, 0, flags);
	long got = read_to_scratch(c, addr, want);
	if (got < 0)
		return -1;
	if (got == 0)
		return keep(c, arg, addr, size, NULL, 0, RPR_REGION_FAULT);
	if ((uint64_t)got < want)
		flags |= RPR_REGION_TRUNCATED;
	return keep(c, arg, addr, size, scratch, (uint64_t)got, flags);
}

static int keep_struct_bytes(struct capture *c, unsigned arg, uint64_t addr, uint64_t size)
{
	return keep_range(c, arg, addr, size, size);
}

/* After clone3: the child's pidfd (CLONE_PIDFD) and tid (CLONE_PARENT_SETTID) the kernel stored in the parent. */
static int keep_clone_results(struct capture *c, unsigned arg, uint64_t addr, uint64_t size)
{
	struct clone_args ca;
	memset(&ca, 0, sizeof(ca));
	if (FAILED(c->ret) || size < CLONE_ARGS_SIZE_VER0 ||
	    c->ops->read(c->ops->ctx, addr, &ca, CLONE_ARGS_SIZE_VER0) != (long)CLONE_ARGS_SIZE_VER0)
		return 0;
	if ((ca.flags & CLONE_PIDFD) && keep_struct_bytes(c, arg, ca.pidfd, sizeof(int32_t)) < 0)
		return -1;
	if (ca.flags & CLONE_PARENT_SETTID)
		return keep_struct_bytes(c, arg, ca.parent_tid, sizeof(int32_t));
	return 0;
}

/* A data buffer: subject to --no-data and -s. */
static int keep_data(struct capture *c, unsigned arg, uint64_t addr, uint64_t size)
{
	uint64_t limit = BUFFER_CAP;
	if (c->lim && c->lim->no_data)
		limit = 0;
	else if (c->lim && c->lim->snaplen && c->lim->snaplen < limit)
		limit = c->lim->snaplen;
	return keep_range(c, arg, addr, size, limit);
}

/*
 * A NUL-terminated string, kept with its NUL. Without a NUL (cap reached, or the
 * memory after it unreadable) the region is flagged truncated; a string whose first
 * byte cannot be read is a one-byte fault region.
 */
static int keep_string(struct capture *c, unsigned arg, uint64_t addr, uint64_t cap)
{
	if (!addr)
		return 0;
	uint64_t len = 0;
	int terminated = 0;
	while (len < cap) {
		uint64_t want = MIN(STRING_CHUNK - (addr + len) % STRING_CHUNK, cap - len);
		if (grow_scratch(len + want) < 0)
			return -1;
		long got = c->ops->read(c->ops->ctx, addr + len, scratch + len, want);
		if (got <= 0)
			break;
		const uint8_t *nul = memchr(scratch + len, 0, (size_t)got);
		if (nul) {
			len = (uint64_t)(nul - scratch) + 1;
			terminated = 1;
			break;
		}
		len += (uint64_t)got;
		if ((uint64_t)got < want)
			break;
	}
	if (!len)
		return keep(c, arg, addr, 1, NULL, 0, RPR_REGION_FAULT);
	return keep(c, arg, addr, len, scratch, len, terminated ? 0 : RPR_REGION_TRUNCATED);
}

/* A NULL-terminated char *[] (the array with its NULL), then each string. */
static int keep_string_array(struct capture *c, unsigned arg, uint64_t addr)
{
	if (!addr)
		return 0;
	unsigned count = 0;
	int terminated = 0;
	while (count < STR_ARRAY_CAP && !terminated) {
		uint64_t at = addr + (uint64_t)count * sizeof(uint64_t);
		uint64_t bytes = STRING_CHUNK - at % STRING_CHUNK;
		bytes = MIN(bytes, (uint64_t)(STR_ARRAY_CAP - count) * sizeof(uint64_t));
		bytes -= bytes % sizeof(uint64_t);
		if (!bytes)
			bytes = sizeof(uint64_t);
		long got = c->ops->read(c->ops->ctx, at, &pointer_scratch[count], bytes);
		if (got < (long)sizeof(uint64_t))
			break;
		unsigned n = (unsigned)((uint64_t)got / sizeof(uint64_t));
		for (unsigned i = 0; i < n; i++, count++)
			if (!pointer_scratch[count]) {
				terminated = 1;
				break;
			}
		if ((uint64_t)got < bytes)
			break;
	}
	if (!count && !terminated)
		return keep(c, arg, addr, sizeof(uint64_t), NULL, 0, RPR_REGION_FAULT);
	uint64_t size = ((uint64_t)count + (unsigned)terminated) * sizeof(uint64_t);
	if (keep(c, arg, addr, size, pointer_scratch, size, terminated ? 0 : RPR_REGION_TRUNCATED) < 0)
		return -1;
	for (unsigned i = 0; i < count; i++)
		if (keep_string(c, arg, pointer_scratch[i], STR_CAP) < 0)
			return -1;
	return 0;
}

#define EACH_IOV_LEN UINT64_MAX

/*
 * An iovec array and the buffers it points at: each iov_len bytes (total ==
 * EACH_IOV_LEN), or `total` bytes spread over the iovecs in order (what a read filled).
 */
static int keep_iovecs(struct capture *c, unsigned arg, uint64_t addr, uint64_t count, uint64_t total)
{
	if (!addr || !count || count > INT32_MAX)
		return 0;
	count = MIN(count, (uint64_t)IOV_CAP);
	uint64_t size = count * sizeof(struct iovec);
	long got = c->ops->read(c->ops->ctx, addr, iov_scratch, size);
	if (got <= 0)
		return keep(c, arg, addr, size, NULL, 0, RPR_REGION_FAULT);
	unsigned n = (unsigned)((uint64_t)got / sizeof(struct iovec));
	if (keep(c, arg, addr, size, iov_scratch, (uint64_t)got, (uint64_t)got < size ? RPR_REGION_TRUNCATED : 0) < 0)
		return -1;
	uint64_t left = total;
	for (unsigned i = 0; i < n && left; i++) {
		uint64_t len = iov_scratch[i].iov_len;
		if (total != EACH_IOV_LEN) {
			len = MIN(len, left);
			left -= len;
		}
		if (keep_data(c, arg, (uint64_t)(uintptr_t)iov_scratch[i].iov_base, len) < 0)
			return -1;
	}
	return 0;
}

/* What a msghdr points at: name, iovecs with their data, control. */
static int keep_msghdr_contents(struct capture *c, unsigned arg, const struct msghdr *h, uint64_t data_total)
{
	uint64_t name_len = MIN((uint64_t)h->msg_namelen, (uint64_t)SOCKADDR_CAP);
	if (keep_struct_bytes(c, arg, (uint64_t)(uintptr_t)h->msg_name, name_len) < 0)
		return -1;
	if (keep_iovecs(c, arg, (uint64_t)(uintptr_t)h->msg_iov, h->msg_iovlen, data_total) < 0)
		return -1;
	return keep_range(c, arg, (uint64_t)(uintptr_t)h->msg_control, h->msg_controllen, CONTROL_CAP);
}

static int keep_msghdr(struct capture *c, unsigned arg, uint64_t addr, int with_contents, uint64_t data_total)
{
	struct msghdr h;
	if (c->ops->read(c->ops->ctx, addr, &h, sizeof(h)) != (long)sizeof(h))
		return keep(c, arg, addr, sizeof(h), NULL, 0, RPR_REGION_FAULT);
	if (keep(c, arg, addr, sizeof(h), &h, sizeof(h), 0) < 0)
		return -1;
	return with_contents ? keep_msghdr_contents(c, arg, &h, data_total) : 0;
}

/* struct mmsghdr[count]; with contents, each member's msghdr as sendmsg (or, received, recvmsg with msg_len). */
static int keep_mmsghdrs(struct capture *c, unsigned arg, uint64_t addr, uint64_t count, int with_contents, int received)
{
	if (!count || count > INT32_MAX)
		return 0;
	count = MIN(count, (uint64_t)MMSG_CAP);
	uint64_t size = count * MMSGHDR_SIZE;
	long got = c->ops->read(c->ops->ctx, addr, mmsg_scratch, size);
	if (got <= 0)
		return keep(c, arg, addr, size, NULL, 0, RPR_REGION_FAULT);
	unsigned n = (unsigned)((uint64_t)got / MMSGHDR_SIZE);
	if (keep(c, arg, addr, size, mmsg_scratch, (uint64_t)got, (uint64_t)got < size ? RPR_REGION_TRUNCATED : 0) < 0)
		return -1;
	if (!with_contents)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		struct mmsghdr m;
		memcpy(&m, mmsg_scratch + i * MMSGHDR_SIZE, sizeof(m));
		if (keep_msghdr_contents(c, arg, &m.msg_hdr, received ? m.msg_len : EACH_IOV_LEN) < 0)
			return -1;
	}
	return 0;
}

/* A struct sockaddr whose length the kernel stored in the socklen_t at len_addr. */
static int keep_sockaddr_out(struct capture *c, unsigned arg, uint64_t addr, uint64_t len_addr)
{
	uint32_t len;
	if (!len_addr || c->ops->read(c->ops->ctx, len_addr, &len, sizeof(len)) != (long)sizeof(len))
		return 0;
	return keep_struct_bytes(c, arg, addr, MIN((uint64_t)len, (uint64_t)SOCKADDR_CAP));
}

/* An option value whose length is the value at len_addr (getsockopt), capped. */
static int keep_sockopt_out(struct capture *c, unsigned arg, uint64_t addr, uint64_t len_addr)
{
	uint32_t len;
	if (!len_addr || c->ops->read(c->ops->ctx, len_addr, &len, sizeof(len)) != (long)sizeof(len))
		return 0;
	return keep_range(c, arg, addr, len, SOCKOPT_CAP);
}

static int keep_pselect_sigmask(struct capture *c, unsigned arg, uint64_t addr)
{
	struct {
		uint64_t set;
		uint64_t size;
	} pair;
	if (c->ops->read(c->ops->ctx, addr, &pair, sizeof(pair)) != (long)sizeof(pair))
		return keep(c, arg, addr, sizeof(pair), NULL, 0, RPR_REGION_FAULT);
	if (keep(c, arg, addr, sizeof(pair), &pair, sizeof(pair), 0) < 0)
		return -1;
	return keep_range(c, arg, pair.set, pair.size, SIGSET_CAP);
}

/* Sizes of the structs that are always the same size; 0 for kinds sized by an argument or the result. */
static const uint32_t fixed_struct_size[SK_COUNT_] = {
	[SK_INT] = sizeof(int),
	[SK_UINT64] = sizeof(uint64_t),
	[SK_FDPAIR] = 2 * sizeof(int),
	[SK_STAT] = sizeof(struct stat),
	[SK_STATX] = sizeof(struct statx),
	[SK_STATFS] = sizeof(struct statfs),
	[SK_TIMESPEC] = sizeof(struct timespec),
	[SK_TIMESPEC_PAIR] = 2 * sizeof(struct timespec),
	[SK_TIMEVAL] = sizeof(struct timeval),
	[SK_TIMEVAL_PAIR] = 2 * sizeof(struct timeval),
	[SK_TIMEZONE] = sizeof(struct timezone),
	[SK_ITIMERVAL] = sizeof(struct itimerval),
	[SK_ITIMERSPEC] = sizeof(struct itimerspec),
	[SK_TIMEX] = sizeof(struct timex),
	[SK_RLIMIT] = sizeof(struct rlimit),
	[SK_RUSAGE] = sizeof(struct rusage),
	[SK_TMS] = sizeof(struct tms),
	[SK_UTSNAME] = sizeof(struct utsname),
	[SK_SYSINFO] = sizeof(struct sysinfo),
	[SK_SIGINFO] = sizeof(siginfo_t),
	[SK_STACK] = sizeof(stack_t),
	[SK_EPOLL_EVENT] = sizeof(struct epoll_event),
	[SK_SOCKLEN] = sizeof(socklen_t),
	[SK_SCHED_PARAM] = sizeof(struct sched_param),
	[SK_CAP] = sizeof(struct __user_cap_header_struct),
	[SK_CAP_DATA] = 2 * sizeof(struct __user_cap_data_struct),
	[SK_ROBUST_LIST] = sizeof(uint64_t),
	[SK_FUTEX_WORD] = sizeof(uint32_t),
	[SK_MQ_ATTR] = sizeof(struct mq_attr),
	[SK_WAIT_STATUS] = sizeof(int),
	[SK_SIGEVENT] = sizeof(struct sigevent),
	[SK_UTIMBUF] = sizeof(struct utimbuf),
	[SK_SOCK_FPROG] = sizeof(struct sock_fprog),
	[SK_SIZE_T] = sizeof(uint64_t),
};

static uint64_t count_of(uint64_t count, uint64_t cap)
{
	return count > cap ? cap : count;
}

static int keep_struct(struct capture *c, const struct sys_arg *a, unsigned i)
{
	uint64_t addr = c->args[i];
	if (!addr)
		return 0;
	int enter = c->phase == RPR_PHASE_ENTER;
	uint64_t aux = a->aux >= 0 && a->aux < 6 ? c->args[a->aux] : 0;
	uint64_t ret = (uint64_t)c->ret;
	switch (a->sk) {
	case SK_SIGACTION:
		return keep_struct_bytes(c, i, addr, KERNEL_SIGACTION_HEAD + MIN(aux, (uint64_t)SIGSET_CAP));
	case SK_SIGSET:
		return keep_range(c, i, addr, aux, SIGSET_CAP);
	case SK_POLLFDS:
		return keep_struct_bytes(c, i, addr, count_of((uint32_t)aux, POLLFD_CAP) * sizeof(struct pollfd));
	case SK_FDSET: {
		int32_t nfds = (int32_t)aux;
		if (nfds <= 0)
			return 0;
		uint64_t words = (count_of((uint64_t)nfds, FDSET_NFDS_CAP) + 63) / 64;
		return keep_struct_bytes(c, i, addr, words * sizeof(uint64_t));
	}
	case SK_EPOLL_EVENTS:
		return enter ? 0 : keep_struct_bytes(c, i, addr, count_of(ret, INT32_MAX) * sizeof(struct epoll_event));
	case SK_SOCKADDR:
		return keep_struct_bytes(c, i, addr, MIN((uint64_t)(uint32_t)aux, (uint64_t)SOCKADDR_CAP));
	case SK_SOCKADDR_OUT:
		return enter ? 0 : keep_sockaddr_out(c, i, addr, aux);
	case SK_SOCKOPT:
		if (a->kind == AK_STRUCT_IN)
			return keep_range(c, i, addr, (uint32_t)aux, SOCKOPT_CAP);
		return enter ? 0 : keep_sockopt_out(c, i, addr, aux);
	case SK_MSGHDR:
		if (enter)
			return keep_msghdr(c, i, addr, a->kind == AK_STRUCT_IN, EACH_IOV_LEN);
		return keep_msghdr(c, i, addr, 1, ret);
	case SK_MMSGHDR:
		if (enter)
			return keep_mmsghdrs(c, i, addr, aux, 1, 0);
		return keep_mmsghdrs(c, i, addr, ret, a->kind == AK_STRUCT_OUT, 1);
	case SK_DIRENTS:
	case SK_LINUX_DIRENT:
		return enter ? 0 : keep_range(c, i, addr, ret, BUFFER_CAP);
	case SK_CLONE_ARGS:
		if (enter)
			return keep_struct_bytes(c, i, addr, MIN(aux, (uint64_t)CLONE_ARGS_SIZE_VER2));
		return keep_clone_results(c, i, addr, aux);
	case SK_OPEN_HOW:
		return keep_struct_bytes(c, i, addr, MIN(aux, (uint64_t)sizeof(struct open_how)));
	case SK_INT_ARRAY: {
		uint64_t count = enter ? aux : MIN(ret, aux);
		if ((int32_t)count <= 0)
			return 0;
		return keep_struct_bytes(c, i, addr, count_of(count, INT_ARRAY_CAP) * sizeof(int));
	}
	case SK_CPU_SET:
		return keep_range(c, i, addr, enter ? aux : MIN(ret, aux), CPU_SET_CAP);
	case SK_SEMBUF:
		return keep_struct_bytes(c, i, addr, count_of(aux, SEMBUF_CAP) * sizeof(struct sembuf));
	case SK_SCHED_ATTR:
		return keep_struct_bytes(c, i, addr, a->kind == AK_STRUCT_IN ? SCHED_ATTR_SIZE_VER1 : MIN(aux, (uint64_t)SCHED_ATTR_SIZE_VER1));
	case SK_RSEQ:
		return keep_struct_bytes(c, i, addr, MIN(aux, (uint64_t)sizeof(struct rseq)));
	case SK_PSELECT_SIGMASK:
		return keep_pselect_sigmask(c, i, addr);
	default:
		return a->sk < SK_COUNT_ ? keep_struct_bytes(c, i, addr, fixed_struct_size[a->sk]) : 0;
	}
}

/* Memory an argument leads to when its meaning depends on another argument (ioctl, fcntl, prctl, futex). */
enum { DEP_IN = 1, DEP_OUT = 2, DEP_STR = 4 };

struct dependent_memory {
	uint32_t size;
	uint8_t how; /* DEP_* */
};

/* Terminal ioctls predate the _IOC encoding, so their sizes must be known; newer requests say theirs. */
static struct dependent_memory ioctl_memory(uint64_t request)
{
	switch ((uint32_t)request) {
	case TCGETS: return (struct dependent_memory){ KERNEL_TERMIOS_SIZE, DEP_OUT };
	case TCSETS: case TCSETSW: case TCSETSF: return (struct dependent_memory){ KERNEL_TERMIOS_SIZE, DEP_IN };
	case TCGETA: return (struct dependent_memory){ sizeof(struct termio), DEP_OUT };
	case TCSETA: case TCSETAW: case TCSETAF: return (struct dependent_memory){ sizeof(struct termio), DEP_IN };
	case TIOCGWINSZ: return (struct dependent_memory){ sizeof(struct winsize), DEP_OUT };
	case TIOCSWINSZ: return (struct dependent_memory){ sizeof(struct winsize), DEP_IN };
	case FIONREAD: case TIOCOUTQ: case TIOCGPGRP: case TIOCGSID: case TIOCMGET: case TIOCGETD:
		return (struct dependent_memory){ sizeof(int), DEP_OUT };
	case FIONBIO: case FIOASYNC: case TIOCSPGRP: case TIOCMSET: case TIOCSETD:
		return (struct dependent_memory){ sizeof(int), DEP_IN };
	case TIOCSTI: return (struct dependent_memory){ 1, DEP_IN };
	case FIOQSIZE: return (struct dependent_memory){ sizeof(int64_t), DEP_OUT };
	default: break;
	}
	unsigned dir = _IOC_DIR(request), size = _IOC_SIZE(request);
	return (struct dependent_memory){ size, (uint8_t)((dir & _IOC_WRITE ? DEP_IN : 0) | (dir & _IOC_READ ? DEP_OUT : 0)) };
}

static struct dependent_memory fcntl_memory(uint64_t cmd)
{
	switch ((int)cmd) {
	case F_GETLK: case F_OFD_GETLK: return (struct dependent_memory){ sizeof(struct flock), DEP_IN | DEP_OUT };
	case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW:
		return (struct dependent_memory){ sizeof(struct flock), DEP_IN };
	case F_GETOWN_EX: return (struct dependent_memory){ sizeof(struct f_owner_ex), DEP_OUT };
	case F_SETOWN_EX: return (struct dependent_memory){ sizeof(struct f_owner_ex), DEP_IN };
	default: return (struct dependent_memory){ 0, 0 };
	}
}

static struct dependent_memory prctl_memory(uint64_t option)
{
	switch ((int)option) {
	case PR_SET_NAME: return (struct dependent_memory){ TASK_COMM_LEN, DEP_STR };
	case PR_GET_NAME: return (struct dependent_memory){ TASK_COMM_LEN, DEP_OUT };
	default: return (struct dependent_memory){ 0, 0 };
	}
}

static struct dependent_memory futex_timeout_memory(uint64_t op)
{
	switch ((int)op & FUTEX_CMD_MASK) {
	case FUTEX_WAIT: case FUTEX_WAIT_BITSET: case FUTEX_LOCK_PI: case FUTEX_LOCK_PI2: case FUTEX_WAIT_REQUEUE_PI:
		return (struct dependent_memory){ sizeof(struct timespec), DEP_IN };
	default: return (struct dependent_memory){ 0, 0 };
	}
}

static int keep_dependent(struct capture *c, unsigned i, struct dependent_memory m)
{
	uint64_t addr = c->args[i];
	if (!m.size || !addr)
		return 0;
	if (c->phase == RPR_PHASE_ENTER) {
		if (m.how & DEP_STR)
			return keep_string(c, i, addr, m.size);
		return m.how & DEP_IN ? keep_struct_bytes(c, i, addr, m.size) : 0;
	}
	return m.how & DEP_OUT ? keep_struct_bytes(c, i, addr, m.size) : 0;
}

/* The mask rt_sigreturn will restore, in the signal frame on the live (native) tracee's stack. */
static int keep_sigframe_mask(struct capture *c, unsigned arg)
{
	if (!c->ops->stack_pointer)
		return 0;
	return keep_struct_bytes(c, arg, c->ops->stack_pointer + arch_native()->sigframe_mask_offset, SIGFRAME_MASK_SIZE);
}

static int capture_arg(struct capture *c, const struct sys_arg *a, unsigned i)
{
	int enter = c->phase == RPR_PHASE_ENTER;
	uint64_t v = c->args[i];
	uint64_t aux = a->aux >= 0 && a->aux < 6 ? c->args[a->aux] : 0;
	uint64_t ret = (uint64_t)c->ret;
	switch (a->kind) {
	case AK_PATH: return enter ? keep_string(c, i, v, PATH_CAP) : 0;
	case AK_STR: return enter ? keep_string(c, i, v, STR_CAP) : 0;
	case AK_STR_ARRAY: return enter ? keep_string_array(c, i, v) : 0;
	case AK_STR_OUT: return enter ? 0 : keep_range(c, i, v, MIN(ret, aux), STR_CAP);
	case AK_PATH_OUT: return enter ? 0 : keep_range(c, i, v, MIN(ret, aux), PATH_CAP);
	case AK_SIGFRAME_MASK: return enter ? keep_sigframe_mask(c, i) : 0;
	case AK_BUF_IN: return enter ? keep_data(c, i, v, aux) : 0;
	case AK_BUF_OUT: return enter ? 0 : keep_data(c, i, v, MIN(ret, aux));
	case AK_IOV_IN: return enter ? keep_iovecs(c, i, v, aux, EACH_IOV_LEN) : 0;
	case AK_IOV_OUT: return enter ? 0 : keep_iovecs(c, i, v, aux, ret);
	/* clone3's struct is read at entry, but the kernel writes the child's pidfd and tid where it points */
	case AK_STRUCT_IN: return enter || a->sk == SK_CLONE_ARGS ? keep_struct(c, a, i) : 0;
	case AK_STRUCT_OUT: return enter ? 0 : keep_struct(c, a, i);
	case AK_STRUCT_INOUT: return keep_struct(c, a, i);
	case AK_IOCTL_ARG: return keep_dependent(c, i, ioctl_memory(aux));
	case AK_FCNTL_ARG: return keep_dependent(c, i, fcntl_memory(aux));
	case AK_PRCTL_ARG: return keep_dependent(c, i, prctl_memory(aux));
	case AK_FUTEX_TIMEOUT: return keep_dependent(c, i, futex_timeout_memory(aux));
	default: return 0;
	}
}

int sys_capture(const struct sys_entry *e, unsigned phase, const uint64_t args[6], int64_t ret,
		const struct capture_limits *lim, const struct capture_ops *ops)
{
	if (!e || (phase == RPR_PHASE_EXIT && FAILED(ret)))
		return 0;
	struct capture c = { .ops = ops, .lim = lim, .args = args, .ret = ret, .phase = phase };
	for (unsigned i = 0; i < e->nargs && i < 6; i++)
		if (capture_arg(&c, &e->args[i], i) < 0)
			return -1;
	return 0;
}
