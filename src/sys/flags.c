#include "sys/flags.h"

#include <asm/prctl.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/futex.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rseq.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* A name whose value the system headers give. */
#define N(name) { (uint64_t)(name), #name }
/* A name the glibc headers lack or define differently from the kernel ABI on x86_64. */
#define V(value, name) { (uint64_t)(value), name }
#define END { 0, NULL }

const struct flag_name open_access_modes[] = {
	N(O_RDONLY), N(O_WRONLY), N(O_RDWR), N(O_ACCMODE), END,
};

/* glibc hides O_LARGEFILE (0 on 64-bit) and __O_SYNC/__O_TMPFILE, but the kernel bits exist and strace names them */
const struct flag_name open_flag_names[] = {
	N(O_CREAT), N(O_EXCL), N(O_NOCTTY), N(O_TRUNC), N(O_APPEND), N(O_NONBLOCK),
	V(04010000, "O_SYNC"), V(010000, "O_DSYNC"), N(O_DIRECT), V(0100000, "O_LARGEFILE"),
	N(O_NOFOLLOW), N(O_NOATIME), N(O_CLOEXEC), N(O_PATH), V(020200000, "O_TMPFILE"), V(020000000, "__O_TMPFILE"),
	V(020000, "FASYNC"), N(O_DIRECTORY), END,
};

const struct flag_name at_flag_names[] = {
	N(AT_SYMLINK_NOFOLLOW), N(AT_REMOVEDIR), N(AT_SYMLINK_FOLLOW), N(AT_NO_AUTOMOUNT), N(AT_EMPTY_PATH),
	V(0x8000, "AT_RECURSIVE"), END,
};

const struct flag_name faccessat_flag_names[] = {
	N(AT_SYMLINK_NOFOLLOW), N(AT_EACCESS), N(AT_EMPTY_PATH), END,
};

const struct flag_name statx_sync_names[] = {
	N(AT_STATX_SYNC_AS_STAT), N(AT_STATX_FORCE_SYNC), N(AT_STATX_DONT_SYNC), END,
};

const struct flag_name statx_mask_names[] = {
	V(0xfff, "STATX_ALL"), V(0x7ff, "STATX_BASIC_STATS"), V(0x1, "STATX_TYPE"), V(0x2, "STATX_MODE"),
	V(0x4, "STATX_NLINK"), V(0x8, "STATX_UID"), V(0x10, "STATX_GID"), V(0x20, "STATX_ATIME"),
	V(0x40, "STATX_MTIME"), V(0x80, "STATX_CTIME"), V(0x100, "STATX_INO"), V(0x200, "STATX_SIZE"),
	V(0x400, "STATX_BLOCKS"), V(0x800, "STATX_BTIME"), V(0x1000, "STATX_MNT_ID"), V(0x2000, "STATX_DIOALIGN"), END,
};

const struct flag_name access_mode_names[] = {
	N(F_OK), N(R_OK), N(W_OK), N(X_OK), END,
};

const struct flag_name file_type_names[] = {
	N(S_IFREG), N(S_IFSOCK), N(S_IFIFO), N(S_IFLNK), N(S_IFDIR), N(S_IFBLK), N(S_IFCHR), END,
};

/*
 * statfs f_type. EXT2_SUPER_MAGIC comes before EXT3/EXT4, which share its value, and
 * is the name strace prints for all three.
 */
const struct flag_name fs_magic_names[] = {
	N(ADFS_SUPER_MAGIC), N(AFFS_SUPER_MAGIC), N(AFS_SUPER_MAGIC), N(AUTOFS_SUPER_MAGIC), N(CEPH_SUPER_MAGIC),
	N(CODA_SUPER_MAGIC), N(CRAMFS_MAGIC), N(CRAMFS_MAGIC_WEND), N(DEBUGFS_MAGIC), N(SECURITYFS_MAGIC),
	N(SELINUX_MAGIC), N(SMACK_MAGIC), N(RAMFS_MAGIC), N(TMPFS_MAGIC), N(HUGETLBFS_MAGIC), N(SQUASHFS_MAGIC),
	N(ECRYPTFS_SUPER_MAGIC), N(EFS_SUPER_MAGIC), N(EROFS_SUPER_MAGIC_V1), N(EXT2_SUPER_MAGIC),
	N(XENFS_SUPER_MAGIC), N(BTRFS_SUPER_MAGIC), N(NILFS_SUPER_MAGIC), N(F2FS_SUPER_MAGIC), N(HPFS_SUPER_MAGIC),
	N(ISOFS_SUPER_MAGIC), N(JFFS2_SUPER_MAGIC), N(XFS_SUPER_MAGIC), N(PSTOREFS_MAGIC), N(EFIVARFS_MAGIC),
	N(HOSTFS_SUPER_MAGIC), N(OVERLAYFS_SUPER_MAGIC), N(FUSE_SUPER_MAGIC), N(MINIX_SUPER_MAGIC),
	N(MINIX_SUPER_MAGIC2), N(MINIX2_SUPER_MAGIC), N(MINIX2_SUPER_MAGIC2), N(MINIX3_SUPER_MAGIC),
	N(MSDOS_SUPER_MAGIC), N(EXFAT_SUPER_MAGIC), N(NCP_SUPER_MAGIC), N(NFS_SUPER_MAGIC), N(OCFS2_SUPER_MAGIC),
	N(OPENPROM_SUPER_MAGIC), N(QNX4_SUPER_MAGIC), N(QNX6_SUPER_MAGIC), N(AFS_FS_MAGIC), N(REISERFS_SUPER_MAGIC),
	N(SMB_SUPER_MAGIC), N(CIFS_SUPER_MAGIC), N(SMB2_SUPER_MAGIC), N(CGROUP_SUPER_MAGIC), N(CGROUP2_SUPER_MAGIC),
	N(STACK_END_MAGIC), N(TRACEFS_MAGIC), N(V9FS_MAGIC), N(BDEVFS_MAGIC), N(DAXFS_MAGIC), N(BINFMTFS_MAGIC),
	N(DEVPTS_SUPER_MAGIC), N(BINDERFS_SUPER_MAGIC), N(FUTEXFS_SUPER_MAGIC), N(PIPEFS_MAGIC),
	N(PROC_SUPER_MAGIC), N(SOCKFS_MAGIC), N(SYSFS_MAGIC), N(USBDEVICE_SUPER_MAGIC), N(MTD_INODE_FS_MAGIC),
	N(ANON_INODE_FS_MAGIC), N(BTRFS_TEST_MAGIC), N(NSFS_MAGIC), N(BPF_FS_MAGIC), N(AAFS_MAGIC), N(ZONEFS_MAGIC),
	N(UDF_SUPER_MAGIC), N(DMA_BUF_MAGIC), N(DEVMEM_MAGIC), N(SECRETMEM_MAGIC), END,
};

