/*
 * The structures are decoded with this machine's layouts: x86_64 is the only arch a
 * trace can name (src/arch), and its user ABI is what these headers describe.
 */
#include "show/structs.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show/names.h"
#include "show/strings.h"
#include "sys/flags.h"

/* The kernel's struct sigaction, which differs from glibc's. */
struct kernel_sigaction {
	uint64_t handler, flags, restorer, mask;
};

/* Exactly `size` bytes at addr as captured at phase, or NULL. */
static const void *whole(const struct call *c, unsigned phase, uint64_t addr, size_t size)
{
	uint64_t avail;
	const uint8_t *p = call_mem(c, phase, addr, size, &avail);
	return p && avail >= size ? p : NULL;
}

#define FETCH(c, phase, addr, var) fetch(c, phase, addr, &(var), sizeof(var))
static int fetch(const struct call *c, unsigned phase, uint64_t addr, void *out, size_t size)
{
	const void *p = whole(c, phase, addr, size);
	if (!p)
		return 0;
	memcpy(out, p, size);
	return 1;
}

static uint64_t arg_or_zero(const struct call *c, int idx)
{
	return idx >= 0 && idx < 6 ? c->args[idx] : 0;
}

static int64_t result(const struct call *c)
{
	return c->exit ? c->exit->u.exit.ret : 0;
}

static void fmt_timespec(struct strbuf *sb, int64_t sec, int64_t nsec)
{
	sb_printf(sb, "{tv_sec=%lld, tv_nsec=%lld}", (long long)sec, (long long)nsec);
}

static void fmt_timeval(struct strbuf *sb, int64_t sec, int64_t usec)
{
	sb_printf(sb, "{tv_sec=%lld, tv_usec=%lld}", (long long)sec, (long long)usec);
}

/* The local time a file time stands for, as a comment after it; frac_digits 9 (ns), 6 (us) or 0 (whole seconds). */
static void fmt_time_comment(struct strbuf *sb, int64_t sec, int64_t frac, int frac_digits)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char date[64], zone[16];
	if (!localtime_r(&t, &tm) || !strftime(date, sizeof(date), "%FT%T", &tm) || !strftime(zone, sizeof(zone), "%z", &tm))
		return;
	sb_printf(sb, " /* %s", date);
	if (frac && frac_digits)
		sb_printf(sb, ".%0*lld", frac_digits, (long long)frac);
	sb_printf(sb, "%s */", zone);
}

static void fmt_utime_nsec(struct strbuf *sb, const struct timespec *ts)
{
	if (ts->tv_nsec == UTIME_NOW) {
		sb_puts(sb, "UTIME_NOW");
	} else if (ts->tv_nsec == UTIME_OMIT) {
		sb_puts(sb, "UTIME_OMIT");
	} else {
		fmt_timespec(sb, ts->tv_sec, ts->tv_nsec);
		fmt_time_comment(sb, ts->tv_sec, ts->tv_nsec, 9);
	}
}

/* Clock ticks, with the seconds they make (at sysconf's ticks per second) in a comment when not 0. */
static void fmt_clock_t(struct strbuf *sb, uint64_t ticks)
{
	long per_second = sysconf(_SC_CLK_TCK);
	sb_printf(sb, "%llu", (unsigned long long)ticks);
	if (per_second <= 0 || !ticks)
		return;
	int digits = 0;
	for (long t = per_second; t >= 10; t /= 10)
		digits++;
	sb_printf(sb, " /* %llu.%0*llu s */", (unsigned long long)(ticks / (uint64_t)per_second), digits,
		  (unsigned long long)(ticks % (uint64_t)per_second));
}

/* strace writes limits that are whole KiB as N*1024. */
static void fmt_rlim(struct strbuf *sb, uint64_t v)
{
	if (v == UINT64_MAX)
		sb_puts(sb, "RLIM64_INFINITY");
	else if (v && v % 1024 == 0)
		sb_printf(sb, "%llu*1024", (unsigned long long)(v / 1024));
	else
		sb_printf(sb, "%llu", (unsigned long long)v);
}

static void fmt_stat(struct strbuf *sb, const struct stat *s)
{
	sb_puts(sb, "{st_mode=");
	fmt_mode(sb, s->st_mode, 1);
	if (S_ISCHR(s->st_mode) || S_ISBLK(s->st_mode))
		sb_printf(sb, ", st_rdev=makedev(%#x, %#x), ...}", major(s->st_rdev), minor(s->st_rdev));
	else
		sb_printf(sb, ", st_size=%lld, ...}", (long long)s->st_size);
}

static void fmt_statx(struct strbuf *sb, const struct statx *s)
{
	sb_puts(sb, "{stx_mask=");
	fmt_flags(sb, statx_mask_names, s->stx_mask);
	sb_printf(sb, ", stx_attributes=%s", s->stx_attributes ? "" : "0");
	if (s->stx_attributes)
		sb_printf(sb, "%#llx", (unsigned long long)s->stx_attributes);
	sb_puts(sb, ", stx_mode=");
	fmt_mode(sb, s->stx_mode, 1);
	sb_printf(sb, ", stx_size=%llu, ...}", (unsigned long long)s->stx_size);
}

static void fmt_statfs(struct strbuf *sb, const struct statfs *s)
{
	sb_puts(sb, "{f_type=");
	fmt_enum_hex(sb, fs_magic_names, (uint64_t)s->f_type);
	sb_printf(sb, ", f_bsize=%lld, f_blocks=%llu, f_bfree=%llu, f_bavail=%llu, f_files=%llu, "
		  "f_ffree=%llu, f_fsid={val=[%#x, %#x]}, f_namelen=%lld, f_frsize=%lld, f_flags=",
		  (long long)s->f_bsize, (unsigned long long)s->f_blocks, (unsigned long long)s->f_bfree,
		  (unsigned long long)s->f_bavail, (unsigned long long)s->f_files, (unsigned long long)s->f_ffree,
		  (unsigned)s->f_fsid.__val[0], (unsigned)s->f_fsid.__val[1], (long long)s->f_namelen,
		  (long long)s->f_frsize);
	fmt_flags(sb, statfs_flag_names, (uint64_t)s->f_flags);
	sb_putc(sb, '}');
}

static void fmt_sigaction(struct strbuf *sb, const struct kernel_sigaction *sa)
{
	sb_puts(sb, "{sa_handler=");
	if (sa->handler == (uint64_t)(uintptr_t)SIG_DFL)
		sb_puts(sb, "SIG_DFL");
	else if (sa->handler == (uint64_t)(uintptr_t)SIG_IGN)
		sb_puts(sb, "SIG_IGN");
	else
		fmt_address(sb, sa->handler);
	sb_puts(sb, ", sa_mask=");
	fmt_sigset(sb, (const uint8_t *)&sa->mask, sizeof(sa->mask));
	sb_puts(sb, ", sa_flags=");
	fmt_flags(sb, sigaction_flag_names, sa->flags);
	const char *restorer_name = "SA_RESTORER";
	for (const struct flag_name *f = sigaction_flag_names; f->name; f++)
		if (strcmp(f->name, restorer_name) == 0 && (sa->flags & f->value)) {
			sb_puts(sb, ", sa_restorer=");
			fmt_address(sb, sa->restorer);
		}
	sb_putc(sb, '}');
}

