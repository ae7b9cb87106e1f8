#include "replay/verify.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "replay/exec.h"
#include "show/format.h"
#include "util/util.h"

void mismatch_log_init(struct mismatch_log *log, uint8_t policy)
{
	memset(log, 0, sizeof(*log));
	pthread_mutex_init(&log->lock, NULL);
	log->policy = policy;
}

void mismatch_log_destroy(struct mismatch_log *log)
{
	pthread_mutex_destroy(&log->lock);
}

void mismatch_report(struct mismatch_log *log, const char *what, const char *expected, const char *actual)
{
	pthread_mutex_lock(&log->lock);
	log->count++;
	if (log->policy != MISMATCH_IGNORE && log->shown < MISMATCHES_SHOWN) {
		log->shown++;
		fprintf(stderr, "reprise: mismatch: %s: expected %s, replay %s\n", what, expected, actual);
	}
	pthread_mutex_unlock(&log->lock);
}

static void describe_result(struct strbuf *sb, int64_t ret)
{
	if (ret < 0 && ret > -4096) {
		const char *name = strerrorname_np((int)-ret);
		sb_printf(sb, "-1 %s (%s)", name ? name : "E???", strerror((int)-ret));
	} else {
		sb_printf(sb, "%lld", (long long)ret);
	}
}

static void describe_call(struct strbuf *sb, const struct arch *arch, const struct rpr_event *enter,
			  const struct rpr_event *exit)
{
	static const struct show_style style = { .strsize = 32 };
	struct call c = { .arch = arch, .nr = enter->u.enter.nr, .args = enter->u.enter.args, .enter = enter, .exit = exit };
	c.entry = sys_by_nr(arch, c.nr);
	sb_printf(sb, "[pid %d] ", enter->tid);
	fmt_call_name(sb, &c);
	sb_putc(sb, '(');
	fmt_call_args(sb, &c, FMT_ALL, &style);
	sb_puts(sb, ") ");
	fmt_call_result(sb, &c, &style);
}

static void report(struct mismatch_log *log, const struct arch *arch, const struct rpr_event *enter,
		   const struct rpr_event *exit, const char *expected, const char *actual)
{
	struct strbuf what;
	sb_init(&what);
	describe_call(&what, arch, enter, exit);
	mismatch_report(log, what.buf, expected, actual);
	sb_free(&what);
}

/* Where two byte ranges first differ, or -1. */
static int64_t first_difference(const uint8_t *a, const uint8_t *b, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return (int64_t)i;
	return -1;
}

/* Compares the replayed buffer with the recorded bytes at addr (as many as were kept). -1 or the first differing byte. */
static int64_t compare_buffer(const struct rpr_event *exit, uint64_t addr, const uint8_t *got, uint64_t len)
{
	uint64_t avail = 0;
	const uint8_t *rec = rpr_event_mem(exit, RPR_PHASE_EXIT, addr, len, &avail);
	if (!rec)
		return -1;
	return first_difference(rec, got, avail < len ? avail : len);
}

static int64_t compare_iovecs(const struct rpr_event *enter, const struct rpr_event *exit, uint64_t addr, uint64_t n,
			      const struct iovec *got, uint64_t total)
{
	const uint8_t *vec = exec_recorded(enter, RPR_PHASE_ENTER, addr, n * sizeof(struct iovec));
	if (!vec)
		vec = exec_recorded(exit, RPR_PHASE_EXIT, addr, n * sizeof(struct iovec));
	if (!vec)
		return -1;
	uint64_t at = 0;
	for (uint64_t k = 0; k < n && at < total; k++) {
		struct iovec rec;
		memcpy(&rec, vec + k * sizeof(rec), sizeof(rec));
		uint64_t len = rec.iov_len < total - at ? rec.iov_len : total - at;
		len = len < got[k].iov_len ? len : got[k].iov_len;
		int64_t d = compare_buffer(exit, (uint64_t)(uintptr_t)rec.iov_base, got[k].iov_base, len);
		if (d >= 0)
			return (int64_t)at + d;
		at += len;
	}
	return -1;
}

struct dirent_key {
	uint8_t type;
	const char *name;
};

static int compare_keys(const void *a, const void *b)
{
	const struct dirent_key *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (int)x->type - (int)y->type;
}

/* The (name, type) pairs of a linux_dirent64 buffer, sorted; NULL if malformed. */
static struct dirent_key *dirent_keys(const uint8_t *buf, uint64_t len, size_t *n)
{
	enum { RECLEN_AT = 16, TYPE_AT = 18, NAME_AT = 19 };
	size_t cap = 16;
	struct dirent_key *keys = rp_malloc(cap * sizeof(*keys));
	*n = 0;
	for (uint64_t at = 0; at < len;) {
		uint16_t reclen;
		if (len - at < NAME_AT + 1)
			break;
		memcpy(&reclen, buf + at + RECLEN_AT, 2);
		if (reclen < NAME_AT + 1 || reclen > len - at || !memchr(buf + at + NAME_AT, 0, reclen - NAME_AT)) {
			free(keys);
			return NULL;
		}
		if (*n == cap)
			keys = rp_realloc(keys, (cap *= 2) * sizeof(*keys));
		keys[(*n)++] = (struct dirent_key){ .type = buf[at + TYPE_AT], .name = (const char *)buf + at + NAME_AT };
		at += reclen;
	}
	qsort(keys, *n, sizeof(*keys), compare_keys);
	return keys;
}