const struct flag_name statfs_flag_names[] = {
	V(0x20, "ST_VALID"), N(ST_RDONLY), N(ST_NOSUID), N(ST_NODEV), N(ST_NOEXEC), N(ST_SYNCHRONOUS), N(ST_MANDLOCK),
	N(ST_NOATIME), N(ST_NODIRATIME), N(ST_RELATIME), V(0x2000, "ST_NOSYMFOLLOW"), END,
};

const struct flag_name seek_whence_names[] = {
	N(SEEK_SET), N(SEEK_CUR), N(SEEK_END), N(SEEK_DATA), N(SEEK_HOLE), END,
};

const struct flag_name fcntl_cmd_names[] = {
	N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL), N(F_GETLK), N(F_SETLK), N(F_SETLKW),
	N(F_SETOWN), N(F_GETOWN), N(F_SETSIG), N(F_GETSIG), N(F_SETOWN_EX), N(F_GETOWN_EX),
	N(F_OFD_GETLK), N(F_OFD_SETLK), N(F_OFD_SETLKW), N(F_SETLEASE), N(F_GETLEASE), N(F_NOTIFY),
	N(F_DUPFD_CLOEXEC), N(F_SETPIPE_SZ), N(F_GETPIPE_SZ), N(F_ADD_SEALS), N(F_GET_SEALS),
	N(F_GET_RW_HINT), N(F_SET_RW_HINT), N(F_GET_FILE_RW_HINT), N(F_SET_FILE_RW_HINT), END,
};

const struct flag_name fd_flag_names[] = {
	N(FD_CLOEXEC), END,
};

const struct flag_name flock_op_names[] = {
	N(LOCK_SH), N(LOCK_EX), N(LOCK_NB), N(LOCK_UN), V(32, "LOCK_MAND"), V(192, "LOCK_RW"), END,
};

const struct flag_name fadvise_names[] = {
	N(POSIX_FADV_NORMAL), N(POSIX_FADV_RANDOM), N(POSIX_FADV_SEQUENTIAL), N(POSIX_FADV_WILLNEED),
	N(POSIX_FADV_DONTNEED), N(POSIX_FADV_NOREUSE), END,
};

const struct flag_name fallocate_flag_names[] = {
	N(FALLOC_FL_KEEP_SIZE), N(FALLOC_FL_PUNCH_HOLE), N(FALLOC_FL_NO_HIDE_STALE), N(FALLOC_FL_COLLAPSE_RANGE),
	N(FALLOC_FL_ZERO_RANGE), N(FALLOC_FL_INSERT_RANGE), N(FALLOC_FL_UNSHARE_RANGE), END,
};

const struct flag_name rename_flag_names[] = {
	N(RENAME_NOREPLACE), N(RENAME_EXCHANGE), N(RENAME_WHITEOUT), END,
};

const struct flag_name splice_flag_names[] = {
	N(SPLICE_F_MOVE), N(SPLICE_F_NONBLOCK), N(SPLICE_F_MORE), N(SPLICE_F_GIFT), END,
};

const struct flag_name xattr_flag_names[] = {
	N(XATTR_CREATE), N(XATTR_REPLACE), END,
};

const struct flag_name close_range_flag_names[] = {
	V(1u << 1, "CLOSE_RANGE_UNSHARE"), V(1u << 2, "CLOSE_RANGE_CLOEXEC"), END,
};

const struct flag_name mount_flag_names[] = {
	N(MS_RDONLY), N(MS_NOSUID), N(MS_NODEV), N(MS_NOEXEC), N(MS_SYNCHRONOUS), N(MS_REMOUNT),
	N(MS_MANDLOCK), N(MS_DIRSYNC), V(256, "MS_NOSYMFOLLOW"), N(MS_NOATIME), N(MS_NODIRATIME), N(MS_BIND),
	N(MS_MOVE), N(MS_REC), N(MS_SILENT), N(MS_POSIXACL), N(MS_UNBINDABLE), N(MS_PRIVATE), N(MS_SLAVE),
	N(MS_SHARED), N(MS_RELATIME), N(MS_KERNMOUNT), N(MS_I_VERSION), N(MS_STRICTATIME), N(MS_LAZYTIME),
	V(1u << 26, "MS_SUBMOUNT"), V(1u << 27, "MS_NOREMOTELOCK"), V(1u << 28, "MS_NOSEC"), V(1u << 29, "MS_BORN"),
	N(MS_ACTIVE), N(MS_NOUSER), END,
};

const struct flag_name umount_flag_names[] = {
	N(MNT_FORCE), N(MNT_DETACH), N(MNT_EXPIRE), N(UMOUNT_NOFOLLOW), END,
};

const struct flag_name inotify_mask_names[] = {
	N(IN_ACCESS), N(IN_MODIFY), N(IN_ATTRIB), N(IN_CLOSE_WRITE), N(IN_CLOSE_NOWRITE), N(IN_OPEN),
	N(IN_MOVED_FROM), N(IN_MOVED_TO), N(IN_CREATE), N(IN_DELETE), N(IN_DELETE_SELF), N(IN_MOVE_SELF),
	N(IN_UNMOUNT), N(IN_Q_OVERFLOW), N(IN_IGNORED), N(IN_ONLYDIR), N(IN_DONT_FOLLOW), N(IN_EXCL_UNLINK),
	V(0x10000000, "IN_MASK_CREATE"), N(IN_MASK_ADD), N(IN_ISDIR), N(IN_ONESHOT), END,
};