static void fmt_sockaddr(struct strbuf *sb, const uint8_t *p, uint64_t len)
{
	sa_family_t family;
	if (len < sizeof(family)) {
		sb_puts(sb, "{}");
		return;
	}
	memcpy(&family, p, sizeof(family));
	sb_puts(sb, "{sa_family=");
	fmt_enum(sb, socket_domain_names, family, 0);
	char text[INET6_ADDRSTRLEN];
	if (family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;
		memcpy(&in, p, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
		sb_printf(sb, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}", ntohs(in.sin_port), text);
	} else if (family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;
		memcpy(&in6, p, sizeof(in6));
		inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
		sb_printf(sb, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), inet_pton(AF_INET6, \"%s\", &sin6_addr), "
			  "sin6_scope_id=%u}", ntohs(in6.sin6_port), ntohl(in6.sin6_flowinfo), text, in6.sin6_scope_id);
	} else if (family == AF_UNIX) {
		size_t path_len = len - offsetof(struct sockaddr_un, sun_path);
		const uint8_t *path = p + offsetof(struct sockaddr_un, sun_path);
		struct show_style plain = { .strsize = (unsigned)sizeof(((struct sockaddr_un *)0)->sun_path) };
		if (path_len && path[0] == '\0') {
			/* Abstract names have no terminator and may hold NULs. */
			sb_puts(sb, ", sun_path=@");
			show_quote_buf(sb, path + 1, path_len - 1, path_len - 1, &plain);
		} else if (path_len) {
			sb_puts(sb, ", sun_path=");
			show_quote_field(sb, path, path_len, &plain);
		}
		sb_putc(sb, '}');
	} else if (family == AF_NETLINK && len >= sizeof(struct sockaddr_nl)) {
		struct sockaddr_nl nl;
		memcpy(&nl, p, sizeof(nl));
		sb_printf(sb, ", nl_pid=%u, nl_groups=%08x}", nl.nl_pid, nl.nl_groups);
	} else {
		struct show_style plain = { .strsize = 128 };
		sb_puts(sb, ", sa_data=");
		show_quote_buf(sb, p + sizeof(family), len - sizeof(family), len - sizeof(family), &plain);
		sb_putc(sb, '}');
	}
}

static void fmt_sockaddr_at(struct strbuf *sb, const struct call *c, unsigned phase, uint64_t addr, uint64_t len)
{
	uint64_t avail;
	const uint8_t *p = call_mem(c, phase, addr, len, &avail);
	if (!p || !len) {
		fmt_address(sb, addr);
		return;
	}
	fmt_sockaddr(sb, p, avail < len ? avail : len);
}

/* A socklen_t* argument: [16], or [128 => 16] when the kernel changed it. */
static void fmt_socklen(struct strbuf *sb, const struct call *c, uint64_t addr, unsigned phase)
{
	uint32_t in, out;
	int have_in = FETCH(c, RPR_PHASE_ENTER, addr, in);
	int have_out = phase == RPR_PHASE_EXIT && FETCH(c, RPR_PHASE_EXIT, addr, out);
	if (have_in && have_out && in != out)
		sb_printf(sb, "[%u => %u]", in, out);
	else if (have_out)
		sb_printf(sb, "[%u]", out);
	else if (have_in)
		sb_printf(sb, "[%u]", in);
	else
		fmt_address(sb, addr);
}

int iovec_at(const struct call *c, uint64_t addr, uint64_t i, uint64_t *base, uint64_t *len)
{
	struct iovec iov;
	uint64_t at = addr + i * sizeof(iov);
	if (!FETCH(c, RPR_PHASE_ENTER, at, iov) && !FETCH(c, RPR_PHASE_EXIT, at, iov))
		return -1;
	*base = (uint64_t)(uintptr_t)iov.iov_base;
	*len = iov.iov_len;
	return 0;
}

void fmt_iovecs(struct strbuf *sb, const struct call *c, uint64_t addr, uint64_t count, uint64_t total,
		unsigned phase, const struct show_style *st)
{
	uint64_t base, len;
	if (count && iovec_at(c, addr, 0, &base, &len) < 0) {
		fmt_address(sb, addr);
		return;
	}
	sb_putc(sb, '[');
	for (uint64_t i = 0; i < count; i++) {
		if (i && i >= st->strsize) {
			sb_puts(sb, ", ...");
			break;
		}
		if (iovec_at(c, addr, i, &base, &len) < 0) {
			sb_puts(sb, i ? ", ..." : "...");
			break;
		}
		uint64_t shown = len < total ? len : total;
		total -= shown;
		sb_puts(sb, i ? ", {iov_base=" : "{iov_base=");
		uint64_t avail;
		const uint8_t *data = call_mem(c, phase, base, shown, &avail);
		if (data || (shown == 0 && base))
			show_quote_buf(sb, data, avail, shown, st);
		else
			fmt_address(sb, base);
		sb_printf(sb, ", iov_len=%llu}", (unsigned long long)len);
	}
	sb_putc(sb, ']');
}

void fmt_flock(struct strbuf *sb, const struct call *c, uint64_t addr, unsigned phase)
{
	struct flock fl;
	if (!FETCH(c, phase, addr, fl) && !FETCH(c, RPR_PHASE_ENTER, addr, fl)) {
		fmt_address(sb, addr);
		return;
	}
	sb_puts(sb, "{l_type=");
	fmt_enum(sb, show_lock_type_names, (uint64_t)fl.l_type, 1);
	sb_puts(sb, ", l_whence=");
	fmt_enum(sb, seek_whence_names, (uint64_t)fl.l_whence, 1);
	sb_printf(sb, ", l_start=%lld, l_len=%lld", (long long)fl.l_start, (long long)fl.l_len);
	if (phase == RPR_PHASE_EXIT)
		sb_printf(sb, ", l_pid=%d", fl.l_pid);
	sb_putc(sb, '}');
}

/* include/linux/socket.h; glibc does not name it */
enum { KERNEL_SCM_SECURITY = 3 };

/* strace's x86_64 view of an IP_RECVERR message */
struct sock_extended_err_in {
	uint32_t ee_errno;
	uint8_t ee_origin, ee_type, ee_code, ee_pad;
	uint32_t ee_info, ee_data;
	struct sockaddr_in offender;
};

static void fmt_timespec_array(struct strbuf *sb, const uint8_t *p, unsigned count)
{
	sb_putc(sb, '[');
	for (unsigned i = 0; i < count; i++) {
		struct timespec ts;
		memcpy(&ts, p + i * sizeof(ts), sizeof(ts));
		sb_puts(sb, i ? ", " : "");
		fmt_timespec(sb, ts.tv_sec, ts.tv_nsec);
	}
	sb_putc(sb, ']');
}

static void fmt_in_addr(struct strbuf *sb, const struct in_addr *a)
{
	char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, a, text, sizeof(text));
	sb_printf(sb, "inet_addr(\"%s\")", text);
}

