/*
 * The declarative syscall table: one entry per system call, by name, with its class
 * and the kind of each argument. The kinds say what the argument means well enough
 * that capture (which memory to keep), printing (strace syntax) and replay can all
 * be driven from here. Numbering is the arch's business (src/arch).
 */
#ifndef REPRISE_SYS_TABLE_H
#define REPRISE_SYS_TABLE_H

#include <stdint.h>

/* strace's trace classes (-e trace=%file ...) */
enum sys_class {
	SC_FILE = 1u << 0,    /* takes a file name */
	SC_DESC = 1u << 1,    /* takes or returns a file descriptor */
	SC_NETWORK = 1u << 2,
	SC_PROCESS = 1u << 3,
	SC_MEMORY = 1u << 4,
	SC_SIGNAL = 1u << 5,
	SC_IPC = 1u << 6,
	SC_CREDS = 1u << 7,
	SC_CLOCK = 1u << 8,
	SC_STAT = 1u << 9,    /* %%stat: every stat-like call; the narrower sets have their own bits below */
	SC_PURE = 1u << 10,   /* no arguments, always succeeds (getpid...) */
	SC_STAT_PATH = 1u << 11,  /* %stat: stat by path (stat) */
	SC_LSTAT = 1u << 12,      /* %lstat */
	SC_FSTAT = 1u << 13,      /* %fstat: by descriptor or dirfd (fstat, newfstatat, statx) */
	SC_STATFS = 1u << 14,     /* %statfs */
	SC_FSTATFS = 1u << 15,    /* %fstatfs */
	SC_STATFS_ANY = 1u << 16, /* %%statfs: every statfs-like call (statfs, fstatfs, ustat) */
};

/*
 * What an argument is. "aux" (struct sys_arg) is the index of the argument that gives
 * a length or count where a kind needs one. Memory kinds say when their memory is
 * read: _IN at entry, _OUT at exit (only when the call succeeded), _INOUT both.
 */