const struct flag_name inotify_init_flag_names[] = {
	N(IN_NONBLOCK), N(IN_CLOEXEC), END,
};

const struct flag_name memfd_flag_names[] = {
	N(MFD_CLOEXEC), N(MFD_ALLOW_SEALING), N(MFD_HUGETLB), END,
};

const struct flag_name getrandom_flag_names[] = {
	N(GRND_NONBLOCK), N(GRND_RANDOM), V(0x0004, "GRND_INSECURE"), END,
};

const struct flag_name ioctl_request_names[] = {
	N(TCGETS), N(TCSETS), N(TCSETSW), N(TCSETSF), N(TCGETA), N(TCSETA), N(TCSETAW), N(TCSETAF),
	N(TCSBRK), N(TCXONC), N(TCFLSH), N(TIOCEXCL), N(TIOCNXCL), N(TIOCSCTTY), N(TIOCGPGRP), N(TIOCSPGRP),
	N(TIOCOUTQ), N(TIOCSTI), N(TIOCGWINSZ), N(TIOCSWINSZ), N(TIOCMGET), N(TIOCMSET), N(FIONREAD),
	N(TIOCLINUX), N(TIOCCONS), N(FIONBIO), N(TIOCNOTTY), N(TIOCSETD), N(TIOCGETD), N(TIOCGSID),
	N(TIOCGPTN), N(TIOCSPTLCK), N(TIOCGPTPEER), N(FIONCLEX), N(FIOCLEX), N(FIOASYNC), N(FIOQSIZE),
	N(TIOCGPTLCK), N(TIOCGPKT), N(TIOCSIG), V(0x802c542a, "TCGETS2"), V(0x402c542b, "TCSETS2"),
	V(0x402c542c, "TCSETSW2"), V(0x402c542d, "TCSETSF2"), END,
};

const struct flag_name epoll_ctl_op_names[] = {
	N(EPOLL_CTL_ADD), N(EPOLL_CTL_DEL), N(EPOLL_CTL_MOD), END,
};

const struct flag_name epoll_event_names[] = {
	N(EPOLLIN), N(EPOLLPRI), N(EPOLLOUT), N(EPOLLERR), N(EPOLLHUP), V(0x20, "EPOLLNVAL"), N(EPOLLRDNORM),
	N(EPOLLRDBAND), N(EPOLLWRNORM), N(EPOLLWRBAND), N(EPOLLMSG), N(EPOLLRDHUP), N(EPOLLEXCLUSIVE),
	N(EPOLLWAKEUP), N(EPOLLONESHOT), N(EPOLLET), END,
};

const struct flag_name epoll_create_flag_names[] = {
	N(EPOLL_CLOEXEC), END,
};

const struct flag_name poll_event_names[] = {
	N(POLLIN), N(POLLPRI), N(POLLOUT), N(POLLERR), N(POLLHUP), N(POLLNVAL), N(POLLRDNORM), N(POLLRDBAND),
	N(POLLWRNORM), N(POLLWRBAND), N(POLLMSG), N(POLLREMOVE), N(POLLRDHUP), V(0x8000, "POLL_BUSY_LOOP"), END,
};

const struct flag_name eventfd_flag_names[] = {
	N(EFD_SEMAPHORE), N(EFD_CLOEXEC), N(EFD_NONBLOCK), END,
};

const struct flag_name timerfd_flag_names[] = {
	N(TFD_TIMER_ABSTIME), N(TFD_TIMER_CANCEL_ON_SET), N(TFD_CLOEXEC), N(TFD_NONBLOCK), END,
};

const struct flag_name signalfd_flag_names[] = {
	N(SFD_CLOEXEC), N(SFD_NONBLOCK), END,
};

const struct flag_name mmap_prot_names[] = {
	N(PROT_NONE), N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC), V(0x8, "PROT_SEM"), N(PROT_GROWSDOWN),
	N(PROT_GROWSUP), END,
};

const struct flag_name mmap_flag_names[] = {
	N(MAP_FILE), N(MAP_SHARED_VALIDATE), N(MAP_SHARED), N(MAP_PRIVATE), N(MAP_FIXED), N(MAP_ANONYMOUS),
	N(MAP_32BIT), N(MAP_NORESERVE), N(MAP_POPULATE), N(MAP_NONBLOCK), N(MAP_GROWSDOWN), N(MAP_DENYWRITE),
	N(MAP_EXECUTABLE), N(MAP_LOCKED), N(MAP_STACK), N(MAP_HUGETLB), N(MAP_SYNC), N(MAP_FIXED_NOREPLACE), END,
};

const struct flag_name madvise_names[] = {
	N(MADV_NORMAL), N(MADV_RANDOM), N(MADV_SEQUENTIAL), N(MADV_WILLNEED), N(MADV_DONTNEED), N(MADV_FREE),
	N(MADV_REMOVE), N(MADV_DONTFORK), N(MADV_DOFORK), N(MADV_MERGEABLE), N(MADV_UNMERGEABLE),
	N(MADV_HUGEPAGE), N(MADV_NOHUGEPAGE), N(MADV_DONTDUMP), N(MADV_DODUMP), N(MADV_WIPEONFORK),
	N(MADV_KEEPONFORK), N(MADV_COLD), N(MADV_PAGEOUT), V(22, "MADV_POPULATE_READ"),
	V(23, "MADV_POPULATE_WRITE"), V(24, "MADV_DONTNEED_LOCKED"), V(25, "MADV_COLLAPSE"), N(MADV_HWPOISON),
	V(101, "MADV_SOFT_OFFLINE"), END,
};

const struct flag_name msync_flag_names[] = {
	N(MS_SYNC), N(MS_ASYNC), N(MS_INVALIDATE), END,
};

const struct flag_name mremap_flag_names[] = {
	N(MREMAP_MAYMOVE), N(MREMAP_FIXED), V(4, "MREMAP_DONTUNMAP"), END,
};

const struct flag_name mlockall_flag_names[] = {
	N(MCL_CURRENT), N(MCL_FUTURE), V(4, "MCL_ONFAULT"), END,
};

const struct flag_name mlock2_flag_names[] = {
	V(1, "MLOCK_ONFAULT"), END,
};

