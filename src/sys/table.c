/*
 * The rows of the syscall table, one line per call, in x86_64 number order.
 * Argument counts and classes are strace's (what it prints and how -e trace=%class
 * groups calls); argument kinds follow the kernel prototypes.
 */
#include "sys/table.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sys/flags.h"
#include "util/util.h"

#define ARG(k, s, x, f) { .kind = (k), .sk = (s), .aux = (x), .flags = (f) }
#define PLAIN(k) ARG(k, SK_NONE, -1, NULL)

#define INT PLAIN(AK_INT)
#define UINT PLAIN(AK_UINT)
#define LONG PLAIN(AK_LONG)
#define ULONG PLAIN(AK_ULONG)
#define HEX PLAIN(AK_HEX)
#define OCT PLAIN(AK_OCTAL)
#define PTR PLAIN(AK_PTR)
#define FD PLAIN(AK_FD)
#define DIRFD PLAIN(AK_DIRFD)
#define OFF PLAIN(AK_OFF)
#define SIGNO PLAIN(AK_SIGNO)
#define CLOCKID ARG(AK_CLOCKID, SK_NONE, -1, clock_names)
#define MODE_T ARG(AK_MODE_T, SK_NONE, -1, file_type_names)
#define DEV PLAIN(AK_DEV)
#define HIDDEN PLAIN(AK_HIDDEN)
#define PATH PLAIN(AK_PATH)
#define STR PLAIN(AK_STR)
#define ARGV PLAIN(AK_STR_ARRAY)
#define OFLAGS ARG(AK_OPEN_FLAGS, SK_NONE, -1, open_flag_names)
#define FLAGS(t) ARG(AK_FLAGS, SK_NONE, -1, t)
#define ENUM(t) ARG(AK_ENUM, SK_NONE, -1, t)
#define BUF_IN(n) ARG(AK_BUF_IN, SK_NONE, n, NULL)
#define BUF_OUT(n) ARG(AK_BUF_OUT, SK_NONE, n, NULL)
#define IOV_IN(n) ARG(AK_IOV_IN, SK_NONE, n, NULL)
#define IOV_OUT(n) ARG(AK_IOV_OUT, SK_NONE, n, NULL)
#define STR_OUT(n) ARG(AK_STR_OUT, SK_NONE, n, NULL)
#define PATH_OUT(n) ARG(AK_PATH_OUT, SK_NONE, n, NULL)
#define IN(s) ARG(AK_STRUCT_IN, SK_##s, -1, NULL)
#define OUT(s) ARG(AK_STRUCT_OUT, SK_##s, -1, NULL)
#define INOUT(s) ARG(AK_STRUCT_INOUT, SK_##s, -1, NULL)
#define IN_N(s, n) ARG(AK_STRUCT_IN, SK_##s, n, NULL)
#define OUT_N(s, n) ARG(AK_STRUCT_OUT, SK_##s, n, NULL)
#define INOUT_N(s, n) ARG(AK_STRUCT_INOUT, SK_##s, n, NULL)
#define SIGSET_IN(n) IN_N(SIGSET, n)
#define SOCKADDR_IN(n) IN_N(SOCKADDR, n)
#define SOCKADDR_OUT(n) OUT_N(SOCKADDR_OUT, n)
#define SOCK_TYPE PLAIN(AK_SOCK_TYPE)
#define SOCK_PROTO(n) ARG(AK_SOCK_PROTO, SK_NONE, n, NULL)
#define AT_FLAGS FLAGS(at_flag_names)
#define PROT FLAGS(mmap_prot_names)
#define MSG_FLAGS FLAGS(msg_flag_names)

/* strace's classes, by the short names its syscall lists use */
#define TF SC_FILE
#define TD SC_DESC
#define TN SC_NETWORK
#define TP SC_PROCESS
#define TM SC_MEMORY
#define TS SC_SIGNAL
#define TI SC_IPC
#define TC SC_CREDS
#define TCL SC_CLOCK
#define PU SC_PURE
#define TST (SC_STAT | SC_STAT_PATH)
#define TLST (SC_STAT | SC_LSTAT)
#define TFST (SC_STAT | SC_FSTAT)
#define TSF (SC_STATFS_ANY | SC_STATFS)
#define TFSF (SC_STATFS_ANY | SC_FSTATFS)
#define TSFA SC_STATFS_ANY
#define NC 0

#define NARGS(...) (sizeof((struct sys_arg[]){ __VA_ARGS__ }) / sizeof(struct sys_arg))
#define SYS(name, cls, ret, ...) { #name, (cls), (ret), NARGS(__VA_ARGS__), { __VA_ARGS__ } }
#define SYS0(name, cls, ret) { #name, (cls), (ret), 0, { PLAIN(AK_NONE) } }