enum arg_kind {
	AK_NONE = 0,
	/* plain values */
	AK_INT,       /* signed int (the low 32 bits), decimal */
	AK_UINT,      /* unsigned int, decimal */
	AK_LONG,      /* signed long, decimal */
	AK_ULONG,     /* unsigned long / size_t, decimal */
	AK_HEX,       /* printed as 0x... */
	AK_OCTAL,     /* permission bits, printed 0644 */
	AK_PTR,       /* an address we do not follow: NULL or 0x... */
	AK_FD,        /* a file descriptor */
	AK_DIRFD,     /* a descriptor or AT_FDCWD */
	AK_OFF,       /* off_t / loff_t, signed decimal */
	AK_SIGNO,     /* signal number: SIGTERM */
	AK_FLAGS,     /* OR of the names in `flags` in table order, a multi-bit name taking all its bits; leftover bits
		       * in hex; 0 printed as the table's name for 0 if it has one (PROT_NONE, F_OK), else 0 */
	AK_ENUM,      /* one value from `flags`, else decimal */
	AK_OPEN_FLAGS, /* O_RDONLY|O_CREAT|...: access mode + flags */
	AK_MODE_T,    /* mode with file type bits (mknod): S_IFIFO|0644 */
	AK_CLOCKID,   /* CLOCK_MONOTONIC, or a dynamic clock */
	AK_WHICH_IOCTL, /* ioctl request: decoded name when known, else hex */
	AK_FCNTL_CMD, /* F_GETFL...; the third argument's kind depends on it */
	AK_FCNTL_ARG, /* aux = cmd: a number, or a struct flock / f_owner_ex the command reads or fills */
	/* strings */
	AK_PATH,      /* NUL-terminated path, read at entry, always complete */
	AK_STR,       /* NUL-terminated string (names, values) read at entry */
	AK_STR_OUT,   /* string the kernel writes, result bytes without a NUL (readlink), cut by -s */
	AK_PATH_OUT,  /* path the kernel writes, result bytes with its NUL (getcwd); never cut, like AK_PATH */
	AK_STR_ARRAY, /* NULL-terminated char *[] (argv, envp), read at entry */
	/* data buffers, subject to -s and --no-data */
	AK_BUF_IN,    /* aux = length argument; read at entry */
	AK_BUF_OUT,   /* aux = capacity argument; read at exit, length = result */
	AK_IOV_IN,    /* struct iovec[aux], buffers read at entry */
	AK_IOV_OUT,   /* struct iovec[aux], buffers read at exit, total = result */
	/* values whose meaning depends on another argument */
	AK_HIDDEN,     /* a register the call takes that strace does not print (preadv2's high offset half) */
	AK_CLONE_FLAGS, /* clone flags with the exit signal in the low byte: CLONE_VM|...|SIGCHLD */
	AK_SOCK_TYPE,  /* socket type with SOCK_NONBLOCK/SOCK_CLOEXEC or'ed in: SOCK_STREAM|SOCK_CLOEXEC */
	AK_SOCKOPT_NAME, /* option name; the table depends on the level at argument aux (SOL_SOCKET: SO_*) */
	AK_SOCK_PROTO, /* socket protocol; the table depends on the domain at argument aux (IPPROTO_TCP, NETLINK_ROUTE) */
	AK_STATX_FLAGS, /* statx flags: the AT_STATX_* sync type (AT_STATX_SYNC_AS_STAT when 0) then the AT_* flags */
	AK_DEV,        /* dev_t: makedev(0x1, 0x3) */
	AK_IOCTL_ARG,  /* ioctl's third argument: memory whose size and direction the request says (aux = request) */
	AK_PRCTL_ARG,  /* prctl's second argument: a name for PR_SET_NAME/PR_GET_NAME, else a number (aux = option) */
	AK_FUTEX_OP,   /* FUTEX_WAIT_PRIVATE...: futex_ops plus FUTEX_PRIVATE_FLAG/FUTEX_CLOCK_REALTIME */
	AK_FUTEX_TIMEOUT, /* a struct timespec * read at entry for the waiting ops, else the number val2 (aux = op) */
	AK_SIGFRAME_MASK, /* rt_sigreturn's only shown "argument": the signal mask saved in the signal frame,
			   * which is not passed in a register but found on the stack (capture_ops.stack_pointer
			   * + arch->sigframe_mask_offset); captured at entry as an 8-byte region of argument 0,
			   * which the printer finds by argument index: {mask=[...]} */
	/* structures (always kept whole, never truncated) */
	AK_STRUCT_IN,
	AK_STRUCT_OUT,
	AK_STRUCT_INOUT,
};