const struct flag_name socket_domain_names[] = {
	N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_AX25), N(AF_IPX), N(AF_APPLETALK), N(AF_NETROM),
	N(AF_BRIDGE), N(AF_ATMPVC), N(AF_X25), N(AF_INET6), N(AF_ROSE), N(AF_DECnet), N(AF_NETBEUI),
	N(AF_SECURITY), N(AF_KEY), N(AF_NETLINK), N(AF_PACKET), N(AF_ASH), N(AF_ECONET), N(AF_ATMSVC),
	N(AF_RDS), N(AF_SNA), N(AF_IRDA), N(AF_PPPOX), N(AF_WANPIPE), N(AF_LLC), N(AF_IB), N(AF_MPLS),
	N(AF_CAN), N(AF_TIPC), N(AF_BLUETOOTH), N(AF_IUCV), N(AF_RXRPC), N(AF_ISDN), N(AF_PHONET),
	N(AF_IEEE802154), N(AF_CAIF), N(AF_ALG), N(AF_NFC), N(AF_VSOCK), N(AF_KCM), N(AF_QIPCRTR), N(AF_SMC),
	N(AF_XDP), V(45, "AF_MCTP"), END,
};

const struct flag_name socket_type_names[] = {
	N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_RDM), N(SOCK_SEQPACKET), N(SOCK_DCCP),
	N(SOCK_PACKET), END,
};

const struct flag_name socket_type_flag_names[] = {
	N(SOCK_CLOEXEC), N(SOCK_NONBLOCK), END,
};

const struct flag_name ip_protocol_names[] = {
	N(IPPROTO_IP), N(IPPROTO_ICMP), N(IPPROTO_IGMP), N(IPPROTO_IPIP), N(IPPROTO_TCP), N(IPPROTO_EGP),
	N(IPPROTO_PUP), N(IPPROTO_UDP), N(IPPROTO_IDP), N(IPPROTO_TP), N(IPPROTO_DCCP), N(IPPROTO_IPV6),
	N(IPPROTO_ROUTING), N(IPPROTO_FRAGMENT), N(IPPROTO_RSVP), N(IPPROTO_GRE), N(IPPROTO_ESP), N(IPPROTO_AH),
	N(IPPROTO_ICMPV6), N(IPPROTO_NONE), N(IPPROTO_DSTOPTS), N(IPPROTO_MTP), N(IPPROTO_ENCAP), N(IPPROTO_PIM),
	N(IPPROTO_COMP), N(IPPROTO_SCTP), N(IPPROTO_MH), N(IPPROTO_UDPLITE), N(IPPROTO_MPLS), N(IPPROTO_ETHERNET),
	N(IPPROTO_RAW), N(IPPROTO_MPTCP), END,
};

const struct flag_name netlink_protocol_names[] = {
	N(NETLINK_ROUTE), N(NETLINK_UNUSED), N(NETLINK_USERSOCK), N(NETLINK_FIREWALL), N(NETLINK_SOCK_DIAG),
	N(NETLINK_NFLOG), N(NETLINK_XFRM), N(NETLINK_SELINUX), N(NETLINK_ISCSI), N(NETLINK_AUDIT),
	N(NETLINK_FIB_LOOKUP), N(NETLINK_CONNECTOR), N(NETLINK_NETFILTER), N(NETLINK_IP6_FW),
	N(NETLINK_DNRTMSG), N(NETLINK_KOBJECT_UEVENT), N(NETLINK_GENERIC), N(NETLINK_SCSITRANSPORT),
	N(NETLINK_ECRYPTFS), N(NETLINK_RDMA), N(NETLINK_CRYPTO), N(NETLINK_SMC), END,
};

const struct flag_name socket_level_names[] = {
	N(SOL_IP), N(SOL_SOCKET), V(IPPROTO_TCP, "SOL_TCP"), V(IPPROTO_UDP, "SOL_UDP"), N(SOL_IPV6),
	N(SOL_ICMPV6), N(SOL_RAW), N(SOL_PACKET), N(SOL_NETLINK), N(SOL_TLS), V(IPPROTO_MPTCP, "SOL_MPTCP"), END,
};

const struct flag_name sol_socket_option_names[] = {
	N(SO_DEBUG), N(SO_REUSEADDR), N(SO_TYPE), N(SO_ERROR), N(SO_DONTROUTE), N(SO_BROADCAST), N(SO_SNDBUF),
	N(SO_RCVBUF), N(SO_KEEPALIVE), N(SO_OOBINLINE), N(SO_NO_CHECK), N(SO_PRIORITY), N(SO_LINGER),
	N(SO_BSDCOMPAT), N(SO_REUSEPORT), N(SO_PASSCRED), N(SO_PEERCRED), N(SO_RCVLOWAT), N(SO_SNDLOWAT),
	V(20, "SO_RCVTIMEO_OLD"), V(21, "SO_SNDTIMEO_OLD"), N(SO_SECURITY_AUTHENTICATION),
	N(SO_SECURITY_ENCRYPTION_TRANSPORT), N(SO_SECURITY_ENCRYPTION_NETWORK), N(SO_BINDTODEVICE),
	N(SO_ATTACH_FILTER), N(SO_DETACH_FILTER), N(SO_PEERNAME), V(29, "SO_TIMESTAMP_OLD"), N(SO_ACCEPTCONN),
	N(SO_PEERSEC), N(SO_SNDBUFFORCE), N(SO_RCVBUFFORCE), N(SO_PASSSEC), V(35, "SO_TIMESTAMPNS_OLD"),
	N(SO_MARK), V(37, "SO_TIMESTAMPING_OLD"), N(SO_PROTOCOL), N(SO_DOMAIN), N(SO_RXQ_OVFL),
	N(SO_WIFI_STATUS), N(SO_PEEK_OFF), N(SO_NOFCS), N(SO_LOCK_FILTER), N(SO_SELECT_ERR_QUEUE),
	N(SO_BUSY_POLL), N(SO_MAX_PACING_RATE), N(SO_BPF_EXTENSIONS), N(SO_INCOMING_CPU), N(SO_ATTACH_BPF),
	N(SO_ATTACH_REUSEPORT_CBPF), N(SO_ATTACH_REUSEPORT_EBPF), N(SO_CNX_ADVICE), N(SO_MEMINFO),
	N(SO_INCOMING_NAPI_ID), N(SO_COOKIE), N(SO_PEERGROUPS), N(SO_ZEROCOPY), N(SO_TXTIME),
	N(SO_BINDTOIFINDEX), V(63, "SO_TIMESTAMP_NEW"), V(64, "SO_TIMESTAMPNS_NEW"), V(65, "SO_TIMESTAMPING_NEW"),
	V(66, "SO_RCVTIMEO_NEW"), V(67, "SO_SNDTIMEO_NEW"), N(SO_DETACH_REUSEPORT_BPF), END,
};

