/*
 * Flag and enum names of the x86_64 Linux ABI, spelled and ordered as strace
 * prints them. Every table ends with {0, NULL}. Flag tables list names in the
 * order strace joins them with '|'; an entry of value 0 names the zero value.
 */
#ifndef REPRISE_SYS_FLAGS_H
#define REPRISE_SYS_FLAGS_H

#include "sys/table.h"

/* files and descriptors */
extern const struct flag_name open_access_modes[];  /* O_RDONLY O_WRONLY O_RDWR O_ACCMODE (value & 3) */
extern const struct flag_name open_flag_names[];     /* O_CREAT... without the access mode */
extern const struct flag_name at_flag_names[];       /* AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|... */
extern const struct flag_name faccessat_flag_names[]; /* faccessat2: AT_SYMLINK_NOFOLLOW|AT_EACCESS|AT_EMPTY_PATH */
extern const struct flag_name statx_sync_names[];    /* AT_STATX_SYNC_AS_STAT... (flags & AT_STATX_SYNC_TYPE) */
extern const struct flag_name statx_mask_names[];    /* STATX_ALL, STATX_TYPE... */
extern const struct flag_name access_mode_names[];   /* F_OK R_OK W_OK X_OK */
extern const struct flag_name file_type_names[];     /* S_IFREG... (mode & S_IFMT) */
extern const struct flag_name fs_magic_names[];      /* statfs f_type: EXT2_SUPER_MAGIC... */
extern const struct flag_name statfs_flag_names[];   /* statfs f_flags: ST_VALID|ST_RELATIME... */
extern const struct flag_name seek_whence_names[];
extern const struct flag_name fcntl_cmd_names[];
extern const struct flag_name fd_flag_names[];       /* FD_CLOEXEC */
extern const struct flag_name flock_op_names[];      /* LOCK_SH... */
extern const struct flag_name fadvise_names[];       /* POSIX_FADV_* */
extern const struct flag_name fallocate_flag_names[];
extern const struct flag_name rename_flag_names[];
extern const struct flag_name splice_flag_names[];
extern const struct flag_name xattr_flag_names[];
extern const struct flag_name close_range_flag_names[];
extern const struct flag_name mount_flag_names[];    /* MS_* */
extern const struct flag_name umount_flag_names[];   /* MNT_FORCE... */
extern const struct flag_name inotify_mask_names[];  /* IN_ACCESS... */
extern const struct flag_name inotify_init_flag_names[];
extern const struct flag_name memfd_flag_names[];
extern const struct flag_name getrandom_flag_names[];
extern const struct flag_name ioctl_request_names[];

/* descriptors made by special calls */
extern const struct flag_name epoll_ctl_op_names[];
extern const struct flag_name epoll_event_names[];
extern const struct flag_name epoll_create_flag_names[];
extern const struct flag_name poll_event_names[];
extern const struct flag_name eventfd_flag_names[];
extern const struct flag_name timerfd_flag_names[];  /* timerfd_create and timerfd_settime */
extern const struct flag_name signalfd_flag_names[];

/* memory */
extern const struct flag_name mmap_prot_names[];
extern const struct flag_name mmap_flag_names[];     /* MAP_SHARED_VALIDATE, MAP_SHARED, MAP_PRIVATE share the low two bits */
extern const struct flag_name madvise_names[];
extern const struct flag_name msync_flag_names[];
extern const struct flag_name mremap_flag_names[];
extern const struct flag_name mlockall_flag_names[];
extern const struct flag_name mlock2_flag_names[];

/* network */
extern const struct flag_name socket_domain_names[];
extern const struct flag_name socket_type_names[];   /* SOCK_STREAM... (type & 0xf) */
extern const struct flag_name socket_type_flag_names[]; /* SOCK_CLOEXEC|SOCK_NONBLOCK (accept4 too) */
extern const struct flag_name ip_protocol_names[];   /* IPPROTO_* */
extern const struct flag_name netlink_protocol_names[];
extern const struct flag_name socket_level_names[];  /* SOL_SOCKET, SOL_IP, SOL_TCP... */
extern const struct flag_name sol_socket_option_names[];
extern const struct flag_name sol_ip_option_names[];
extern const struct flag_name sol_ipv6_option_names[];
extern const struct flag_name sol_tcp_option_names[];
extern const struct flag_name msg_flag_names[];
extern const struct flag_name shutdown_how_names[];
extern const struct flag_name scm_type_names[];      /* cmsg_type at SOL_SOCKET: SCM_RIGHTS... */
extern const struct flag_name ip_cmsg_type_names[];  /* cmsg_type at SOL_IP: IP_PKTINFO... */

/* The option name table for a setsockopt/getsockopt level, or NULL. */
const struct flag_name *sockopt_names_for_level(int level);
/* The protocol name table for a socket domain (IPPROTO_* for AF_INET/AF_INET6), or NULL. */
const struct flag_name *socket_protocol_names_for_domain(int domain);

/* processes and signals */
extern const struct flag_name clone_flag_names[];
extern const struct flag_name wait_option_names[];
extern const struct flag_name waitid_type_names[];   /* P_ALL... */
extern const struct flag_name signal_names[];        /* SIGHUP..SIGSYS (1..31); real-time ones are the printer's */
extern const struct flag_name sigprocmask_how_names[];
extern const struct flag_name sigaction_flag_names[];
extern const struct flag_name ss_flag_names[];       /* sigaltstack SS_ONSTACK... */
extern const struct flag_name rlimit_names[];
extern const struct flag_name rusage_who_names[];
extern const struct flag_name priority_which_names[];
extern const struct flag_name prctl_option_names[];
extern const struct flag_name arch_prctl_names[];
extern const struct flag_name futex_op_names[];      /* (op & FUTEX_CMD_MASK) */
extern const struct flag_name futex_op_flag_names[]; /* FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME */
extern const struct flag_name sched_policy_names[];
extern const struct flag_name sched_policy_flag_names[]; /* SCHED_RESET_ON_FORK */
extern const struct flag_name personality_names[];
extern const struct flag_name rseq_flag_names[];
extern const struct flag_name seccomp_op_names[];
extern const struct flag_name ptrace_request_names[];
extern const struct flag_name ipc_cmd_names[];       /* IPC_RMID... (shmctl, semctl, msgctl) */

/* time */
extern const struct flag_name clock_names[];         /* CLOCK_REALTIME... (static clock ids only) */
extern const struct flag_name timer_flag_names[];    /* TIMER_ABSTIME */
extern const struct flag_name itimer_which_names[];


/*
 * strace's text for a value none of `names` matches ("SEEK_???"), which it prints in a
 * comment after the number in hex; NULL for tables whose unknown values strace prints
 * as plain numbers.
 */
const char *flag_unknown_name(const struct flag_name *names);

#endif