/* For AK_STRUCT_*: what the pointer points at. */
enum struct_kind {
	SK_NONE = 0,
	SK_INT,          /* int */
	SK_UINT64,       /* u64 / loff_t (offsets passed by pointer) */
	SK_FDPAIR,       /* int[2] (pipe, socketpair) */
	SK_STAT,         /* struct stat */
	SK_STATX,
	SK_STATFS,
	SK_TIMESPEC,     /* struct timespec (or __kernel_timespec, same on 64-bit) */
	SK_TIMESPEC_PAIR, /* struct timespec[2] (utimensat) */
	SK_TIMEVAL,
	SK_TIMEVAL_PAIR,  /* utimes */
	SK_TIMEZONE,
	SK_ITIMERVAL,
	SK_ITIMERSPEC,
	SK_TIMEX,
	SK_RLIMIT,
	SK_RUSAGE,
	SK_TMS,
	SK_UTSNAME,
	SK_SYSINFO,
	SK_SIGACTION,    /* kernel struct sigaction */
	SK_SIGSET,       /* aux = sigsetsize argument */
	SK_SIGINFO,
	SK_STACK,        /* stack_t (sigaltstack) */
	SK_POLLFDS,      /* struct pollfd[aux] */
	SK_FDSET,        /* fd_set of aux bits (select/pselect6) */
	SK_EPOLL_EVENT,  /* one struct epoll_event (epoll_ctl) */
	SK_EPOLL_EVENTS, /* struct epoll_event[result] (epoll_wait) */
	SK_SOCKADDR,     /* struct sockaddr of aux bytes (bind/connect/sendto) */
	SK_SOCKADDR_OUT, /* struct sockaddr, length in the socklen_t* at argument aux (accept/getsockname/recvfrom) */
	SK_SOCKLEN,      /* socklen_t* */
	SK_SOCKOPT,      /* option value of socklen aux (setsockopt: value; getsockopt: aux is socklen_t*) */
	SK_MSGHDR,       /* struct msghdr with iovecs, name and control data */
	SK_MMSGHDR,      /* struct mmsghdr[aux] */
	SK_DIRENTS,      /* linux_dirent64 records, length = result */
	SK_CLONE_ARGS,   /* struct clone_args of aux bytes (entry); at exit, the pidfd and child tid it points at */
	SK_OPEN_HOW,     /* struct open_how of aux bytes */
	SK_SCHED_PARAM,
	SK_CAP,          /* cap_user_header (the data pointer is SK_CAP_DATA) */
	SK_RSEQ,         /* struct rseq, min(aux argument, 32) bytes */
	SK_ROBUST_LIST,  /* the struct robust_list_head * that get_robust_list stores */
	SK_FUTEX_WORD,   /* u32 futex word */
	SK_INT_ARRAY,    /* int[aux] (getgroups/setgroups) */
	SK_LINUX_DIRENT, /* old getdents (linux_dirent), length = result */
	SK_SCHED_ATTR,   /* struct sched_attr: 56 bytes in (sched_setattr), min(aux, 56) out (sched_getattr) */
	SK_MQ_ATTR,      /* struct mq_attr */
	SK_SEMBUF,       /* struct sembuf[aux] */
	SK_WAIT_STATUS,  /* int wait status (wait4) */
	SK_SIGEVENT,     /* struct sigevent (timer_create, mq_notify) */
	SK_PSELECT_SIGMASK, /* pselect6's {const sigset_t *ss; size_t ss_len} and the set it points at */
	SK_UTIMBUF,      /* struct utimbuf (utime) */
	SK_CPU_SET,      /* CPU mask: aux bytes at entry (sched_setaffinity), result bytes at exit (sched_getaffinity) */
	SK_CAP_DATA,     /* struct __user_cap_data_struct[2] (capget/capset data; SK_CAP is the header) */
	SK_SOCK_FPROG,   /* struct sock_fprog (seccomp filter: len and pointer) */
	SK_SIZE_T,       /* size_t (get_robust_list length) */
	SK_COUNT_
};

struct flag_name {
	uint64_t value;
	const char *name;
};

/* A set of flag or enum names; terminated by a NULL name. */
struct flag_table {
	const struct flag_name *names;
};

struct sys_arg {
	uint8_t kind;   /* enum arg_kind */
	uint8_t sk;     /* enum struct_kind for AK_STRUCT_* */
	int8_t aux;     /* argument index for lengths/counts, -1 if none */
	const struct flag_name *flags; /* AK_FLAGS / AK_ENUM */
};

/* How the result is printed. */
enum ret_kind {
	RK_INT = 0,  /* decimal, -1 ERRNO on failure */
	RK_FD,       /* a new descriptor */
	RK_HEX,      /* addresses: mmap, brk */
	RK_OCTAL,    /* umask */
	RK_NONE,     /* never returns (exit, exit_group): "= ?" */
	RK_FLAGS,    /* fcntl(F_GETFL) style results are handled by the printer */
	RK_SIGNO,    /* a signal number: "= 10 (SIGUSR1)" (rt_sigtimedwait) */
};

struct sys_entry {
	const char *name;
	uint32_t classes;   /* enum sys_class bits */
	uint8_t ret;        /* enum ret_kind */
	uint8_t nargs;
	struct sys_arg args[6];
};

/* The entry for a syscall name, or NULL. */
const struct sys_entry *sys_by_name(const char *name);

/* All entries, for iteration (class lookup, completeness checks). */
extern const struct sys_entry sys_entries[];
extern const unsigned sys_entry_count;

#include "arch/arch.h"

/*
 * The entry for an arch's syscall number, or NULL (unknown number, or no table row).
 * Safe from any thread: the first call for an arch builds its index under a mutex,
 * later calls are one array load.
 */
const struct sys_entry *sys_by_nr(const struct arch *a, uint32_t nr);
#endif