const struct flag_name sol_ip_option_names[] = {
	N(IP_TOS), N(IP_TTL), N(IP_HDRINCL), N(IP_OPTIONS), N(IP_ROUTER_ALERT), N(IP_RECVOPTS), N(IP_RETOPTS),
	N(IP_PKTINFO), N(IP_PKTOPTIONS), N(IP_MTU_DISCOVER), N(IP_RECVERR), N(IP_RECVTTL), N(IP_RECVTOS),
	N(IP_MTU), N(IP_FREEBIND), N(IP_IPSEC_POLICY), N(IP_XFRM_POLICY), N(IP_PASSSEC), N(IP_TRANSPARENT),
	N(IP_ORIGDSTADDR), N(IP_MINTTL), N(IP_NODEFRAG), N(IP_CHECKSUM), N(IP_BIND_ADDRESS_NO_PORT),
	N(IP_RECVFRAGSIZE), N(IP_MULTICAST_IF), N(IP_MULTICAST_TTL), N(IP_MULTICAST_LOOP),
	N(IP_ADD_MEMBERSHIP), N(IP_DROP_MEMBERSHIP), N(IP_UNBLOCK_SOURCE), N(IP_BLOCK_SOURCE),
	N(IP_ADD_SOURCE_MEMBERSHIP), N(IP_DROP_SOURCE_MEMBERSHIP), N(IP_MSFILTER), N(IP_MULTICAST_ALL),
	N(IP_UNICAST_IF), END,
};

const struct flag_name sol_ipv6_option_names[] = {
	N(IPV6_ADDRFORM), N(IPV6_2292PKTINFO), N(IPV6_2292HOPOPTS), N(IPV6_2292DSTOPTS), N(IPV6_2292RTHDR),
	N(IPV6_2292PKTOPTIONS), N(IPV6_CHECKSUM), N(IPV6_2292HOPLIMIT), N(IPV6_NEXTHOP), N(IPV6_AUTHHDR),
	N(IPV6_UNICAST_HOPS), N(IPV6_MULTICAST_IF), N(IPV6_MULTICAST_HOPS), N(IPV6_MULTICAST_LOOP),
	N(IPV6_ADD_MEMBERSHIP), N(IPV6_DROP_MEMBERSHIP), N(IPV6_ROUTER_ALERT), N(IPV6_MTU_DISCOVER),
	N(IPV6_MTU), N(IPV6_RECVERR), N(IPV6_V6ONLY), N(IPV6_JOIN_ANYCAST), N(IPV6_LEAVE_ANYCAST),
	N(IPV6_IPSEC_POLICY), N(IPV6_XFRM_POLICY), N(IPV6_HDRINCL), N(IPV6_RECVPKTINFO), N(IPV6_PKTINFO),
	N(IPV6_RECVHOPLIMIT), N(IPV6_HOPLIMIT), N(IPV6_RECVHOPOPTS), N(IPV6_HOPOPTS), N(IPV6_RTHDRDSTOPTS),
	N(IPV6_RECVRTHDR), N(IPV6_RTHDR), N(IPV6_RECVDSTOPTS), N(IPV6_DSTOPTS), N(IPV6_RECVPATHMTU),
	N(IPV6_PATHMTU), N(IPV6_DONTFRAG), N(IPV6_RECVTCLASS), N(IPV6_TCLASS), N(IPV6_TRANSPARENT),
	N(IPV6_FREEBIND), END,
};

const struct flag_name sol_tcp_option_names[] = {
	N(TCP_NODELAY), N(TCP_MAXSEG), N(TCP_CORK), N(TCP_KEEPIDLE), N(TCP_KEEPINTVL), N(TCP_KEEPCNT),
	N(TCP_SYNCNT), N(TCP_LINGER2), N(TCP_DEFER_ACCEPT), N(TCP_WINDOW_CLAMP), N(TCP_INFO), N(TCP_QUICKACK),
	N(TCP_CONGESTION), N(TCP_MD5SIG), N(TCP_THIN_LINEAR_TIMEOUTS), N(TCP_THIN_DUPACK), N(TCP_USER_TIMEOUT),
	N(TCP_REPAIR), N(TCP_REPAIR_QUEUE), N(TCP_QUEUE_SEQ), N(TCP_REPAIR_OPTIONS), N(TCP_FASTOPEN),
	N(TCP_TIMESTAMP), N(TCP_NOTSENT_LOWAT), N(TCP_CC_INFO), N(TCP_SAVE_SYN), N(TCP_SAVED_SYN),
	N(TCP_REPAIR_WINDOW), N(TCP_FASTOPEN_CONNECT), N(TCP_ULP), N(TCP_MD5SIG_EXT), N(TCP_FASTOPEN_KEY),
	N(TCP_FASTOPEN_NO_COOKIE), N(TCP_ZEROCOPY_RECEIVE), N(TCP_INQ), N(TCP_TX_DELAY), END,
};

const struct flag_name msg_flag_names[] = {
	N(MSG_OOB), N(MSG_PEEK), N(MSG_DONTROUTE), N(MSG_CTRUNC), V(0x10, "MSG_PROBE"), N(MSG_TRUNC), N(MSG_DONTWAIT),
	N(MSG_EOR), N(MSG_WAITALL), N(MSG_FIN), N(MSG_SYN), N(MSG_CONFIRM), N(MSG_RST), N(MSG_ERRQUEUE),
	N(MSG_NOSIGNAL), N(MSG_MORE), N(MSG_WAITFORONE), V(0x20000, "MSG_SENDPAGE_NOTLAST"), N(MSG_BATCH),
	V(0x80000, "MSG_NO_SHARED_FRAGS"), N(MSG_ZEROCOPY), N(MSG_FASTOPEN), N(MSG_CMSG_CLOEXEC),
	V(0x80000000u, "MSG_CMSG_COMPAT"), END,
};