const struct sys_entry sys_entries[] = {
	SYS(read, TD, RK_INT, FD, BUF_OUT(2), ULONG),
	SYS(write, TD, RK_INT, FD, BUF_IN(2), ULONG),
	SYS(open, TD | TF, RK_FD, PATH, OFLAGS, OCT),
	SYS(close, TD, RK_INT, FD),
	SYS(stat, TF | TST, RK_INT, PATH, OUT(STAT)),
	SYS(fstat, TD | TFST, RK_INT, FD, OUT(STAT)),
	SYS(lstat, TF | TLST, RK_INT, PATH, OUT(STAT)),
	SYS(poll, TD, RK_INT, INOUT_N(POLLFDS, 1), UINT, INT),
	SYS(lseek, TD, RK_INT, FD, OFF, ENUM(seek_whence_names)),
	SYS(mmap, TD | TM, RK_HEX, PTR, ULONG, PROT, FLAGS(mmap_flag_names), FD, HEX),
	SYS(mprotect, TM, RK_INT, PTR, ULONG, PROT),
	SYS(munmap, TM, RK_INT, PTR, ULONG),
	SYS(brk, TM, RK_HEX, PTR),
	SYS(rt_sigaction, TS, RK_INT, SIGNO, IN_N(SIGACTION, 3), OUT_N(SIGACTION, 3), ULONG),
	SYS(rt_sigprocmask, TS, RK_INT, ENUM(sigprocmask_how_names), SIGSET_IN(3), OUT_N(SIGSET, 3), ULONG),
	SYS(rt_sigreturn, TS, RK_INT, PLAIN(AK_SIGFRAME_MASK)),
	SYS(ioctl, TD, RK_INT, FD, ARG(AK_WHICH_IOCTL, SK_NONE, -1, ioctl_request_names), ARG(AK_IOCTL_ARG, SK_NONE, 1, NULL)),
	SYS(pread64, TD, RK_INT, FD, BUF_OUT(2), ULONG, OFF),
	SYS(pwrite64, TD, RK_INT, FD, BUF_IN(2), ULONG, OFF),
	SYS(readv, TD, RK_INT, FD, IOV_OUT(2), INT),
	SYS(writev, TD, RK_INT, FD, IOV_IN(2), INT),
	SYS(access, TF, RK_INT, PATH, FLAGS(access_mode_names)),
	SYS(pipe, TD, RK_INT, OUT(FDPAIR)),
	SYS(select, TD, RK_INT, INT, INOUT_N(FDSET, 0), INOUT_N(FDSET, 0), INOUT_N(FDSET, 0), INOUT(TIMEVAL)),
	SYS0(sched_yield, NC, RK_INT),
	SYS(mremap, TM, RK_HEX, PTR, ULONG, ULONG, FLAGS(mremap_flag_names), PTR),
	SYS(msync, TM, RK_INT, PTR, ULONG, FLAGS(msync_flag_names)),
	SYS(mincore, TM, RK_INT, PTR, ULONG, PTR),
	SYS(madvise, TM, RK_INT, PTR, ULONG, ENUM(madvise_names)),
	SYS(shmget, TI, RK_INT, HEX, ULONG, OCT),
	SYS(shmat, TI | TM, RK_HEX, INT, PTR, HEX),
	SYS(shmctl, TI, RK_INT, INT, ENUM(ipc_cmd_names), PTR),
	SYS(dup, TD, RK_FD, FD),
	SYS(dup2, TD, RK_FD, FD, FD),
	SYS0(pause, TS, RK_INT),
	SYS(nanosleep, NC, RK_INT, IN(TIMESPEC), OUT(TIMESPEC)),
	SYS(getitimer, NC, RK_INT, ENUM(itimer_which_names), OUT(ITIMERVAL)),
	SYS(alarm, NC, RK_INT, UINT),
	SYS(setitimer, NC, RK_INT, ENUM(itimer_which_names), IN(ITIMERVAL), OUT(ITIMERVAL)),
	SYS0(getpid, PU, RK_INT),
	SYS(sendfile, TD | TN, RK_INT, FD, FD, INOUT(UINT64), ULONG),
	SYS(socket, TN, RK_FD, ENUM(socket_domain_names), SOCK_TYPE, SOCK_PROTO(0)),
	SYS(connect, TN, RK_INT, FD, SOCKADDR_IN(2), UINT),
	SYS(accept, TN, RK_FD, FD, SOCKADDR_OUT(2), INOUT(SOCKLEN)),
	SYS(sendto, TN, RK_INT, FD, BUF_IN(2), ULONG, MSG_FLAGS, SOCKADDR_IN(5), UINT),
	SYS(recvfrom, TN, RK_INT, FD, BUF_OUT(2), ULONG, MSG_FLAGS, SOCKADDR_OUT(5), INOUT(SOCKLEN)),
	SYS(sendmsg, TN, RK_INT, FD, IN(MSGHDR), MSG_FLAGS),
	SYS(recvmsg, TN, RK_INT, FD, INOUT(MSGHDR), MSG_FLAGS),
	SYS(shutdown, TN, RK_INT, FD, ENUM(shutdown_how_names)),
	SYS(bind, TN, RK_INT, FD, SOCKADDR_IN(2), UINT),
	SYS(listen, TN, RK_INT, FD, INT),
	SYS(getsockname, TN, RK_INT, FD, SOCKADDR_OUT(2), INOUT(SOCKLEN)),
	SYS(getpeername, TN, RK_INT, FD, SOCKADDR_OUT(2), INOUT(SOCKLEN)),
	SYS(socketpair, TN, RK_INT, ENUM(socket_domain_names), SOCK_TYPE, SOCK_PROTO(0), OUT(FDPAIR)),
	SYS(setsockopt, TN, RK_INT, FD, ENUM(socket_level_names), ARG(AK_SOCKOPT_NAME, SK_NONE, 1, NULL), IN_N(SOCKOPT, 4), UINT),
	SYS(getsockopt, TN, RK_INT, FD, ENUM(socket_level_names), ARG(AK_SOCKOPT_NAME, SK_NONE, 1, NULL), OUT_N(SOCKOPT, 4), INOUT(SOCKLEN)),
	SYS(clone, TP, RK_INT, ARG(AK_CLONE_FLAGS, SK_NONE, -1, clone_flag_names), PTR, OUT(INT), PTR, PTR),
	SYS0(fork, TP, RK_INT),
	SYS0(vfork, TP, RK_INT),
	SYS(execve, TF | TP, RK_INT, PATH, ARGV, ARGV),
	SYS(exit, TP, RK_NONE, INT),
	SYS(wait4, TP, RK_INT, INT, OUT(WAIT_STATUS), FLAGS(wait_option_names), OUT(RUSAGE)),
	SYS(kill, TP | TS, RK_INT, INT, SIGNO),
	SYS(uname, NC, RK_INT, OUT(UTSNAME)),
	SYS(semget, TI, RK_INT, HEX, INT, OCT),
	SYS(semop, TI, RK_INT, INT, IN_N(SEMBUF, 2), UINT),
	SYS(semctl, TI, RK_INT, INT, INT, ENUM(ipc_cmd_names), HEX),
	SYS(shmdt, TI | TM, RK_INT, PTR),
	SYS(msgget, TI, RK_INT, HEX, OCT),
	SYS(msgsnd, TI, RK_INT, INT, PTR, ULONG, HEX),
	SYS(msgrcv, TI, RK_INT, INT, PTR, ULONG, LONG, HEX),
	SYS(msgctl, TI, RK_INT, INT, ENUM(ipc_cmd_names), PTR),
	SYS(fcntl, TD, RK_INT, FD, ARG(AK_FCNTL_CMD, SK_NONE, -1, fcntl_cmd_names), ARG(AK_FCNTL_ARG, SK_NONE, 1, NULL)),
	SYS(flock, TD, RK_INT, FD, FLAGS(flock_op_names)),
	SYS(fsync, TD, RK_INT, FD),
	SYS(fdatasync, TD, RK_INT, FD),
	SYS(truncate, TF, RK_INT, PATH, OFF),
	SYS(ftruncate, TD, RK_INT, FD, OFF),
	SYS(getdents, TD, RK_INT, FD, OUT(LINUX_DIRENT), UINT),
	SYS(getcwd, TF, RK_INT, PATH_OUT(1), ULONG),
	SYS(chdir, TF, RK_INT, PATH),
	SYS(fchdir, TD, RK_INT, FD),
	SYS(rename, TF, RK_INT, PATH, PATH),
	SYS(mkdir, TF, RK_INT, PATH, OCT),
	SYS(rmdir, TF, RK_INT, PATH),
	SYS(creat, TD | TF, RK_FD, PATH, OCT),
	SYS(link, TF, RK_INT, PATH, PATH),
	SYS(unlink, TF, RK_INT, PATH),
	SYS(symlink, TF, RK_INT, PATH, PATH),
	SYS(readlink, TF, RK_INT, PATH, STR_OUT(2), ULONG),
	SYS(chmod, TF, RK_INT, PATH, OCT),
	SYS(fchmod, TD, RK_INT, FD, OCT),
	SYS(chown, TF, RK_INT, PATH, INT, INT),
	SYS(fchown, TD, RK_INT, FD, INT, INT),
	SYS(lchown, TF, RK_INT, PATH, INT, INT),
	SYS(umask, NC, RK_OCTAL, OCT),
	SYS(gettimeofday, TCL, RK_INT, OUT(TIMEVAL), OUT(TIMEZONE)),
	SYS(getrlimit, NC, RK_INT, ENUM(rlimit_names), OUT(RLIMIT)),
	SYS(getrusage, NC, RK_INT, ENUM(rusage_who_names), OUT(RUSAGE)),
	SYS(sysinfo, NC, RK_INT, OUT(SYSINFO)),
	SYS(times, NC, RK_INT, OUT(TMS)),
	SYS(ptrace, NC, RK_INT, ENUM(ptrace_request_names), INT, PTR, PTR),
	SYS0(getuid, TC | PU, RK_INT),
	SYS(syslog, NC, RK_INT, INT, PTR, INT),
	SYS0(getgid, TC | PU, RK_INT),
	SYS(setuid, TC, RK_INT, INT),
	SYS(setgid, TC, RK_INT, INT),
	SYS0(geteuid, TC | PU, RK_INT),
	SYS0(getegid, TC | PU, RK_INT),
	SYS(setpgid, NC, RK_INT, INT, INT),
	SYS0(getppid, PU, RK_INT),
	SYS0(getpgrp, PU, RK_INT),
	SYS0(setsid, NC, RK_INT),
	SYS(setreuid, TC, RK_INT, INT, INT),
	SYS(setregid, TC, RK_INT, INT, INT),
	SYS(getgroups, TC, RK_INT, INT, OUT_N(INT_ARRAY, 0)),
	SYS(setgroups, TC, RK_INT, INT, IN_N(INT_ARRAY, 0)),
	SYS(setresuid, TC, RK_INT, INT, INT, INT),
	SYS(getresuid, TC, RK_INT, OUT(INT), OUT(INT), OUT(INT)),
	SYS(setresgid, TC, RK_INT, INT, INT, INT),
	SYS(getresgid, TC, RK_INT, OUT(INT), OUT(INT), OUT(INT)),
	SYS(getpgid, NC, RK_INT, INT),
	SYS(setfsuid, TC, RK_INT, INT),
	SYS(setfsgid, TC, RK_INT, INT),
	SYS(getsid, NC, RK_INT, INT),
	SYS(capget, TC, RK_INT, IN(CAP), OUT(CAP_DATA)),
	SYS(capset, TC, RK_INT, IN(CAP), IN(CAP_DATA)),
	SYS(rt_sigpending, TS, RK_INT, OUT_N(SIGSET, 1), ULONG),
	SYS(rt_sigtimedwait, TS, RK_SIGNO, SIGSET_IN(3), OUT(SIGINFO), IN(TIMESPEC), ULONG),
	SYS(rt_sigqueueinfo, TP | TS, RK_INT, INT, SIGNO, IN(SIGINFO)),
	SYS(rt_sigsuspend, TS, RK_INT, SIGSET_IN(1), ULONG),
	SYS(sigaltstack, TS, RK_INT, IN(STACK), OUT(STACK)),
	SYS(utime, TF, RK_INT, PATH, IN(UTIMBUF)),
	SYS(mknod, TF, RK_INT, PATH, MODE_T, DEV),
	SYS(uselib, TF, RK_INT, PATH),
	SYS(personality, NC, RK_INT, ENUM(personality_names)),
	SYS(ustat, TSFA, RK_INT, DEV, PTR),
	SYS(statfs, TF | TSF, RK_INT, PATH, OUT(STATFS)),
	SYS(fstatfs, TD | TFSF, RK_INT, FD, OUT(STATFS)),
	SYS(sysfs, NC, RK_INT, INT, HEX, HEX),
	SYS(getpriority, NC, RK_INT, ENUM(priority_which_names), INT),
	SYS(setpriority, NC, RK_INT, ENUM(priority_which_names), INT, INT),
	SYS(sched_setparam, NC, RK_INT, INT, IN(SCHED_PARAM)),
	SYS(sched_getparam, NC, RK_INT, INT, OUT(SCHED_PARAM)),
	SYS(sched_setscheduler, NC, RK_INT, INT, ENUM(sched_policy_names), IN(SCHED_PARAM)),
	SYS(sched_getscheduler, NC, RK_INT, INT),
	SYS(sched_get_priority_max, NC, RK_INT, ENUM(sched_policy_names)),
	SYS(sched_get_priority_min, NC, RK_INT, ENUM(sched_policy_names)),
	SYS(sched_rr_get_interval, NC, RK_INT, INT, OUT(TIMESPEC)),
	SYS(mlock, TM, RK_INT, PTR, ULONG),
	SYS(munlock, TM, RK_INT, PTR, ULONG),
	SYS(mlockall, TM, RK_INT, FLAGS(mlockall_flag_names)),
	SYS0(munlockall, TM, RK_INT),
	SYS0(vhangup, NC, RK_INT),
	SYS(modify_ldt, NC, RK_INT, INT, PTR, ULONG),
	SYS(pivot_root, TF, RK_INT, PATH, PATH),
	SYS(_sysctl, NC, RK_INT, PTR),
	SYS(prctl, TC, RK_INT, ENUM(prctl_option_names), ARG(AK_PRCTL_ARG, SK_NONE, 0, NULL), HEX, HEX, HEX),
	SYS(arch_prctl, NC, RK_INT, ENUM(arch_prctl_names), HEX),
	SYS(adjtimex, TCL, RK_INT, INOUT(TIMEX)),
	SYS(setrlimit, NC, RK_INT, ENUM(rlimit_names), IN(RLIMIT)),
	SYS(chroot, TF, RK_INT, PATH),
	SYS0(sync, NC, RK_INT),
	SYS(acct, TF, RK_INT, PATH),
	SYS(settimeofday, TCL, RK_INT, IN(TIMEVAL), IN(TIMEZONE)),
	SYS(mount, TF, RK_INT, PATH, PATH, STR, FLAGS(mount_flag_names), STR),
	SYS(umount2, TF, RK_INT, PATH, FLAGS(umount_flag_names)),
	SYS(swapon, TF, RK_INT, PATH, HEX),
	SYS(swapoff, TF, RK_INT, PATH),
	SYS(reboot, NC, RK_INT, HEX, HEX, HEX, PTR),
	SYS(sethostname, NC, RK_INT, BUF_IN(1), ULONG),
	SYS(setdomainname, NC, RK_INT, BUF_IN(1), ULONG),
	SYS(iopl, NC, RK_INT, INT),
	SYS(ioperm, NC, RK_INT, ULONG, ULONG, INT),
	SYS(create_module, NC, RK_INT, HEX, HEX),
	SYS(init_module, NC, RK_INT, PTR, ULONG, STR),
	SYS(delete_module, NC, RK_INT, STR, HEX),
	SYS(get_kernel_syms, NC, RK_INT, HEX),
	SYS(query_module, NC, RK_INT, HEX, HEX, HEX, HEX, HEX),
	SYS(quotactl, TF, RK_INT, HEX, PATH, INT, PTR),
	SYS(nfsservctl, NC, RK_INT, HEX, HEX, HEX),
	SYS(getpmsg, TN, RK_INT, HEX, HEX, HEX, HEX, HEX),
	SYS(putpmsg, TN, RK_INT, HEX, HEX, HEX, HEX, HEX),
	SYS(afs_syscall, NC, RK_INT, HEX, HEX, HEX, HEX, HEX),
	SYS(tuxcall, NC, RK_INT, HEX, HEX, HEX),
	SYS(security, NC, RK_INT, HEX, HEX, HEX),
	SYS0(gettid, PU, RK_INT),
	SYS(readahead, TD, RK_INT, FD, OFF, ULONG),
	SYS(setxattr, TF, RK_INT, PATH, STR, BUF_IN(3), ULONG, FLAGS(xattr_flag_names)),
	SYS(lsetxattr, TF, RK_INT, PATH, STR, BUF_IN(3), ULONG, FLAGS(xattr_flag_names)),
	SYS(fsetxattr, TD, RK_INT, FD, STR, BUF_IN(3), ULONG, FLAGS(xattr_flag_names)),
	SYS(getxattr, TF, RK_INT, PATH, STR, BUF_OUT(3), ULONG),
	SYS(lgetxattr, TF, RK_INT, PATH, STR, BUF_OUT(3), ULONG),
	SYS(fgetxattr, TD, RK_INT, FD, STR, BUF_OUT(3), ULONG),
	SYS(listxattr, TF, RK_INT, PATH, BUF_OUT(2), ULONG),
	SYS(llistxattr, TF, RK_INT, PATH, BUF_OUT(2), ULONG),
	SYS(flistxattr, TD, RK_INT, FD, BUF_OUT(2), ULONG),
	SYS(removexattr, TF, RK_INT, PATH, STR),
	SYS(lremovexattr, TF, RK_INT, PATH, STR),
	SYS(fremovexattr, TD, RK_INT, FD, STR),
	SYS(tkill, TP | TS, RK_INT, INT, SIGNO),
	SYS(time, TCL, RK_INT, OUT(UINT64)),
	SYS(futex, NC, RK_INT, PTR, ARG(AK_FUTEX_OP, SK_NONE, -1, futex_op_names), UINT, ARG(AK_FUTEX_TIMEOUT, SK_NONE, 1, NULL), PTR, HEX),
	SYS(sched_setaffinity, NC, RK_INT, INT, UINT, IN_N(CPU_SET, 1)),
	SYS(sched_getaffinity, NC, RK_INT, INT, UINT, OUT_N(CPU_SET, 1)),
	SYS(set_thread_area, NC, RK_INT, PTR),
	SYS(io_setup, TM, RK_INT, UINT, OUT(UINT64)),
	SYS(io_destroy, TM, RK_INT, PTR),
	SYS(io_getevents, NC, RK_INT, PTR, LONG, LONG, PTR, IN(TIMESPEC)),
	SYS(io_submit, NC, RK_INT, PTR, LONG, PTR),
	SYS(io_cancel, NC, RK_INT, PTR, PTR, PTR),
	SYS(get_thread_area, NC, RK_INT, PTR),
	SYS(lookup_dcookie, NC, RK_INT, ULONG, PTR, ULONG),
	SYS(epoll_create, TD, RK_FD, INT),
	SYS(epoll_ctl_old, NC, RK_INT, HEX, HEX, HEX, HEX),
	SYS(epoll_wait_old, NC, RK_INT, HEX, HEX, HEX, HEX),
	SYS(remap_file_pages, TM, RK_INT, PTR, ULONG, PROT, ULONG, FLAGS(mmap_flag_names)),
	SYS(getdents64, TD, RK_INT, FD, OUT(DIRENTS), UINT),
	SYS(set_tid_address, NC, RK_INT, HEX),
	SYS0(restart_syscall, NC, RK_INT),
	SYS(semtimedop, TI, RK_INT, INT, IN_N(SEMBUF, 2), UINT, IN(TIMESPEC)),
	SYS(fadvise64, TD, RK_INT, FD, OFF, ULONG, ENUM(fadvise_names)),
	SYS(timer_create, NC, RK_INT, CLOCKID, IN(SIGEVENT), OUT(INT)),
	SYS(timer_settime, NC, RK_INT, INT, FLAGS(timer_flag_names), IN(ITIMERSPEC), OUT(ITIMERSPEC)),
	SYS(timer_gettime, NC, RK_INT, INT, OUT(ITIMERSPEC)),
	SYS(timer_getoverrun, NC, RK_INT, INT),
	SYS(timer_delete, NC, RK_INT, INT),
	SYS(clock_settime, TCL, RK_INT, CLOCKID, IN(TIMESPEC)),
	SYS(clock_gettime, TCL, RK_INT, CLOCKID, OUT(TIMESPEC)),
	SYS(clock_getres, TCL, RK_INT, CLOCKID, OUT(TIMESPEC)),
	SYS(clock_nanosleep, NC, RK_INT, CLOCKID, FLAGS(timer_flag_names), IN(TIMESPEC), OUT(TIMESPEC)),
	SYS(exit_group, TP, RK_NONE, INT),
	SYS(epoll_wait, TD, RK_INT, FD, OUT(EPOLL_EVENTS), INT, INT),
	SYS(epoll_ctl, TD, RK_INT, FD, ENUM(epoll_ctl_op_names), FD, IN(EPOLL_EVENT)),
	SYS(tgkill, TP | TS, RK_INT, INT, INT, SIGNO),
	SYS(utimes, TF, RK_INT, PATH, IN(TIMEVAL_PAIR)),
	SYS(vserver, NC, RK_INT, HEX, HEX, HEX, HEX, HEX),
	SYS(mbind, TM, RK_INT, PTR, ULONG, HEX, PTR, ULONG, HEX),
	SYS(set_mempolicy, TM, RK_INT, HEX, PTR, ULONG),
	SYS(get_mempolicy, TM, RK_INT, PTR, PTR, ULONG, PTR, HEX),
	SYS(mq_open, TD, RK_FD, STR, OFLAGS, OCT, IN(MQ_ATTR)),
	SYS(mq_unlink, NC, RK_INT, STR),
	SYS(mq_timedsend, TD, RK_INT, FD, BUF_IN(2), ULONG, UINT, IN(TIMESPEC)),
	SYS(mq_timedreceive, TD, RK_INT, FD, BUF_OUT(2), ULONG, OUT(INT), IN(TIMESPEC)),
	SYS(mq_notify, TD, RK_INT, FD, IN(SIGEVENT)),
	SYS(mq_getsetattr, TD, RK_INT, FD, IN(MQ_ATTR), OUT(MQ_ATTR)),
	SYS(kexec_load, NC, RK_INT, HEX, ULONG, PTR, HEX),
	SYS(waitid, TP, RK_INT, ENUM(waitid_type_names), INT, OUT(SIGINFO), FLAGS(wait_option_names), OUT(RUSAGE)),
	SYS(add_key, NC, RK_INT, STR, STR, BUF_IN(3), ULONG, INT),
	SYS(request_key, NC, RK_INT, STR, STR, STR, INT),
	SYS(keyctl, NC, RK_INT, INT, HEX, HEX, HEX, HEX),
	SYS(ioprio_set, NC, RK_INT, INT, INT, INT),
	SYS(ioprio_get, NC, RK_INT, INT, INT),
	SYS0(inotify_init, TD, RK_FD),
	SYS(inotify_add_watch, TD | TF, RK_INT, FD, PATH, FLAGS(inotify_mask_names)),
	SYS(inotify_rm_watch, TD, RK_INT, FD, INT),
	SYS(migrate_pages, TM, RK_INT, INT, ULONG, PTR, PTR),
	SYS(openat, TD | TF, RK_FD, DIRFD, PATH, OFLAGS, OCT),
	SYS(mkdirat, TD | TF, RK_INT, DIRFD, PATH, OCT),
	SYS(mknodat, TD | TF, RK_INT, DIRFD, PATH, MODE_T, DEV),
	SYS(fchownat, TD | TF, RK_INT, DIRFD, PATH, INT, INT, AT_FLAGS),
	SYS(futimesat, TD | TF, RK_INT, DIRFD, PATH, IN(TIMEVAL_PAIR)),
	SYS(newfstatat, TD | TF | TFST, RK_INT, DIRFD, PATH, OUT(STAT), AT_FLAGS),
	SYS(unlinkat, TD | TF, RK_INT, DIRFD, PATH, AT_FLAGS),
	SYS(renameat, TD | TF, RK_INT, DIRFD, PATH, DIRFD, PATH),
	SYS(linkat, TD | TF, RK_INT, DIRFD, PATH, DIRFD, PATH, AT_FLAGS),
	SYS(symlinkat, TD | TF, RK_INT, PATH, DIRFD, PATH),
	SYS(readlinkat, TD | TF, RK_INT, DIRFD, PATH, STR_OUT(3), ULONG),
	SYS(fchmodat, TD | TF, RK_INT, DIRFD, PATH, OCT),
	SYS(faccessat, TD | TF, RK_INT, DIRFD, PATH, FLAGS(access_mode_names)),
	SYS(pselect6, TD, RK_INT, INT, INOUT_N(FDSET, 0), INOUT_N(FDSET, 0), INOUT_N(FDSET, 0), INOUT(TIMESPEC), IN(PSELECT_SIGMASK)),
	SYS(ppoll, TD, RK_INT, INOUT_N(POLLFDS, 1), UINT, INOUT(TIMESPEC), SIGSET_IN(4), ULONG),
	SYS(unshare, NC, RK_INT, FLAGS(clone_flag_names)),
	SYS(set_robust_list, NC, RK_INT, PTR, ULONG),
	SYS(get_robust_list, NC, RK_INT, INT, OUT(ROBUST_LIST), OUT(SIZE_T)),
	SYS(splice, TD, RK_INT, FD, INOUT(UINT64), FD, INOUT(UINT64), ULONG, FLAGS(splice_flag_names)),
	SYS(tee, TD, RK_INT, FD, FD, ULONG, FLAGS(splice_flag_names)),
	SYS(sync_file_range, TD, RK_INT, FD, OFF, OFF, HEX),
	SYS(vmsplice, TD, RK_INT, FD, IOV_IN(2), ULONG, FLAGS(splice_flag_names)),
	SYS(move_pages, TM, RK_INT, INT, ULONG, PTR, PTR, PTR, HEX),
	SYS(utimensat, TD | TF, RK_INT, DIRFD, PATH, IN(TIMESPEC_PAIR), AT_FLAGS),
	SYS(epoll_pwait, TD, RK_INT, FD, OUT(EPOLL_EVENTS), INT, INT, SIGSET_IN(5), ULONG),
	SYS(signalfd, TD | TS, RK_FD, FD, SIGSET_IN(2), ULONG),
	SYS(timerfd_create, TD, RK_FD, CLOCKID, FLAGS(timerfd_flag_names)),
	SYS(eventfd, TD, RK_FD, UINT),
	SYS(fallocate, TD, RK_INT, FD, FLAGS(fallocate_flag_names), OFF, OFF),
	SYS(timerfd_settime, TD, RK_INT, FD, FLAGS(timerfd_flag_names), IN(ITIMERSPEC), OUT(ITIMERSPEC)),
	SYS(timerfd_gettime, TD, RK_INT, FD, OUT(ITIMERSPEC)),
	SYS(accept4, TN, RK_FD, FD, SOCKADDR_OUT(2), INOUT(SOCKLEN), FLAGS(socket_type_flag_names)),
	SYS(signalfd4, TD | TS, RK_FD, FD, SIGSET_IN(2), ULONG, FLAGS(signalfd_flag_names)),
	SYS(eventfd2, TD, RK_FD, UINT, FLAGS(eventfd_flag_names)),
	SYS(epoll_create1, TD, RK_FD, FLAGS(epoll_create_flag_names)),
	SYS(dup3, TD, RK_FD, FD, FD, FLAGS(open_flag_names)),
	SYS(pipe2, TD, RK_INT, OUT(FDPAIR), FLAGS(open_flag_names)),
	SYS(inotify_init1, TD, RK_FD, FLAGS(inotify_init_flag_names)),
	SYS(preadv, TD, RK_INT, FD, IOV_OUT(2), INT, OFF),
	SYS(pwritev, TD, RK_INT, FD, IOV_IN(2), INT, OFF),
	SYS(rt_tgsigqueueinfo, TP | TS, RK_INT, INT, INT, SIGNO, IN(SIGINFO)),
	SYS(perf_event_open, TD, RK_FD, PTR, INT, INT, FD, HEX),
	SYS(recvmmsg, TN, RK_INT, FD, OUT_N(MMSGHDR, 2), UINT, MSG_FLAGS, INOUT(TIMESPEC)),
	SYS(fanotify_init, TD, RK_FD, HEX, OFLAGS),
	SYS(fanotify_mark, TD | TF, RK_INT, FD, HEX, HEX, DIRFD, PATH),
	SYS(prlimit64, NC, RK_INT, INT, ENUM(rlimit_names), IN(RLIMIT), OUT(RLIMIT)),
	SYS(name_to_handle_at, TD | TF, RK_INT, DIRFD, PATH, PTR, PTR, AT_FLAGS),
	SYS(open_by_handle_at, TD, RK_FD, FD, PTR, OFLAGS),
	SYS(clock_adjtime, TCL, RK_INT, CLOCKID, INOUT(TIMEX)),
	SYS(syncfs, TD, RK_INT, FD),
	SYS(sendmmsg, TN, RK_INT, FD, INOUT_N(MMSGHDR, 2), UINT, MSG_FLAGS),
	SYS(setns, TD, RK_INT, FD, FLAGS(clone_flag_names)),
	SYS(getcpu, NC, RK_INT, OUT(INT), OUT(INT), PTR),
	SYS(process_vm_readv, NC, RK_INT, INT, IOV_OUT(2), ULONG, PTR, ULONG, HEX),
	SYS(process_vm_writev, NC, RK_INT, INT, IOV_IN(2), ULONG, PTR, ULONG, HEX),
	SYS(kcmp, NC, RK_INT, INT, INT, INT, HEX, HEX),
	SYS(finit_module, TD, RK_INT, FD, STR, HEX),
	SYS(sched_setattr, NC, RK_INT, INT, IN(SCHED_ATTR), HEX),
	SYS(sched_getattr, NC, RK_INT, INT, OUT_N(SCHED_ATTR, 2), UINT, HEX),
	SYS(renameat2, TD | TF, RK_INT, DIRFD, PATH, DIRFD, PATH, FLAGS(rename_flag_names)),
	SYS(seccomp, NC, RK_INT, ENUM(seccomp_op_names), HEX, IN(SOCK_FPROG)),
	SYS(getrandom, NC, RK_INT, BUF_OUT(1), ULONG, FLAGS(getrandom_flag_names)),
	SYS(memfd_create, TD, RK_FD, STR, FLAGS(memfd_flag_names)),
	SYS(kexec_file_load, TD, RK_INT, FD, FD, ULONG, STR, HEX),
	SYS(bpf, TD, RK_INT, INT, PTR, UINT),
	SYS(execveat, TD | TF | TP, RK_INT, DIRFD, PATH, ARGV, ARGV, AT_FLAGS),
	SYS(userfaultfd, TD, RK_FD, FLAGS(open_flag_names)),
	SYS(membarrier, NC, RK_INT, INT, HEX, INT),
	SYS(mlock2, TM, RK_INT, PTR, ULONG, FLAGS(mlock2_flag_names)),
	SYS(copy_file_range, TD, RK_INT, FD, INOUT(UINT64), FD, INOUT(UINT64), ULONG, UINT),
	SYS(preadv2, TD, RK_INT, FD, IOV_OUT(2), INT, OFF, HIDDEN, HEX),
	SYS(pwritev2, TD, RK_INT, FD, IOV_IN(2), INT, OFF, HIDDEN, HEX),
	SYS(pkey_mprotect, TM, RK_INT, PTR, ULONG, PROT, INT),
	SYS(pkey_alloc, NC, RK_INT, HEX, HEX),
	SYS(pkey_free, NC, RK_INT, INT),
	SYS(statx, TD | TF | TFST, RK_INT, DIRFD, PATH, PLAIN(AK_STATX_FLAGS), FLAGS(statx_mask_names), OUT(STATX)),
	SYS(io_pgetevents, NC, RK_INT, PTR, LONG, LONG, PTR, IN(TIMESPEC), PTR),
	SYS(rseq, NC, RK_INT, PTR, HEX, HEX, HEX),
	SYS(pidfd_send_signal, TD | TP | TS, RK_INT, FD, SIGNO, IN(SIGINFO), UINT),
	SYS(io_uring_setup, TD, RK_FD, UINT, PTR),
	SYS(io_uring_enter, TD | TS, RK_INT, FD, UINT, UINT, UINT, PTR, ULONG),
	SYS(io_uring_register, TD | TM, RK_INT, FD, UINT, PTR, UINT),
	SYS(open_tree, TD | TF, RK_FD, DIRFD, PATH, HEX),
	SYS(move_mount, TD | TF, RK_INT, DIRFD, PATH, DIRFD, PATH, HEX),
	SYS(fsopen, TD, RK_FD, STR, HEX),
	SYS(fsconfig, TD | TF, RK_INT, FD, UINT, STR, PTR, INT),
	SYS(fsmount, TD, RK_FD, FD, HEX, HEX),
	SYS(fspick, TD | TF, RK_FD, DIRFD, PATH, HEX),
	SYS(pidfd_open, TD, RK_FD, INT, HEX),
	SYS(clone3, TP, RK_INT, IN_N(CLONE_ARGS, 1), ULONG),
	SYS(close_range, NC, RK_INT, UINT, UINT, FLAGS(close_range_flag_names)),
	SYS(openat2, TD | TF, RK_FD, DIRFD, PATH, IN_N(OPEN_HOW, 3), ULONG),
	SYS(pidfd_getfd, TD, RK_FD, FD, INT, UINT),
	SYS(faccessat2, TD | TF, RK_INT, DIRFD, PATH, FLAGS(access_mode_names), FLAGS(faccessat_flag_names)),
	SYS(process_madvise, TD, RK_INT, FD, PTR, ULONG, ENUM(madvise_names), UINT),
	SYS(epoll_pwait2, TD, RK_INT, FD, OUT(EPOLL_EVENTS), INT, IN(TIMESPEC), SIGSET_IN(5), ULONG),
	SYS(mount_setattr, TD | TF, RK_INT, DIRFD, PATH, HEX, PTR, ULONG),
	SYS(quotactl_fd, TD, RK_INT, FD, HEX, INT, PTR),
	SYS(landlock_create_ruleset, TD, RK_FD, PTR, ULONG, HEX),
	SYS(landlock_add_rule, TD, RK_INT, FD, INT, PTR, HEX),
	SYS(landlock_restrict_self, TD, RK_INT, FD, HEX),
	SYS(memfd_secret, TD, RK_FD, HEX),
	SYS(process_mrelease, TD, RK_INT, FD, UINT),
	SYS(futex_waitv, NC, RK_INT, PTR, UINT, HEX, IN(TIMESPEC), CLOCKID),
	SYS(set_mempolicy_home_node, TM, RK_INT, ULONG, ULONG, ULONG, HEX),
};