/* What a control message carries, for the levels and types strace decodes; 1 if printed. */
static int fmt_cmsg_data(struct strbuf *sb, int level, int type, const uint8_t *p, uint64_t len)
{
	if (level == SOL_SOCKET) {
		switch (type) {
		case SCM_RIGHTS: {
			if (len < sizeof(int32_t))
				return 0;
			sb_putc(sb, '[');
			for (uint64_t i = 0; i + sizeof(int32_t) <= len; i += sizeof(int32_t)) {
				int32_t fd;
				memcpy(&fd, p + i, sizeof(fd));
				sb_printf(sb, "%s%d", i ? ", " : "", fd);
			}
			sb_putc(sb, ']');
			return 1;
		}
		case SCM_CREDENTIALS: {
			struct ucred cred;
			if (len < sizeof(cred))
				return 0;
			memcpy(&cred, p, sizeof(cred));
			sb_printf(sb, "{pid=%d, uid=%u, gid=%u}", cred.pid, cred.uid, cred.gid);
			return 1;
		}
		case KERNEL_SCM_SECURITY: {
			struct show_style whole = { .strsize = (unsigned)(len < UINT32_MAX ? len : UINT32_MAX) };
			show_quote_buf(sb, p, len, len, &whole);
			return 1;
		}
		case SO_TIMESTAMP_OLD:
		case SO_TIMESTAMP_NEW: {
			struct timeval tv;
			if (len < sizeof(tv))
				return 0;
			memcpy(&tv, p, sizeof(tv));
			fmt_timeval(sb, tv.tv_sec, tv.tv_usec);
			return 1;
		}
		case SO_TIMESTAMPNS_OLD:
		case SO_TIMESTAMPNS_NEW:
			if (len < sizeof(struct timespec))
				return 0;
		{
			struct timespec ts;
			memcpy(&ts, p, sizeof(ts));
			fmt_timespec(sb, ts.tv_sec, ts.tv_nsec);
			return 1;
		}
		case SO_TIMESTAMPING_OLD:
		case SO_TIMESTAMPING_NEW:
			if (len < 3 * sizeof(struct timespec))
				return 0;
			fmt_timespec_array(sb, p, 3);
			return 1;
		}
		return 0;
	}
	if (level != SOL_IP)
		return 0;
	switch (type) {
	case IP_PKTINFO: {
		struct in_pktinfo info;
		if (len < sizeof(info))
			return 0;
		memcpy(&info, p, sizeof(info));
		char ifname[IF_NAMESIZE];
		if (if_indextoname((unsigned)info.ipi_ifindex, ifname))
			sb_printf(sb, "{ipi_ifindex=if_nametoindex(\"%s\"), ipi_spec_dst=", ifname);
		else
			sb_printf(sb, "{ipi_ifindex=%d, ipi_spec_dst=", info.ipi_ifindex);
		fmt_in_addr(sb, &info.ipi_spec_dst);
		sb_puts(sb, ", ipi_addr=");
		fmt_in_addr(sb, &info.ipi_addr);
		sb_putc(sb, '}');
		return 1;
	}
	case IP_TTL:
	case IP_CHECKSUM:
		if (len < sizeof(uint32_t))
			return 0;
		sb_putc(sb, '[');
		for (uint64_t i = 0; i + sizeof(uint32_t) <= len; i += sizeof(uint32_t)) {
			uint32_t v;
			memcpy(&v, p + i, sizeof(v));
			sb_printf(sb, "%s%u", i ? ", " : "", v);
		}
		sb_putc(sb, ']');
		return 1;
	case IP_TOS:
	case IP_RECVOPTS:
	case IP_RETOPTS:
		if (!len)
			return 0;
		sb_putc(sb, '[');
		for (uint64_t i = 0; i < len; i++)
			sb_printf(sb, "%s%#x", i ? ", " : "", p[i]);
		sb_putc(sb, ']');
		return 1;
	case IP_RECVERR: {
		struct sock_extended_err_in ee;
		if (len < sizeof(ee))
			return 0;
		memcpy(&ee, p, sizeof(ee));
		sb_printf(sb, "{ee_errno=%u, ee_origin=%u, ee_type=%u, ee_code=%u, ee_info=%u, ee_data=%u, offender=",
			  ee.ee_errno, ee.ee_origin, ee.ee_type, ee.ee_code, ee.ee_info, ee.ee_data);
		fmt_sockaddr(sb, (const uint8_t *)&ee.offender, sizeof(ee.offender));
		sb_putc(sb, '}');
		return 1;
	}
	case IP_ORIGDSTADDR:
		if (len < sizeof(struct sockaddr_in))
			return 0;
		fmt_sockaddr(sb, p, len < sizeof(struct sockaddr_storage) ? len : sizeof(struct sockaddr_storage));
		return 1;
	}
	return 0;
}

/* msg_control: [{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[5]}, ...] */
static void fmt_cmsgs(struct strbuf *sb, const struct call *c, unsigned phase, uint64_t addr, uint64_t controllen)
{
	uint64_t avail;
	const uint8_t *p = call_mem(c, phase, addr, controllen, &avail);
	if (!p || avail < sizeof(struct cmsghdr)) {
		fmt_address(sb, addr);
		return;
	}
	uint64_t left = avail < controllen ? avail : controllen;
	const uint8_t *at = p;
	sb_putc(sb, '[');
	while (left >= sizeof(struct cmsghdr)) {
		struct cmsghdr h;
		memcpy(&h, at, sizeof(h));
		sb_printf(sb, "%s{cmsg_len=%llu, cmsg_level=", at == p ? "" : ", ", (unsigned long long)h.cmsg_len);
		const char *level = name_of(socket_level_names, (uint32_t)h.cmsg_level);
		if (level)
			sb_puts(sb, level);
		else
			sb_printf(sb, "%#x /* SOL_??? */", (unsigned)h.cmsg_level);
		sb_puts(sb, ", cmsg_type=");
		if (h.cmsg_level == SOL_SOCKET)
			fmt_enum(sb, scm_type_names, (uint32_t)h.cmsg_type, 0);
		else if (h.cmsg_level == SOL_IP)
			fmt_enum(sb, ip_cmsg_type_names, (uint32_t)h.cmsg_type, 0);
		else
			sb_printf(sb, "%#x", (unsigned)h.cmsg_type);
		uint64_t len = h.cmsg_len < left ? h.cmsg_len : left;
		uint64_t data_len = len > sizeof(h) ? len - sizeof(h) : 0;
		struct strbuf data;
		sb_init(&data);
		if (fmt_cmsg_data(&data, h.cmsg_level, h.cmsg_type, at + sizeof(h), data_len)) {
			sb_puts(sb, ", cmsg_data=");
			sb_add(sb, data.buf, data.len);
		}
		sb_free(&data);
		sb_putc(sb, '}');
		if (len < sizeof(h)) {
			left -= sizeof(h);
			break;
		}
		uint64_t step = (h.cmsg_len + sizeof(uint64_t) - 1) & ~(uint64_t)(sizeof(uint64_t) - 1);
		if (step >= left) {
			left = 0;
			break;
		}
		at += step;
		left -= step;
	}
	if (left)
		sb_printf(sb, ", ... /* %#llx */", (unsigned long long)(addr + (uint64_t)(at - p)));
	else if (avail < controllen)
		sb_puts(sb, ", ...");
	sb_putc(sb, ']');
}