/* cmsg_type at SOL_SOCKET (x86_64 numbers; glibc names only some) */
const struct flag_name scm_type_names[] = {
	N(SCM_RIGHTS), N(SCM_CREDENTIALS), V(3, "SCM_SECURITY"), V(4, "SCM_PIDFD"), N(SO_WIFI_STATUS), N(SO_TXTIME),
	V(29, "SO_TIMESTAMP_OLD"), V(35, "SO_TIMESTAMPNS_OLD"), V(37, "SO_TIMESTAMPING_OLD"), V(63, "SO_TIMESTAMP_NEW"),
	V(64, "SO_TIMESTAMPNS_NEW"), V(65, "SO_TIMESTAMPING_NEW"), V(0x36, "SCM_TIMESTAMPING_OPT_STATS"),
	V(0x3a, "SCM_TIMESTAMPING_PKTINFO"), END,
};

/* cmsg_type at SOL_IP */
const struct flag_name ip_cmsg_type_names[] = {
	N(IP_TOS), N(IP_TTL), N(IP_RECVOPTS), N(IP_RETOPTS), N(IP_PKTINFO), N(IP_RECVERR), N(IP_ORIGDSTADDR),
	N(IP_CHECKSUM), V(16, "SCM_SECURITY"), N(IP_RECVFRAGSIZE), END,
};

const struct flag_name shutdown_how_names[] = {
	N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR), END,
};

const struct flag_name *sockopt_names_for_level(int level)
{
	switch (level) {
	case SOL_SOCKET: return sol_socket_option_names;
	case SOL_IP: return sol_ip_option_names;
	case SOL_IPV6: return sol_ipv6_option_names;
	case IPPROTO_TCP: return sol_tcp_option_names;
	default: return NULL;
	}
}

const struct flag_name *socket_protocol_names_for_domain(int domain)
{
	switch (domain) {
	case AF_INET:
	case AF_INET6: return ip_protocol_names;
	case AF_NETLINK: return netlink_protocol_names;
	default: return NULL;
	}
}

const struct flag_name clone_flag_names[] = {
	N(CLONE_VM), N(CLONE_FS), N(CLONE_FILES), N(CLONE_SIGHAND), N(CLONE_PIDFD), N(CLONE_PTRACE),
	N(CLONE_VFORK), N(CLONE_PARENT), N(CLONE_THREAD), N(CLONE_NEWNS), N(CLONE_SYSVSEM), N(CLONE_SETTLS),
	N(CLONE_PARENT_SETTID), N(CLONE_CHILD_CLEARTID), N(CLONE_UNTRACED), N(CLONE_CHILD_SETTID),
	N(CLONE_NEWCGROUP), N(CLONE_NEWUTS), N(CLONE_NEWIPC), N(CLONE_NEWUSER), N(CLONE_NEWPID), N(CLONE_NEWNET),
	N(CLONE_IO), END,
};

const struct flag_name wait_option_names[] = {
	N(WNOHANG), N(WEXITED), N(WSTOPPED), N(WCONTINUED), N(WNOWAIT), N(__WCLONE), N(__WALL), N(__WNOTHREAD), END,
};

const struct flag_name waitid_type_names[] = {
	N(P_ALL), N(P_PID), N(P_PGID), V(3, "P_PIDFD"), END,
};

const struct flag_name signal_names[] = {
	N(SIGHUP), N(SIGINT), N(SIGQUIT), N(SIGILL), N(SIGTRAP), N(SIGABRT), N(SIGBUS), N(SIGFPE), N(SIGKILL),
	N(SIGUSR1), N(SIGSEGV), N(SIGUSR2), N(SIGPIPE), N(SIGALRM), N(SIGTERM), N(SIGSTKFLT), N(SIGCHLD),
	N(SIGCONT), N(SIGSTOP), N(SIGTSTP), N(SIGTTIN), N(SIGTTOU), N(SIGURG), N(SIGXCPU), N(SIGXFSZ),
	N(SIGVTALRM), N(SIGPROF), N(SIGWINCH), N(SIGIO), N(SIGPWR), N(SIGSYS), END,
};

const struct flag_name sigprocmask_how_names[] = {
	N(SIG_BLOCK), N(SIG_UNBLOCK), N(SIG_SETMASK), END,
};

/* SA_RESTORER is kernel ABI that glibc keeps to itself */
const struct flag_name sigaction_flag_names[] = {
	V(0x04000000, "SA_RESTORER"), N(SA_ONSTACK), N(SA_RESTART), N(SA_INTERRUPT), N(SA_NODEFER),
	N(SA_RESETHAND), N(SA_SIGINFO), N(SA_NOCLDSTOP), N(SA_NOCLDWAIT), END,
};

const struct flag_name ss_flag_names[] = {
	N(SS_ONSTACK), N(SS_DISABLE), V(1u << 31, "SS_AUTODISARM"), END,
};

const struct flag_name rlimit_names[] = {
	N(RLIMIT_CPU), N(RLIMIT_FSIZE), N(RLIMIT_DATA), N(RLIMIT_STACK), N(RLIMIT_CORE), N(RLIMIT_RSS),
	N(RLIMIT_NPROC), N(RLIMIT_NOFILE), N(RLIMIT_MEMLOCK), N(RLIMIT_AS), N(RLIMIT_LOCKS),
	N(RLIMIT_SIGPENDING), N(RLIMIT_MSGQUEUE), N(RLIMIT_NICE), N(RLIMIT_RTPRIO), N(RLIMIT_RTTIME), END,
};

const struct flag_name rusage_who_names[] = {
	N(RUSAGE_SELF), V((uint32_t)RUSAGE_CHILDREN, "RUSAGE_CHILDREN"), N(RUSAGE_THREAD), END,
};