const unsigned sys_entry_count = sizeof(sys_entries) / sizeof(sys_entries[0]);

/*
 * Lookup indexes are built once, on first use, under pthread_once (by name) and a
 * mutex (by number, per arch), so lookups are safe from any thread; after the first
 * call a lookup is a binary search (by name) or one array load (by number).
 */
static const struct sys_entry **entries_by_name;
static pthread_once_t by_name_once = PTHREAD_ONCE_INIT;

static int compare_entry_names(const void *a, const void *b)
{
	const struct sys_entry *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static void build_name_index(void)
{
	entries_by_name = rp_calloc(sys_entry_count, sizeof(*entries_by_name));
	for (unsigned i = 0; i < sys_entry_count; i++)
		entries_by_name[i] = &sys_entries[i];
	qsort(entries_by_name, sys_entry_count, sizeof(*entries_by_name), compare_entry_names);
}

const struct sys_entry *sys_by_name(const char *name)
{
	if (!name)
		return NULL;
	pthread_once(&by_name_once, build_name_index);
	size_t lo = 0, hi = sys_entry_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, entries_by_name[mid]->name);
		if (c == 0)
			return entries_by_name[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

#define MAX_INDEXED_ARCHES 8

struct nr_index {
	const struct arch *arch;
	const struct sys_entry **rows; /* rows[nr], published last with release ordering */
};

static struct nr_index nr_indexes[MAX_INDEXED_ARCHES];
static pthread_mutex_t nr_index_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct sys_entry **find_nr_index(const struct arch *a)
{
	for (unsigned i = 0; i < MAX_INDEXED_ARCHES; i++) {
		const struct sys_entry **rows = __atomic_load_n(&nr_indexes[i].rows, __ATOMIC_ACQUIRE);
		if (!rows)
			return NULL;
		if (nr_indexes[i].arch == a)
			return rows;
	}
	return NULL;
}

static const struct sys_entry **build_nr_index(const struct arch *a)
{
	pthread_mutex_lock(&nr_index_lock);
	const struct sys_entry **rows = find_nr_index(a);
	if (!rows) {
		unsigned slot = 0;
		while (slot < MAX_INDEXED_ARCHES && nr_indexes[slot].rows)
			slot++;
		if (slot == MAX_INDEXED_ARCHES)
			rp_die(1, "more than %d syscall numberings in use", MAX_INDEXED_ARCHES);
		rows = rp_calloc(a->nr_count ? a->nr_count : 1, sizeof(*rows));
		for (unsigned nr = 0; nr < a->nr_count; nr++)
			rows[nr] = sys_by_name(a->names[nr]);
		nr_indexes[slot].arch = a;
		__atomic_store_n(&nr_indexes[slot].rows, rows, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&nr_index_lock);
	return rows;
}

const struct sys_entry *sys_by_nr(const struct arch *a, uint32_t nr)
{
	if (!a || nr >= a->nr_count)
		return NULL;
	const struct sys_entry **rows = find_nr_index(a);
	if (!rows)
		rows = build_nr_index(a);
	return rows[nr];
}