/* `user`: the header as passed in, when the kernel rewrote it (recvmsg): msg_namelen=128 => 16 */
static void fmt_msghdr(struct strbuf *sb, const struct call *c, const struct msghdr *m, const struct msghdr *user,
		       unsigned phase, uint64_t data_total, const struct show_style *st)
{
	uint32_t namelen = user && user->msg_namelen < m->msg_namelen ? user->msg_namelen : m->msg_namelen;
	sb_puts(sb, "{msg_name=");
	if (m->msg_name && namelen)
		fmt_sockaddr_at(sb, c, phase, (uint64_t)(uintptr_t)m->msg_name, namelen);
	else
		fmt_address(sb, (uint64_t)(uintptr_t)m->msg_name);
	sb_puts(sb, ", msg_namelen=");
	if (user && user->msg_namelen != m->msg_namelen)
		sb_printf(sb, "%d => ", (int)user->msg_namelen);
	sb_printf(sb, "%d, msg_iov=", (int)m->msg_namelen);
	fmt_iovecs(sb, c, (uint64_t)(uintptr_t)m->msg_iov, m->msg_iovlen, data_total, phase, st);
	sb_printf(sb, ", msg_iovlen=%llu", (unsigned long long)m->msg_iovlen);
	if (m->msg_controllen) {
		sb_puts(sb, ", msg_control=");
		fmt_cmsgs(sb, c, phase, (uint64_t)(uintptr_t)m->msg_control, m->msg_controllen);
	}
	sb_printf(sb, ", msg_controllen=%llu, msg_flags=", (unsigned long long)m->msg_controllen);
	fmt_flags(sb, msg_flag_names, (uint32_t)m->msg_flags);
	sb_putc(sb, '}');
}

/* Counts linux_dirent64 (or old linux_dirent) records in n bytes; both start with d_ino, d_off, d_reclen. */
static uint64_t count_dirents(const uint8_t *p, uint64_t n)
{
	uint64_t count = 0, off = 0;
	while (off + 18 <= n) {
		uint16_t reclen;
		memcpy(&reclen, p + off + 16, sizeof(reclen));
		if (reclen == 0)
			break;
		off += reclen;
		count++;
	}
	return count;
}

/* struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, ... */
enum { CLONE_ARGS_HEAD_WORDS = 8 };

static int fetch_clone_args(const struct call *c, uint64_t addr, uint64_t size, uint64_t f[CLONE_ARGS_HEAD_WORDS])
{
	uint64_t avail;
	const uint8_t *p = call_mem(c, RPR_PHASE_ENTER, addr, size, &avail);
	if (!p || avail < CLONE_ARGS_HEAD_WORDS * sizeof(uint64_t))
		return 0;
	memcpy(f, p, CLONE_ARGS_HEAD_WORDS * sizeof(uint64_t));
	return 1;
}