const struct flag_name priority_which_names[] = {
	N(PRIO_PROCESS), N(PRIO_PGRP), N(PRIO_USER), END,
};

const struct flag_name prctl_option_names[] = {
	N(PR_SET_PDEATHSIG), N(PR_GET_PDEATHSIG), N(PR_GET_DUMPABLE), N(PR_SET_DUMPABLE), N(PR_GET_UNALIGN),
	N(PR_SET_UNALIGN), N(PR_GET_KEEPCAPS), N(PR_SET_KEEPCAPS), N(PR_GET_FPEMU), N(PR_SET_FPEMU),
	N(PR_GET_FPEXC), N(PR_SET_FPEXC), N(PR_GET_TIMING), N(PR_SET_TIMING), N(PR_SET_NAME), N(PR_GET_NAME),
	N(PR_GET_ENDIAN), N(PR_SET_ENDIAN), N(PR_GET_SECCOMP), N(PR_SET_SECCOMP), N(PR_CAPBSET_READ),
	N(PR_CAPBSET_DROP), N(PR_GET_TSC), N(PR_SET_TSC), N(PR_GET_SECUREBITS), N(PR_SET_SECUREBITS),
	N(PR_SET_TIMERSLACK), N(PR_GET_TIMERSLACK), N(PR_TASK_PERF_EVENTS_DISABLE),
	N(PR_TASK_PERF_EVENTS_ENABLE), N(PR_MCE_KILL), N(PR_MCE_KILL_GET), N(PR_SET_MM),
	N(PR_SET_CHILD_SUBREAPER), N(PR_GET_CHILD_SUBREAPER), N(PR_SET_NO_NEW_PRIVS), N(PR_GET_NO_NEW_PRIVS),
	N(PR_GET_TID_ADDRESS), N(PR_SET_THP_DISABLE), N(PR_GET_THP_DISABLE), N(PR_MPX_ENABLE_MANAGEMENT),
	N(PR_MPX_DISABLE_MANAGEMENT), N(PR_SET_FP_MODE), N(PR_GET_FP_MODE), N(PR_CAP_AMBIENT),
	N(PR_SVE_SET_VL), N(PR_SVE_GET_VL), N(PR_GET_SPECULATION_CTRL), N(PR_SET_SPECULATION_CTRL),
	N(PR_PAC_RESET_KEYS), N(PR_SET_TAGGED_ADDR_CTRL), N(PR_GET_TAGGED_ADDR_CTRL), N(PR_SET_IO_FLUSHER),
	N(PR_GET_IO_FLUSHER), N(PR_SET_SYSCALL_USER_DISPATCH), N(PR_PAC_SET_ENABLED_KEYS),
	N(PR_PAC_GET_ENABLED_KEYS), N(PR_SCHED_CORE), N(PR_SET_VMA), N(PR_SET_PTRACER), END,
};