/* The first listed name that differs, or NULL (written into out). */
static int compare_dirents(const uint8_t *rec, const uint8_t *got, uint64_t len, struct strbuf *out)
{
	size_t nr = 0, ng = 0;
	struct dirent_key *a = dirent_keys(rec, len, &nr), *b = dirent_keys(got, len, &ng);
	int differ = 0;
	if (!a || !b || nr != ng) {
		sb_printf(out, "%zu entries instead of %zu", ng, nr);
		differ = 1;
	}
	for (size_t i = 0; !differ && i < nr; i++) {
		if (compare_keys(&a[i], &b[i])) {
			sb_printf(out, "entry \"%s\" (type %u) instead of \"%s\" (type %u)", b[i].name, b[i].type, a[i].name,
				  a[i].type);
			differ = 1;
		}
	}
	free(a);
	free(b);
	return differ;
}

struct file_facts {
	uint32_t mode, uid, gid;
	uint64_t size, rdev;
};

static void stat_facts(const uint8_t *p, int statx_layout, struct file_facts *f)
{
	if (statx_layout) {
		struct statx sx;
		memcpy(&sx, p, sizeof(sx));
		*f = (struct file_facts){ .mode = sx.stx_mode, .uid = sx.stx_uid, .gid = sx.stx_gid,
					  .size = sx.stx_size, .rdev = ((uint64_t)sx.stx_rdev_major << 32) | sx.stx_rdev_minor };
	} else {
		struct stat st;
		memcpy(&st, p, sizeof(st));
		*f = (struct file_facts){ .mode = st.st_mode, .uid = st.st_uid,
					  .gid = st.st_gid, .size = (uint64_t)st.st_size, .rdev = st.st_rdev };
	}
}

/* Which stat field differs (times, inode, device, blocks and directory sizes aside); 0 if none. */
static int compare_stat(const uint8_t *rec, const uint8_t *got, int statx_layout, struct strbuf *out)
{
	struct file_facts a, b;
	stat_facts(rec, statx_layout, &a);
	stat_facts(got, statx_layout, &b);
	int dir = S_ISDIR(a.mode);
	if (a.mode != b.mode)
		sb_printf(out, "st_mode 0%o instead of 0%o", b.mode, a.mode);
	else if (a.uid != b.uid || a.gid != b.gid)
		sb_printf(out, "owner %u:%u instead of %u:%u", b.uid, b.gid, a.uid, a.gid);
	else if (!dir && a.size != b.size)
		sb_printf(out, "st_size %llu instead of %llu", (unsigned long long)b.size, (unsigned long long)a.size);
	else if (a.rdev != b.rdev)
		sb_printf(out, "st_rdev %llu instead of %llu", (unsigned long long)b.rdev, (unsigned long long)a.rdev);
	else
		return 0;
	return 1;
}

/* Compares what argument i returned; 1 with the difference described in out. */
static int compare_output(const struct sys_arg *a, int i, const struct rpr_event *enter, const struct rpr_event *exit,
			  const struct exec_result *r, struct strbuf *out)
{
	const uint64_t *args = enter->u.enter.args;
	uint64_t ret = (uint64_t)exit->u.exit.ret;
	const uint8_t *got = (const uint8_t *)(uintptr_t)r->args[i];
	int64_t at = -1;
	switch (a->kind) {
	case AK_BUF_OUT:
	case AK_STR_OUT:
	case AK_PATH_OUT:
		at = compare_buffer(exit, args[i], got, ret);
		break;
	case AK_IOV_OUT:
		at = compare_iovecs(enter, exit, args[i], (uint64_t)(int32_t)args[a->aux], (const struct iovec *)got, ret);
		break;
	case AK_STRUCT_OUT: {
		if (!args[i] || !got)
			return 0;
		if (a->sk == SK_DIRENTS) {
			const uint8_t *rec = exec_recorded(exit, RPR_PHASE_EXIT, args[i], ret);
			return rec && compare_dirents(rec, got, ret, out);
		}
		if (a->sk == SK_STAT || a->sk == SK_STATX) {
			uint64_t size = exec_struct_size(a, args);
			const uint8_t *rec = exec_recorded(exit, RPR_PHASE_EXIT, args[i], size);
			return rec && compare_stat(rec, got, a->sk == SK_STATX, out);
		}
		return 0;
	}
	default:
		return 0;
	}
	if (at < 0)
		return 0;
	sb_printf(out, "different data from byte %lld", (long long)at);
	return 1;
}

/* Calls on the recorded program's own standard descriptors: only what was written is compared. */
static int writes_data(const struct sys_entry *e)
{
	for (int i = 0; i < e->nargs; i++)
		if (e->args[i].kind == AK_BUF_IN || e->args[i].kind == AK_IOV_IN)
			return 1;
	return 0;
}

int verify_call(struct mismatch_log *log, const struct arch *arch, const struct rpr_event *enter,
		const struct rpr_event *exit, const struct exec_result *r, int compare_data)
{
	const struct sys_entry *e = sys_by_nr(arch, enter->u.enter.nr);
	if (!e || (r->on_stdio && !writes_data(e)))
		return 0;
	int64_t expected = exit->u.exit.ret;
	struct strbuf want, got;
	sb_init(&want);
	sb_init(&got);
	int differ = 0;
	if (r->ret != expected) {
		describe_result(&want, expected);
		describe_result(&got, r->ret);
		differ = 1;
	} else if (compare_data && expected >= 0 && !r->on_stdio) {
		for (int i = 0; i < e->nargs && !differ; i++)
			differ = compare_output(&e->args[i], i, enter, exit, r, &got);
		if (differ)
			sb_puts(&want, "the recorded data");
	}
	if (differ)
		report(log, arch, enter, exit, want.buf, got.buf);
	sb_free(&want);
	sb_free(&got);
	return differ;
}