static void fmt_clone_args(struct strbuf *sb, const struct call *c, uint64_t addr, uint64_t size)
{
	uint64_t f[CLONE_ARGS_HEAD_WORDS];
	if (!fetch_clone_args(c, addr, size, f)) {
		fmt_address(sb, addr);
		return;
	}
	sb_puts(sb, "{flags=");
	fmt_flags(sb, clone_flag_names, f[0]);
	if (f[0] & CLONE_PIDFD)
		sb_printf(sb, ", pidfd=%#llx", (unsigned long long)f[1]);
	if (f[0] & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		sb_printf(sb, ", child_tid=%#llx", (unsigned long long)f[2]);
	if (f[0] & CLONE_PARENT_SETTID)
		sb_printf(sb, ", parent_tid=%#llx", (unsigned long long)f[3]);
	sb_puts(sb, ", exit_signal=");
	fmt_signal(sb, (int64_t)f[4]);
	sb_printf(sb, ", stack=%#llx, stack_size=%#llx", (unsigned long long)f[5], (unsigned long long)f[6]);
	if (f[0] & CLONE_SETTLS)
		sb_printf(sb, ", tls=%#llx", (unsigned long long)f[7]);
	sb_putc(sb, '}');
}

int struct_exit_suffix(const struct call *c, unsigned idx)
{
	const struct sys_arg *a = &c->entry->args[idx];
	uint64_t f[CLONE_ARGS_HEAD_WORDS];
	return a->sk == SK_CLONE_ARGS && c->args[idx] && fetch_clone_args(c, c->args[idx], arg_or_zero(c, a->aux), f) &&
	       (f[0] & (CLONE_PIDFD | CLONE_PARENT_SETTID));
}

void fmt_struct_exit_suffix(struct strbuf *sb, const struct call *c, unsigned idx)
{
	const struct sys_arg *a = &c->entry->args[idx];
	uint64_t f[CLONE_ARGS_HEAD_WORDS];
	if (!c->exit || call_failed(c) || !fetch_clone_args(c, c->args[idx], arg_or_zero(c, a->aux), f))
		return;
	const char *sep = " => {";
	int32_t v;
	if ((f[0] & CLONE_PIDFD) && FETCH(c, RPR_PHASE_EXIT, f[1], v)) {
		sb_printf(sb, "%spidfd=[%d]", sep, v);
		sep = ", ";
	}
	if ((f[0] & CLONE_PARENT_SETTID) && FETCH(c, RPR_PHASE_EXIT, f[3], v)) {
		sb_printf(sb, "%sparent_tid=[%d]", sep, v);
		sep = ", ";
	}
	if (sep[0] == ',')
		sb_putc(sb, '}');
}

static void fmt_pollfds(struct strbuf *sb, const struct pollfd *fds, uint64_t n, int revents)
{
	sb_putc(sb, '[');
	int first = 1;
	for (uint64_t i = 0; i < n; i++) {
		if (revents && !fds[i].revents)
			continue;
		sb_printf(sb, "%s{fd=%d, %s=", first ? "" : ", ", fds[i].fd, revents ? "revents" : "events");
		fmt_flags(sb, poll_event_names, (uint16_t)(revents ? fds[i].revents : fds[i].events));
		sb_putc(sb, '}');
		first = 0;
	}
	sb_putc(sb, ']');
}

static void fmt_fdset(struct strbuf *sb, const uint8_t *bits, uint64_t nfds)
{
	sb_putc(sb, '[');
	int first = 1;
	for (uint64_t fd = 0; fd < nfds; fd++)
		if ((bits[fd / 8] >> (fd % 8)) & 1) {
			sb_printf(sb, "%s%llu", first ? "" : " ", (unsigned long long)fd);
			first = 0;
		}
	sb_putc(sb, ']');
}

static void fmt_epoll_event(struct strbuf *sb, const struct epoll_event *e)
{
	sb_puts(sb, "{events=");
	fmt_flags(sb, epoll_event_names, e->events);
	sb_printf(sb, ", data={u32=%u, u64=%llu}}", (uint32_t)e->data.u64, (unsigned long long)e->data.u64);
}

/* Decodes elements of `elem` bytes at addr: count of them, "[a, b]", or the address if missing. */
#define FMT_ARRAY(sb, c, phase, addr, count, type, body)                                       \
	do {                                                                                   \
		uint64_t avail_;                                                               \
		if ((count) == 0) {                                                            \
			sb_puts(sb, "[]");                                                     \
			break;                                                                 \
		}                                                                              \
		const uint8_t *p_ = call_mem(c, phase, addr, (count) * sizeof(type), &avail_); \
		if (!p_ || avail_ < (count) * sizeof(type)) {                                  \
			fmt_address(sb, addr);                                                 \
			break;                                                                 \
		}                                                                              \
		sb_putc(sb, '[');                                                              \
		for (uint64_t i_ = 0; i_ < (count); i_++) {                                    \
			type el;                                                               \
			memcpy(&el, p_ + i_ * sizeof(type), sizeof(type));                     \
			if (i_)                                                                \
				sb_puts(sb, ", ");                                             \
			body;                                                                  \
		}                                                                              \
		sb_putc(sb, ']');                                                              \
	} while (0)

/* strace's reading of a wait status: [{WIFEXITED(s) && WEXITSTATUS(s) == 0}] */
static void fmt_wait_status(struct strbuf *sb, int status)
{
	sb_puts(sb, "[{");
	if (WIFEXITED(status)) {
		sb_printf(sb, "WIFEXITED(s) && WEXITSTATUS(s) == %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		sb_puts(sb, "WIFSIGNALED(s) && WTERMSIG(s) == ");
		fmt_signal(sb, WTERMSIG(status));
		if (WCOREDUMP(status))
			sb_puts(sb, " && WCOREDUMP(s)");
	} else if (WIFSTOPPED(status)) {
		sb_puts(sb, "WIFSTOPPED(s) && WSTOPSIG(s) == ");
		fmt_signal(sb, WSTOPSIG(status));
	} else if (WIFCONTINUED(status)) {
		sb_puts(sb, "WIFCONTINUED(s)");
	} else {
		sb_printf(sb, "%#x", (unsigned)status);
	}
	sb_puts(sb, "}]");
}

static const char *cap_version_name(uint32_t v)
{
	switch (v) {
	case _LINUX_CAPABILITY_VERSION_1: return "_LINUX_CAPABILITY_VERSION_1";
	case _LINUX_CAPABILITY_VERSION_2: return "_LINUX_CAPABILITY_VERSION_2";
	case _LINUX_CAPABILITY_VERSION_3: return "_LINUX_CAPABILITY_VERSION_3";
	}
	return NULL;
}

void fmt_struct(struct strbuf *sb, const struct call *c, unsigned idx, unsigned phase, const struct show_style *st)
{
	const struct sys_arg *a = &c->entry->args[idx];
	uint64_t addr = c->args[idx];
	uint64_t aux = arg_or_zero(c, a->aux);
	if (!addr) {
		sb_puts(sb, "NULL");
		return;
	}
	switch (a->sk) {
	case SK_INT: {
		int32_t v;
		if (FETCH(c, phase, addr, v)) {
			sb_printf(sb, "[%d]", v);
			return;
		}
		break;
	}
	case SK_UINT64: {
		uint64_t v;
		if (FETCH(c, phase, addr, v)) {
			sb_printf(sb, "[%llu]", (unsigned long long)v);
			return;
		}
		break;
	}
	case SK_FDPAIR: {
		int32_t v[2];
		if (FETCH(c, phase, addr, v)) {
			sb_printf(sb, "[%d, %d]", v[0], v[1]);
			return;
		}
		break;
	}
	case SK_STAT: {
		struct stat s;
		if (FETCH(c, phase, addr, s)) {
			fmt_stat(sb, &s);
			return;
		}
		break;
	}
	case SK_STATX: {
		struct statx s;
		if (FETCH(c, phase, addr, s)) {
			fmt_statx(sb, &s);
			return;
		}
		break;
	}
	case SK_STATFS: {
		struct statfs s;
		if (FETCH(c, phase, addr, s)) {
			fmt_statfs(sb, &s);
			return;
		}
		break;
	}
	case SK_TIMESPEC: {
		struct timespec ts;
		if (FETCH(c, phase, addr, ts)) {
			fmt_timespec(sb, ts.tv_sec, ts.tv_nsec);
			return;
		}
		break;
	}
	case SK_TIMESPEC_PAIR: {
		struct timespec ts[2];
		if (FETCH(c, phase, addr, ts)) {
			sb_putc(sb, '[');
			fmt_utime_nsec(sb, &ts[0]);
			sb_puts(sb, ", ");
			fmt_utime_nsec(sb, &ts[1]);
			sb_putc(sb, ']');
			return;
		}
		break;
	}
	case SK_TIMEVAL: {
		struct timeval tv;
		if (FETCH(c, phase, addr, tv)) {
			fmt_timeval(sb, tv.tv_sec, tv.tv_usec);
			return;
		}
		break;
	}
	case SK_TIMEVAL_PAIR: {
		struct timeval tv[2];
		if (FETCH(c, phase, addr, tv)) {
			sb_putc(sb, '[');
			fmt_timeval(sb, tv[0].tv_sec, tv[0].tv_usec);
			fmt_time_comment(sb, tv[0].tv_sec, tv[0].tv_usec, 6);
			sb_puts(sb, ", ");
			fmt_timeval(sb, tv[1].tv_sec, tv[1].tv_usec);
			fmt_time_comment(sb, tv[1].tv_sec, tv[1].tv_usec, 6);
			sb_putc(sb, ']');
			return;
		}
		break;
	}
	case SK_TIMEZONE: {
		struct timezone tz;
		if (FETCH(c, phase, addr, tz)) {
			sb_printf(sb, "{tz_minuteswest=%d, tz_dsttime=%d}", tz.tz_minuteswest, tz.tz_dsttime);
			return;
		}
		break;
	}
	case SK_ITIMERVAL: {
		struct itimerval it;
		if (FETCH(c, phase, addr, it)) {
			sb_puts(sb, "{it_interval=");
			fmt_timeval(sb, it.it_interval.tv_sec, it.it_interval.tv_usec);
			sb_puts(sb, ", it_value=");
			fmt_timeval(sb, it.it_value.tv_sec, it.it_value.tv_usec);
			sb_putc(sb, '}');
			return;
		}
		break;
	}
	case SK_ITIMERSPEC: {
		struct itimerspec it;
		if (FETCH(c, phase, addr, it)) {
			sb_puts(sb, "{it_interval=");
			fmt_timespec(sb, it.it_interval.tv_sec, it.it_interval.tv_nsec);
			sb_puts(sb, ", it_value=");
			fmt_timespec(sb, it.it_value.tv_sec, it.it_value.tv_nsec);
			sb_putc(sb, '}');
			return;
		}
		break;
	}
	case SK_TIMEX: {
		struct timex tx;
		if (FETCH(c, phase, addr, tx)) {
			sb_printf(sb, "{modes=%#x, offset=%lld, freq=%lld, maxerror=%lld, esterror=%lld, status=%#x, ...}",
				  tx.modes, (long long)tx.offset, (long long)tx.freq, (long long)tx.maxerror,
				  (long long)tx.esterror, (unsigned)tx.status);
			return;
		}
		break;
	}
	case SK_RLIMIT: {
		uint64_t rl[2];
		if (FETCH(c, phase, addr, rl)) {
			sb_puts(sb, "{rlim_cur=");
			fmt_rlim(sb, rl[0]);
			sb_puts(sb, ", rlim_max=");
			fmt_rlim(sb, rl[1]);
			sb_putc(sb, '}');
			return;
		}
		break;
	}
	case SK_RUSAGE: {
		struct rusage ru;
		if (FETCH(c, phase, addr, ru)) {
			sb_puts(sb, "{ru_utime=");
			fmt_timeval(sb, ru.ru_utime.tv_sec, ru.ru_utime.tv_usec);
			sb_puts(sb, ", ru_stime=");
			fmt_timeval(sb, ru.ru_stime.tv_sec, ru.ru_stime.tv_usec);
			sb_puts(sb, ", ...}");
			return;
		}
		break;
	}
	case SK_TMS: {
		struct tms t;
		if (FETCH(c, phase, addr, t)) {
			sb_puts(sb, "{tms_utime=");
			fmt_clock_t(sb, (uint64_t)t.tms_utime);
			sb_puts(sb, ", tms_stime=");
			fmt_clock_t(sb, (uint64_t)t.tms_stime);
			sb_puts(sb, ", tms_cutime=");
			fmt_clock_t(sb, (uint64_t)t.tms_cutime);
			sb_puts(sb, ", tms_cstime=");
			fmt_clock_t(sb, (uint64_t)t.tms_cstime);
			sb_putc(sb, '}');
			return;
		}
		break;
	}
	case SK_UTSNAME: {
		const struct utsname *u = whole(c, phase, addr, sizeof(*u));
		if (u) {
			sb_puts(sb, "{sysname=");
			show_quote_field(sb, (const uint8_t *)u->sysname, sizeof(u->sysname), st);
			sb_puts(sb, ", nodename=");
			show_quote_field(sb, (const uint8_t *)u->nodename, sizeof(u->nodename), st);
			sb_puts(sb, ", ...}");
			return;
		}
		break;
	}
	case SK_SYSINFO: {
		struct sysinfo si;
		if (FETCH(c, phase, addr, si)) {
			sb_printf(sb, "{uptime=%lld, loads=[%llu, %llu, %llu], totalram=%llu, freeram=%llu, sharedram=%llu, "
				  "bufferram=%llu, totalswap=%llu, freeswap=%llu, procs=%u, totalhigh=%llu, freehigh=%llu, "
				  "mem_unit=%u}",
				  (long long)si.uptime, (unsigned long long)si.loads[0], (unsigned long long)si.loads[1],
				  (unsigned long long)si.loads[2], (unsigned long long)si.totalram,
				  (unsigned long long)si.freeram, (unsigned long long)si.sharedram,
				  (unsigned long long)si.bufferram, (unsigned long long)si.totalswap,
				  (unsigned long long)si.freeswap, si.procs, (unsigned long long)si.totalhigh,
				  (unsigned long long)si.freehigh, si.mem_unit);
			return;
		}
		break;
	}
	case SK_SIGACTION: {
		struct kernel_sigaction sa;
		if (FETCH(c, phase, addr, sa)) {
			fmt_sigaction(sb, &sa);
			return;
		}
		break;
	}
	case SK_SIGSET: {
		uint64_t size = aux > 8 || a->aux < 0 ? 8 : aux;
		const uint8_t *mask = whole(c, phase, addr, (size_t)size);
		if (mask) {
			fmt_sigset(sb, mask, (unsigned)size);
			return;
		}
		break;
	}
	case SK_SIGINFO: {
		const uint8_t *si = whole(c, phase, addr, sizeof(siginfo_t));
		if (si) {
			fmt_siginfo(sb, si, sizeof(siginfo_t));
			return;
		}
		break;
	}
	case SK_STACK: {
		stack_t ss;
		if (FETCH(c, phase, addr, ss)) {
			sb_puts(sb, "{ss_sp=");
			fmt_address(sb, (uint64_t)(uintptr_t)ss.ss_sp);
			sb_puts(sb, ", ss_flags=");
			fmt_flags(sb, ss_flag_names, (uint32_t)ss.ss_flags);
			sb_printf(sb, ", ss_size=%zu}", ss.ss_size);
			return;
		}
		break;
	}
	case SK_POLLFDS: {
		uint64_t avail;
		const uint8_t *p = call_mem(c, phase, addr, aux * sizeof(struct pollfd), &avail);
		if (p && avail >= aux * sizeof(struct pollfd)) {
			struct pollfd *fds = rp_malloc(aux * sizeof(*fds) + 1);
			memcpy(fds, p, aux * sizeof(*fds));
			fmt_pollfds(sb, fds, aux, 0);
			free(fds);
			return;
		}
		break;
	}
	case SK_FDSET: {
		const uint8_t *bits = whole(c, phase, addr, (size_t)((aux + 7) / 8));
		if (bits) {
			fmt_fdset(sb, bits, aux);
			return;
		}
		break;
	}
	case SK_EPOLL_EVENT: {
		struct epoll_event e;
		if (FETCH(c, phase, addr, e)) {
			fmt_epoll_event(sb, &e);
			return;
		}
		break;
	}
	case SK_EPOLL_EVENTS: {
		uint64_t n = result(c) > 0 ? (uint64_t)result(c) : 0;
		FMT_ARRAY(sb, c, phase, addr, n, struct epoll_event, fmt_epoll_event(sb, &el));
		return;
	}
	case SK_SOCKADDR:
		fmt_sockaddr_at(sb, c, phase, addr, aux);
		return;
	case SK_SOCKADDR_OUT: {
		uint32_t len;
		if (a->aux >= 0 && FETCH(c, phase, aux, len)) {
			fmt_sockaddr_at(sb, c, phase, addr, len);
			return;
		}
		break;
	}
	case SK_SOCKLEN:
		fmt_socklen(sb, c, addr, phase);
		return;
	case SK_SOCKOPT: {
		/* setsockopt passes the length; getsockopt a socklen_t* the kernel updates. */
		uint32_t len = (uint32_t)aux;
		if (phase == RPR_PHASE_EXIT && a->aux >= 0 && !FETCH(c, phase, aux, len))
			break;
		int32_t v;
		if (len == sizeof(v) && FETCH(c, phase, addr, v)) {
			sb_printf(sb, "[%d]", v);
			return;
		}
		uint64_t avail;
		const uint8_t *p = call_mem(c, phase, addr, len, &avail);
		if (p) {
			show_quote_buf(sb, p, avail, len, st);
			return;
		}
		break;
	}
	case SK_MSGHDR: {
		/* recvmsg's header is shown as the kernel left it; when it failed, only the name length passed */
		struct msghdr in, out;
		int have_in = FETCH(c, RPR_PHASE_ENTER, addr, in);
		if (a->kind == AK_STRUCT_INOUT && call_failed(c) && have_in) {
			sb_printf(sb, "{msg_namelen=%d}", (int)in.msg_namelen);
			return;
		}
		if (phase == RPR_PHASE_EXIT && FETCH(c, RPR_PHASE_EXIT, addr, out)) {
			fmt_msghdr(sb, c, &out, have_in ? &in : NULL, phase, (uint64_t)result(c), st);
			return;
		}
		if (have_in) {
			fmt_msghdr(sb, c, &in, NULL, phase, phase == RPR_PHASE_EXIT ? (uint64_t)result(c) : UINT64_MAX, st);
			return;
		}
		break;
	}
	case SK_MMSGHDR: {
		uint64_t n = phase == RPR_PHASE_EXIT && result(c) >= 0 ? (uint64_t)result(c) : aux;
		FMT_ARRAY(sb, c, RPR_PHASE_ENTER, addr, n, struct mmsghdr, {
			struct mmsghdr out = el;
			if (phase == RPR_PHASE_EXIT)
				FETCH(c, phase, addr + i_ * sizeof(el), out);
			sb_puts(sb, "{msg_hdr=");
			fmt_msghdr(sb, c, &el.msg_hdr, NULL, phase, phase == RPR_PHASE_EXIT ? out.msg_len : UINT64_MAX, st);
			sb_printf(sb, ", msg_len=%u}", out.msg_len);
		});
		return;
	}
	case SK_DIRENTS:
	case SK_LINUX_DIRENT: {
		uint64_t n = result(c) > 0 ? (uint64_t)result(c) : 0;
		uint64_t avail;
		const uint8_t *p = call_mem(c, phase, addr, n, &avail);
		fmt_address(sb, addr);
		if (phase == RPR_PHASE_EXIT) {
			uint64_t count = p ? count_dirents(p, avail) : 0;
			sb_printf(sb, " /* %llu entr%s */", (unsigned long long)count, count == 1 ? "y" : "ies");
		}
		return;
	}
	case SK_CLONE_ARGS:
		fmt_clone_args(sb, c, addr, aux);
		return;
	case SK_OPEN_HOW: {
		struct open_how how;
		if (FETCH(c, phase, addr, how)) {
			sb_puts(sb, "{flags=");
			fmt_open_flags(sb, how.flags);
			if ((how.flags & O_CREAT) || (how.flags & __O_TMPFILE) == __O_TMPFILE) {
				sb_puts(sb, ", mode=");
				fmt_mode(sb, how.mode, 0);
			}
			sb_puts(sb, ", resolve=");
			fmt_flags(sb, show_resolve_flag_names, how.resolve);
			sb_putc(sb, '}');
			return;
		}
		break;
	}
	case SK_SCHED_PARAM: {
		int32_t prio;
		if (FETCH(c, phase, addr, prio)) {
			sb_printf(sb, "[%d]", prio);
			return;
		}
		break;
	}
	case SK_CAP: {
		struct __user_cap_header_struct hdr;
		if (FETCH(c, phase, addr, hdr)) {
			const char *v = cap_version_name(hdr.version);
			if (v)
				sb_printf(sb, "{version=%s, pid=%d}", v, hdr.pid);
			else
				sb_printf(sb, "{version=%#x, pid=%d}", hdr.version, hdr.pid);
			return;
		}
		break;
	}
	case SK_CAP_DATA: {
		struct __user_cap_data_struct d[2];
		if (FETCH(c, phase, addr, d)) {
			sb_printf(sb, "{effective=%#llx, permitted=%#llx, inheritable=%#llx}",
				  (unsigned long long)d[0].effective | (unsigned long long)d[1].effective << 32,
				  (unsigned long long)d[0].permitted | (unsigned long long)d[1].permitted << 32,
				  (unsigned long long)d[0].inheritable | (unsigned long long)d[1].inheritable << 32);
			return;
		}
		break;
	}
	case SK_WAIT_STATUS: {
		int32_t status;
		if (FETCH(c, phase, addr, status)) {
			fmt_wait_status(sb, status);
			return;
		}
		break;
	}
	case SK_SIGEVENT: {
		struct sigevent ev;
		if (FETCH(c, phase, addr, ev)) {
			sb_printf(sb, "{sigev_value={sival_int=%d, sival_ptr=", ev.sigev_value.sival_int);
			fmt_address(sb, (uint64_t)(uintptr_t)ev.sigev_value.sival_ptr);
			sb_puts(sb, "}, sigev_signo=");
			fmt_signal(sb, ev.sigev_signo);
			sb_printf(sb, ", sigev_notify=%s}", ev.sigev_notify == SIGEV_SIGNAL ? "SIGEV_SIGNAL"
							    : ev.sigev_notify == SIGEV_NONE ? "SIGEV_NONE"
							    : ev.sigev_notify == SIGEV_THREAD ? "SIGEV_THREAD"
							    : ev.sigev_notify == SIGEV_THREAD_ID ? "SIGEV_THREAD_ID" : "?");
			return;
		}
		break;
	}
	case SK_PSELECT_SIGMASK: {
		uint64_t data[2];
		if (FETCH(c, phase, addr, data)) {
			sb_puts(sb, "{sigmask=");
			const uint8_t *mask = data[0] && data[1] <= 8 ? whole(c, phase, data[0], (size_t)data[1]) : NULL;
			if (mask)
				fmt_sigset(sb, mask, (unsigned)data[1]);
			else
				fmt_address(sb, data[0]);
			sb_printf(sb, ", sigsetsize=%llu}", (unsigned long long)data[1]);
			return;
		}
		break;
	}
	case SK_UTIMBUF: {
		int64_t t[2];
		if (FETCH(c, phase, addr, t)) {
			sb_printf(sb, "{actime=%lld", (long long)t[0]);
			fmt_time_comment(sb, t[0], 0, 0);
			sb_printf(sb, ", modtime=%lld", (long long)t[1]);
			fmt_time_comment(sb, t[1], 0, 0);
			sb_putc(sb, '}');
			return;
		}
		break;
	}
	case SK_CPU_SET: {
		uint64_t size = phase == RPR_PHASE_EXIT && result(c) > 0 ? (uint64_t)result(c) : aux;
		uint64_t avail;
		const uint8_t *bits = call_mem(c, phase, addr, size, &avail);
		if (bits && avail >= size) {
			fmt_fdset(sb, bits, size * 8);
			return;
		}
		break;
	}
	case SK_SOCK_FPROG: {
		struct { uint16_t len; uint64_t filter; } prog;
		if (FETCH(c, phase, addr, prog)) {
			sb_printf(sb, "{len=%u, filter=", prog.len);
			fmt_address(sb, prog.filter);
			sb_putc(sb, '}');
			return;
		}
		break;
	}
	case SK_SIZE_T: {
		uint64_t v;
		if (FETCH(c, phase, addr, v)) {
			sb_printf(sb, "[%llu]", (unsigned long long)v);
			return;
		}
		break;
	}
	case SK_ROBUST_LIST: {
		uint64_t head;
		if (phase == RPR_PHASE_EXIT && FETCH(c, phase, addr, head)) {
			sb_printf(sb, "[%#llx]", (unsigned long long)head);
			return;
		}
		break;
	}
	case SK_INT_ARRAY: {
		uint64_t n = phase == RPR_PHASE_EXIT && result(c) >= 0 ? (uint64_t)result(c) : aux;
		FMT_ARRAY(sb, c, phase, addr, n, int32_t, sb_printf(sb, "%d", el));
		return;
	}
	case SK_SCHED_ATTR: {
		uint32_t f[6];
		uint64_t t[3];
		if (FETCH(c, phase, addr, f) && FETCH(c, phase, addr + 24, t)) {
			sb_printf(sb, "{size=%u, sched_policy=", f[0]);
			fmt_enum(sb, sched_policy_names, f[1], 0);
			sb_printf(sb, ", sched_flags=%#llx, sched_nice=%d, sched_priority=%u, sched_runtime=%llu, "
				  "sched_deadline=%llu, sched_period=%llu}",
				  (unsigned long long)f[2] | (unsigned long long)f[3] << 32, (int32_t)f[4], f[5],
				  (unsigned long long)t[0], (unsigned long long)t[1], (unsigned long long)t[2]);
			return;
		}
		break;
	}
	case SK_MQ_ATTR: {
		struct mq_attr m;
		if (FETCH(c, phase, addr, m)) {
			sb_printf(sb, "{mq_flags=%lld, mq_maxmsg=%lld, mq_msgsize=%lld, mq_curmsgs=%lld}",
				  (long long)m.mq_flags, (long long)m.mq_maxmsg, (long long)m.mq_msgsize,
				  (long long)m.mq_curmsgs);
			return;
		}
		break;
	}
	case SK_SEMBUF:
		FMT_ARRAY(sb, c, phase, addr, aux, struct sembuf, {
			sb_printf(sb, "{sem_num=%u, sem_op=%d, sem_flg=", el.sem_num, el.sem_op);
			fmt_flags(sb, show_sem_flag_names, (uint16_t)el.sem_flg);
			sb_putc(sb, '}');
		});
		return;
	default:
		break;
	}
	fmt_address(sb, addr);
}

static void fmt_poll_revents(struct strbuf *sb, const struct call *c, unsigned idx)
{
	uint64_t n = arg_or_zero(c, c->entry->args[idx].aux);
	uint64_t avail;
	const uint8_t *p = call_mem(c, RPR_PHASE_EXIT, c->args[idx], n * sizeof(struct pollfd), &avail);
	if (!p || avail < n * sizeof(struct pollfd))
		return;
	struct pollfd *fds = rp_malloc(n * sizeof(*fds) + 1);
	memcpy(fds, p, n * sizeof(*fds));
	fmt_pollfds(sb, fds, n, 1);
	free(fds);
}

/* Joins the parts of a note: " (" before the first, ", " between. */
static void note_part(struct strbuf *sb, int *any)
{
	sb_puts(sb, *any ? ", " : " (");
	*any = 1;
}

/* " ([{fd=3, revents=POLLIN}], left {...})" or " (in [3], left {...})" */
static void fmt_ready_note(struct strbuf *sb, const struct call *c)
{
	static const char *const set_names[] = { "in", "out", "except" };
	unsigned which = 0;
	int any = 0;
	for (unsigned i = 0; i < c->entry->nargs && i < 6; i++) {
		const struct sys_arg *a = &c->entry->args[i];
		if (a->kind != AK_STRUCT_INOUT || !c->args[i])
			continue;
		if (a->sk == SK_POLLFDS) {
			note_part(sb, &any);
			fmt_poll_revents(sb, c, i);
		} else if (a->sk == SK_FDSET) {
			uint64_t nfds = arg_or_zero(c, a->aux);
			const uint8_t *bits = whole(c, RPR_PHASE_EXIT, c->args[i], (size_t)((nfds + 7) / 8));
			int set = 0;
			for (uint64_t fd = 0; bits && fd < nfds; fd++)
				set |= (bits[fd / 8] >> (fd % 8)) & 1;
			if (set) {
				note_part(sb, &any);
				sb_printf(sb, "%s ", which < 3 ? set_names[which] : "?");
				fmt_fdset(sb, bits, nfds);
			}
			which++;
		} else if (a->sk == SK_TIMESPEC || a->sk == SK_TIMEVAL) {
			struct timespec ts;
			struct timeval tv;
			if (a->sk == SK_TIMESPEC && FETCH(c, RPR_PHASE_EXIT, c->args[i], ts)) {
				note_part(sb, &any);
				sb_puts(sb, "left ");
				fmt_timespec(sb, ts.tv_sec, ts.tv_nsec);
			} else if (a->sk == SK_TIMEVAL && FETCH(c, RPR_PHASE_EXIT, c->args[i], tv)) {
				note_part(sb, &any);
				sb_puts(sb, "left ");
				fmt_timeval(sb, tv.tv_sec, tv.tv_usec);
			}
		}
	}
	if (any)
		sb_putc(sb, ')');
}

void fmt_result_note(struct strbuf *sb, const struct call *c, const struct show_style *st)
{
	(void)st;
	int64_t ret = result(c);
	for (unsigned i = 0; i < c->entry->nargs && i < 6; i++) {
		const struct sys_arg *a = &c->entry->args[i];
		if (a->kind != AK_STRUCT_INOUT || (a->sk != SK_POLLFDS && a->sk != SK_FDSET))
			continue;
		if (ret == 0)
			sb_puts(sb, " (Timeout)");
		else
			fmt_ready_note(sb, c);
		return;
	}
}

void fmt_siginfo(struct strbuf *sb, const uint8_t *bytes, size_t len)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	memcpy(&si, bytes, len < sizeof(si) ? len : sizeof(si));
	sb_puts(sb, "{si_signo=");
	fmt_signal(sb, si.si_signo);
	sb_puts(sb, ", si_code=");
	const char *code = si_code_name(si.si_signo, si.si_code);
	if (code)
		sb_puts(sb, code);
	else
		sb_printf(sb, "%d", si.si_code);
	if (si.si_errno)
		sb_printf(sb, ", si_errno=%d", si.si_errno);
	if (si.si_code == SI_KERNEL) {
		sb_putc(sb, '}');
		return;
	}
	if (si.si_code <= 0) {
		/* Sent by a process (kill, tgkill, sigqueue) or a POSIX timer. */
		if (si.si_code == SI_TIMER)
			sb_printf(sb, ", si_timerid=%#x, si_overrun=%d", (unsigned)si.si_timerid, si.si_overrun);
		else
			sb_printf(sb, ", si_pid=%d, si_uid=%u", si.si_pid, si.si_uid);
		if (si.si_code == SI_QUEUE || si.si_code == SI_TIMER || si.si_code == SI_MESGQ) {
			sb_printf(sb, ", si_int=%d, si_ptr=", si.si_int);
			fmt_address(sb, (uint64_t)(uintptr_t)si.si_ptr);
		}
		sb_putc(sb, '}');
		return;
	}
	switch (si.si_signo) {
	case SIGCHLD:
		sb_printf(sb, ", si_pid=%d, si_uid=%u, si_status=", si.si_pid, si.si_uid);
		if (si.si_code == CLD_EXITED)
			sb_printf(sb, "%d", si.si_status);
		else
			fmt_signal(sb, si.si_status);
		sb_puts(sb, ", si_utime=");
		fmt_clock_t(sb, (uint64_t)si.si_utime);
		sb_puts(sb, ", si_stime=");
		fmt_clock_t(sb, (uint64_t)si.si_stime);
		sb_putc(sb, '}');
		return;
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP:
		sb_puts(sb, ", si_addr=");
		fmt_address(sb, (uint64_t)(uintptr_t)si.si_addr);
		sb_putc(sb, '}');
		return;
	case SIGIO:
		sb_printf(sb, ", si_band=%ld, si_fd=%d}", si.si_band, si.si_fd);
		return;
	case SIGSYS:
		sb_puts(sb, ", si_call_addr=");
		fmt_address(sb, (uint64_t)(uintptr_t)si.si_call_addr);
		sb_printf(sb, ", si_syscall=%d, si_arch=%#x}", si.si_syscall, si.si_arch);
		return;
	}
	sb_printf(sb, ", si_pid=%d, si_uid=%u}", si.si_pid, si.si_uid);
}