const struct flag_name arch_prctl_names[] = {
	N(ARCH_SET_GS), N(ARCH_SET_FS), N(ARCH_GET_FS), N(ARCH_GET_GS), N(ARCH_GET_CPUID), N(ARCH_SET_CPUID),
	V(0x1021, "ARCH_GET_XCOMP_SUPP"), V(0x1022, "ARCH_GET_XCOMP_PERM"), V(0x1023, "ARCH_REQ_XCOMP_PERM"),
	V(0x1024, "ARCH_GET_XCOMP_GUEST_PERM"), V(0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"),
	N(ARCH_MAP_VDSO_X32), N(ARCH_MAP_VDSO_32), N(ARCH_MAP_VDSO_64), END,
};

const struct flag_name futex_op_names[] = {
	N(FUTEX_WAIT), N(FUTEX_WAKE), N(FUTEX_FD), N(FUTEX_REQUEUE), N(FUTEX_CMP_REQUEUE), N(FUTEX_WAKE_OP),
	N(FUTEX_LOCK_PI), N(FUTEX_UNLOCK_PI), N(FUTEX_TRYLOCK_PI), N(FUTEX_WAIT_BITSET), N(FUTEX_WAKE_BITSET),
	N(FUTEX_WAIT_REQUEUE_PI), N(FUTEX_CMP_REQUEUE_PI), V(13, "FUTEX_LOCK_PI2"), END,
};

const struct flag_name futex_op_flag_names[] = {
	N(FUTEX_PRIVATE_FLAG), N(FUTEX_CLOCK_REALTIME), END,
};

const struct flag_name sched_policy_names[] = {
	N(SCHED_OTHER), N(SCHED_FIFO), N(SCHED_RR), N(SCHED_BATCH), V(4, "SCHED_ISO"), N(SCHED_IDLE),
	V(6, "SCHED_DEADLINE"), END,
};

const struct flag_name sched_policy_flag_names[] = {
	N(SCHED_RESET_ON_FORK), END,
};

const struct flag_name personality_names[] = {
	N(PER_LINUX), N(PER_LINUX_32BIT), N(PER_LINUX_FDPIC), N(PER_SVR4), N(PER_SVR3), N(PER_SCOSVR3),
	N(PER_OSR5), N(PER_WYSEV386), N(PER_ISCR4), N(PER_BSD), N(PER_SUNOS), N(PER_XENIX), N(PER_LINUX32),
	N(PER_LINUX32_3GB), N(PER_IRIX32), N(PER_IRIXN32), N(PER_IRIX64), N(PER_RISCOS), N(PER_SOLARIS),
	N(PER_UW7), N(PER_OSF4), N(PER_HPUX), END,
};

const struct flag_name rseq_flag_names[] = {
	N(RSEQ_FLAG_UNREGISTER), END,
};

const struct flag_name seccomp_op_names[] = {
	N(SECCOMP_SET_MODE_STRICT), N(SECCOMP_SET_MODE_FILTER), N(SECCOMP_GET_ACTION_AVAIL),
	N(SECCOMP_GET_NOTIF_SIZES), END,
};

const struct flag_name ptrace_request_names[] = {
	N(PTRACE_TRACEME), N(PTRACE_PEEKTEXT), N(PTRACE_PEEKDATA), N(PTRACE_PEEKUSER), N(PTRACE_POKETEXT),
	N(PTRACE_POKEDATA), N(PTRACE_POKEUSER), N(PTRACE_CONT), N(PTRACE_KILL), N(PTRACE_SINGLESTEP),
	N(PTRACE_GETREGS), N(PTRACE_SETREGS), N(PTRACE_GETFPREGS), N(PTRACE_SETFPREGS), N(PTRACE_ATTACH),
	N(PTRACE_DETACH), N(PTRACE_GETFPXREGS), N(PTRACE_SETFPXREGS), N(PTRACE_SYSCALL),
	N(PTRACE_SYSEMU), N(PTRACE_SYSEMU_SINGLESTEP), N(PTRACE_SETOPTIONS), N(PTRACE_GETEVENTMSG),
	N(PTRACE_GETSIGINFO), N(PTRACE_SETSIGINFO), N(PTRACE_GETREGSET), N(PTRACE_SETREGSET), N(PTRACE_SEIZE),
	N(PTRACE_INTERRUPT), N(PTRACE_LISTEN), N(PTRACE_PEEKSIGINFO), N(PTRACE_GETSIGMASK), N(PTRACE_SETSIGMASK),
	N(PTRACE_SECCOMP_GET_FILTER), N(PTRACE_SECCOMP_GET_METADATA), N(PTRACE_GET_SYSCALL_INFO), END,
};

const struct flag_name clock_names[] = {
	N(CLOCK_REALTIME), N(CLOCK_MONOTONIC), N(CLOCK_PROCESS_CPUTIME_ID), N(CLOCK_THREAD_CPUTIME_ID),
	N(CLOCK_MONOTONIC_RAW), N(CLOCK_REALTIME_COARSE), N(CLOCK_MONOTONIC_COARSE), N(CLOCK_BOOTTIME),
	N(CLOCK_REALTIME_ALARM), N(CLOCK_BOOTTIME_ALARM), V(10, "CLOCK_SGI_CYCLE"), N(CLOCK_TAI), END,
};

const struct flag_name timer_flag_names[] = {
	N(TIMER_ABSTIME), END,
};

const struct flag_name itimer_which_names[] = {
	N(ITIMER_REAL), N(ITIMER_VIRTUAL), N(ITIMER_PROF), END,
};

const struct flag_name ipc_cmd_names[] = {
	N(IPC_RMID), N(IPC_SET), N(IPC_STAT), N(IPC_INFO), END,
};

/*
 * What strace calls a number that no name of a table matches; it prints such a
 * number in hex with this as a comment after it.
 */
static const struct {
	const struct flag_name *names;
	const char *unknown;
} unknown_names[] = {
	{ at_flag_names, "AT_???" }, { faccessat_flag_names, "AT_???" }, { statx_mask_names, "STATX_???" },
	{ access_mode_names, "?_OK" }, { seek_whence_names, "SEEK_???" }, { fcntl_cmd_names, "F_???" },
	{ fd_flag_names, "FD_???" }, { flock_op_names, "LOCK_???" }, { fadvise_names, "POSIX_FADV_???" },
	{ fallocate_flag_names, "FALLOC_FL_???" }, { splice_flag_names, "SPLICE_F_???" },
	{ xattr_flag_names, "XATTR_???" }, { close_range_flag_names, "CLOSE_RANGE_???" },
	{ mount_flag_names, "MS_???" }, { umount_flag_names, "MNT_???" }, { inotify_mask_names, "IN_???" },
	{ inotify_init_flag_names, "IN_???" }, { memfd_flag_names, "MFD_???" }, { getrandom_flag_names, "GRND_???" },
	{ epoll_ctl_op_names, "EPOLL_CTL_???" }, { epoll_event_names, "EPOLL???" },
	{ epoll_create_flag_names, "EPOLL_???" }, { poll_event_names, "POLL???" }, { eventfd_flag_names, "EFD_???" },
	{ timerfd_flag_names, "TFD_???" }, { signalfd_flag_names, "SFD_???" }, { mmap_prot_names, "PROT_???" },
	{ mmap_flag_names, "MAP_???" }, { madvise_names, "MADV_???" }, { msync_flag_names, "MS_???" },
	{ mremap_flag_names, "MREMAP_???" }, { mlockall_flag_names, "MCL_???" }, { mlock2_flag_names, "MLOCK_???" },
	{ socket_domain_names, "AF_???" }, { socket_type_names, "SOCK_???" }, { socket_type_flag_names, "SOCK_???" },
	{ ip_protocol_names, "IPPROTO_???" }, { netlink_protocol_names, "NETLINK_???" },
	{ socket_level_names, "SOL_??" }, { sol_socket_option_names, "SO_???" }, { sol_ip_option_names, "IP_???" },
	{ sol_ipv6_option_names, "IPV6_???" }, { sol_tcp_option_names, "TCP_???" }, { msg_flag_names, "MSG_???" },
	{ shutdown_how_names, "SHUT_???" }, { scm_type_names, "SCM_???" }, { ip_cmsg_type_names, "IP_???" },
	{ clone_flag_names, "CLONE_???" }, { wait_option_names, "W???" }, { waitid_type_names, "P_???" },
	{ sigprocmask_how_names, "SIG_???" }, { sigaction_flag_names, "SA_???" }, { ss_flag_names, "SS_???" },
	{ rlimit_names, "RLIMIT_???" }, { rusage_who_names, "RUSAGE_???" }, { priority_which_names, "PRIO_???" },
	{ prctl_option_names, "PR_???" }, { arch_prctl_names, "ARCH_???" }, { sched_policy_names, "SCHED_???" },
	{ seccomp_op_names, "SECCOMP_SET_MODE_???" }, { ptrace_request_names, "PTRACE_???" },
	{ clock_names, "CLOCK_???" }, { timer_flag_names, "TIMER_???" }, { itimer_which_names, "ITIMER_???" },
	{ statfs_flag_names, "ST_???" }, { rseq_flag_names, "RSEQ_FLAG_???" },
};

const char *flag_unknown_name(const struct flag_name *names)
{
	for (size_t i = 0; i < sizeof(unknown_names) / sizeof(unknown_names[0]); i++)
		if (unknown_names[i].names == names)
			return unknown_names[i].unknown;
	return NULL;
}
