#include "replay/exec.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

/* Output buffers bigger than this are cut to what the recorded call got plus a page: read(fd, buf, 1 GiB) of a small file. */
enum { OUTPUT_CAP = 1 << 24, MAX_IOVECS = 1024 };

/* A translation that decided the call's result without issuing it, or that the call cannot be replayed. */
#define NOT_REPLAYED INT64_MIN

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *scratch(struct exec_result *r, size_t n)
{
	if (r->nallocs == EXEC_MAX_SCRATCH)
		rp_die(1, "replay: too many buffers for one call");
	void *p = rp_calloc(1, n ? n : 1);
	r->allocs[r->nallocs++] = p;
	return p;
}

/* Scratch the kernel fills: not cleared first, which costs a pass over large read buffers. */
static void *output_scratch(struct exec_result *r, size_t n)
{
	if (r->nallocs == EXEC_MAX_SCRATCH)
		rp_die(1, "replay: too many buffers for one call");
	void *p = rp_malloc(n ? n : 1);
	r->allocs[r->nallocs++] = p;
	return p;
}

static char *scratch_string(struct exec_result *r, char *owned)
{
	if (r->nallocs == EXEC_MAX_SCRATCH)
		rp_die(1, "replay: too many buffers for one call");
	r->allocs[r->nallocs++] = owned;
	return owned;
}

static void keep_fd(struct exec_result *r, int fd)
{
	if (r->nfds == EXEC_MAX_SCRATCH) {
		close(fd);
		return;
	}
	r->fds[r->nfds++] = fd;
}

void exec_release(struct exec_result *r)
{
	for (unsigned i = 0; i < r->nallocs; i++)
		free(r->allocs[i]);
	for (unsigned i = 0; i < r->nfds; i++)
		close(r->fds[i]);
	r->nallocs = r->nfds = 0;
}

const uint8_t *exec_recorded(const struct rpr_event *ev, unsigned phase, uint64_t addr, uint64_t len)
{
	static const uint8_t nothing[1];
	if (!ev)
		return NULL;
	if (!len)
		return nothing;
	uint64_t avail = 0;
	const uint8_t *p = rpr_event_mem(ev, phase, addr, len, &avail);
	return p && avail >= len ? p : NULL;
}

const char *exec_recorded_string(const struct rpr_event *ev, uint64_t addr)
{
	uint64_t avail = 0;
	const uint8_t *p = rpr_event_mem(ev, RPR_PHASE_ENTER, addr, 1u << 16, &avail);
	if (!p || !memchr(p, 0, avail))
		return NULL;
	return (const char *)p;
}

uint64_t exec_struct_size(const struct sys_arg *arg, const uint64_t args[6])
{
	switch (arg->sk) {
	case SK_INT:
		return 4;
	case SK_UINT64:
	case SK_FDPAIR:
		return 8;
	case SK_STAT:
		return sizeof(struct stat);
	case SK_STATX:
		return sizeof(struct statx);
	case SK_STATFS:
		return sizeof(struct statfs);
	case SK_TIMESPEC:
	case SK_UTIMBUF:
		return 16;
	case SK_TIMESPEC_PAIR:
	case SK_TIMEVAL_PAIR:
		return 32;
	case SK_DIRENTS:
		return args[2];
	case SK_OPEN_HOW:
		return arg->aux >= 0 ? args[arg->aux] : 0;
	default:
		return 0;
	}
}

static uint64_t output_len(uint64_t asked, const struct rpr_event *exit)
{
	if (asked <= OUTPUT_CAP)
		return asked;
	int64_t got = exit->u.exit.ret;
	uint64_t need = got > 0 ? (uint64_t)got + 4096 : 4096;
	need = need > OUTPUT_CAP ? need : OUTPUT_CAP;
	return need < asked ? need : asked;
}

static int64_t not_replayed(struct exec_result *r, const char *why)
{
	r->replayed = 0;
	r->skip = why;
	return NOT_REPLAYED;
}

static void note_origin(struct exec_result *r, uint8_t origin)
{
	if (origin & FD_ORIGIN_STDIO)
		r->on_stdio = 1;
	if (origin & FD_ORIGIN_OUTSIDE)
		r->outside = 1;
	if (origin & FD_ORIGIN_DEVICE)
		r->device = 1;
}

static uint64_t map_fd(struct replay_process *proc, int64_t fd, struct exec_result *r)
{
	struct fd_view v = fd_map_get_fd(proc->fds, fd);
	note_origin(r, v.origin);
	return (uint64_t)(int64_t)v.replay_fd;
}

/* /proc and /sys: their contents are the recording machine's, not files replay can reproduce. */
static int outside_path(const char *full)
{
	return strncmp(full, "/proc", 5) == 0 && (full[5] == '/' || !full[5]) ? 1 :
	       strncmp(full, "/sys", 4) == 0 && (full[4] == '/' || !full[4]);
}

/*
 * /dev: its files are the recording machine's devices (random numbers, terminals), stood in for by plain files.
 * /dev/shm is a tmpfs of ordinary files whose bytes replay reproduces.
 */
static int device_path(const char *full)
{
	return strncmp(full, "/dev/", 5) == 0 && strncmp(full, "/dev/shm/", 9) != 0;
}

/* The recorded directory a relative path is relative to (a new string); NULL with -errno in *err. */
static char *base_dir(struct replay_process *proc, int64_t dirfd, int64_t *err, struct exec_result *r)
{
	if ((int32_t)dirfd == AT_FDCWD)
		return fs_context_cwd(proc->fs);
	struct fd_view v = fd_map_get(proc->fds, (int32_t)dirfd);
	note_origin(r, v.origin);
	if (v.replay_fd < 0 || !v.path)
		*err = v.replay_fd < 0 ? -EBADF : -ENOTDIR;
	return v.path;
}

/* The recorded absolute path of path argument i against its directory argument; NULL with *err set. */
static char *full_path(struct replay_process *proc, const char *path, int64_t dirfd, int64_t *err, struct exec_result *r)
{
	if (path[0] == '/')
		return sandbox_join(NULL, path);
	char *base = base_dir(proc, dirfd, err, r);
	if (!base)
		return NULL;
	char *full = sandbox_join(base, path);
	free(base);
	return full;
}

/*
 * The recorded descriptor N of a path that names it as /proc/self/fd/N (also through
 * thread-self or the recorded pid or tid): programs use it to act on an O_PATH
 * descriptor (tar sets directory modes so). -1 for any other path.
 */
static int64_t proc_fd_path(const char *full, const struct rpr_event *enter)
{
	/* most paths are not in /proc: spares them formatting the prefixes, twice per path-taking call */
	if (strncmp(full, "/proc/", 6) != 0)
		return -1;
	char by_pid[48], by_tid[48];
	snprintf(by_pid, sizeof(by_pid), "/proc/%d/fd/", (int)enter->pid);
	snprintf(by_tid, sizeof(by_tid), "/proc/%d/fd/", (int)enter->tid);
	const char *prefixes[] = { "/proc/self/fd/", "/proc/thread-self/fd/", by_pid, by_tid };
	for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
		size_t n = strlen(prefixes[k]);
		const char *digits = full + n;
		if (strncmp(full, prefixes[k], n) != 0 || !isdigit((unsigned char)digits[0]))
			continue;
		char *end;
		errno = 0;
		long fd = strtol(digits, &end, 10);
		/* a path below the descriptor could climb out of the root: only the descriptor itself */
		return *end || errno || fd > INT32_MAX ? -1 : fd;
	}
	return -1;
}

/* Path argument i names recorded descriptor fd through /proc: the replayed descriptor, through the replay's /proc. */
static int64_t translate_proc_fd_path(struct replay_process *proc, int64_t fd, int i, int d, struct exec_result *r)
{
	int replay_fd = (int)map_fd(proc, fd, r);
	if (replay_fd < 0)
		return not_replayed(r, "descriptor named through /proc unknown to replay");
	size_t len = 32;
	char *proc_path = scratch(r, len);
	snprintf(proc_path, len, "/proc/self/fd/%d", replay_fd);
	r->args[i] = (uint64_t)(uintptr_t)proc_path;
	if (d >= 0)
		r->args[d] = (uint64_t)(int64_t)AT_FDCWD;
	return 0;
}

static int dirfd_arg_of(const struct sys_entry *e, int i)
{
	return i > 0 && e->args[i - 1].kind == AK_DIRFD ? i - 1 : -1;
}

/*
 * Points path argument i into the sandbox: /proc/self/fd/N for a file resolved whole
 * (following a final symlink); for NAME in a resolved directory N, (N, NAME) when the
 * call takes a directory descriptor, else /proc/self/fd/N/NAME. 0, a -errno result the
 * call would have given, or NOT_REPLAYED.
 */
static int64_t translate_path(struct replay_ctx *ctx, struct replay_process *proc, const struct sys_entry *e,
			      const struct rpr_event *enter, int i, int follow, struct exec_result *r)
{
	const uint64_t *args = enter->u.enter.args;
	int d = dirfd_arg_of(e, i);
	int64_t dirfd = d >= 0 ? (int32_t)args[d] : AT_FDCWD;
	if (!args[i]) {
		r->args[i] = 0;
		if (d >= 0 && dirfd != AT_FDCWD)
			r->args[d] = map_fd(proc, dirfd, r);
		return 0;
	}
	const char *path = exec_recorded_string(enter, args[i]);
	if (!path)
		return not_replayed(r, "path not captured");
	if (!path[0]) {
		/* AT_EMPTY_PATH: the call is about the directory descriptor itself */
		r->args[i] = (uint64_t)(uintptr_t)"";
		if (d >= 0 && dirfd != AT_FDCWD) {
			r->args[d] = map_fd(proc, dirfd, r);
			return 0;
		}
		char *cwd = fs_context_cwd(proc->fs);
		int fd = sandbox_resolve(&ctx->sandbox, cwd);
		free(cwd);
		if (fd < 0)
			return fd;
		keep_fd(r, fd);
		if (d >= 0)
			r->args[d] = (uint64_t)fd;
		return 0;
	}
	int64_t err = 0;
	char *full = full_path(proc, path, dirfd, &err, r);
	if (!full)
		return err;
	scratch_string(r, full);
	int64_t fd_path = proc_fd_path(full, enter);
	if (fd_path >= 0)
		return translate_proc_fd_path(proc, fd_path, i, d, r);
	if (outside_path(full))
		return not_replayed(r, "on /proc or /sys");
	int fd;
	const char *name = NULL;
	if (follow) {
		fd = sandbox_resolve(&ctx->sandbox, full);
		if (fd < 0)
			return fd;
	} else {
		int rc = sandbox_split(&ctx->sandbox, full, &fd, &name);
		if (rc < 0)
			return rc;
	}
	keep_fd(r, fd);
	/*
	 * No name: the path was the root, or ended in "." or "..", a directory. Named through its
	 * descriptor's magic link, a call that does not follow links would act on the link itself.
	 */
	if (!name && !follow)
		name = ".";
	if (name && d >= 0) {
		/* the call takes a directory descriptor: the resolved directory itself */
		r->args[d] = (uint64_t)fd;
		r->args[i] = (uint64_t)(uintptr_t)name;
		return 0;
	}
	size_t len = 32 + (name ? strlen(name) : 0);
	char *proc_path = scratch(r, len);
	snprintf(proc_path, len, "/proc/self/fd/%d%s%s", fd, name ? "/" : "", name ? name : "");
	r->args[i] = (uint64_t)(uintptr_t)proc_path;
	if (d >= 0)
		r->args[d] = (uint64_t)(int64_t)AT_FDCWD;
	return 0;
}

static int64_t translate_iovecs(const struct replay_ctx *ctx, const struct sys_arg *a, const struct rpr_event *enter,
				const struct rpr_event *exit, int i, struct exec_result *r)
{
	const uint64_t *args = enter->u.enter.args;
	int64_t n = (int32_t)args[a->aux];
	if (n <= 0 || n > MAX_IOVECS)
		return 0;
	size_t bytes = (size_t)n * sizeof(struct iovec);
	const uint8_t *vec = exec_recorded(enter, RPR_PHASE_ENTER, args[i], bytes);
	if (!vec)
		vec = exec_recorded(exit, RPR_PHASE_EXIT, args[i], bytes);
	if (!vec)
		return not_replayed(r, "iovec array not captured");
	struct iovec *iov = scratch(r, bytes);
	memcpy(iov, vec, bytes);
	int input = a->kind == AK_IOV_IN;
	uint64_t total = 0;
	for (int64_t k = 0; k < n; k++)
		total += iov[k].iov_len;
	uint64_t budget = input ? total : output_len(total, exit);
	uint8_t *data = input ? scratch(r, budget) : output_scratch(r, budget);
	uint64_t at = 0;
	for (int64_t k = 0; k < n; k++) {
		uint64_t len = iov[k].iov_len < budget - at ? iov[k].iov_len : budget - at;
		if (input) {
			uint64_t avail = 0;
			const uint8_t *rec = rpr_event_mem(enter, RPR_PHASE_ENTER, (uint64_t)(uintptr_t)iov[k].iov_base, len,
							   &avail);
			data_fill_input(&ctx->opt->data, data + at, len, rec, avail);
		}
		iov[k].iov_base = data + at;
		iov[k].iov_len = len;
		at += len;
	}
	r->args[i] = (uint64_t)(uintptr_t)iov;
	return 0;
}

static int64_t translate_args(struct replay_ctx *ctx, struct replay_process *proc, const struct replay_rule *rule,
			      const struct sys_entry *e, const struct rpr_event *enter, const struct rpr_event *exit,
			      struct exec_result *r)
{
	const uint64_t *args = enter->u.enter.args;
	int first_path = 1;
	for (int i = 0; i < e->nargs; i++) {
		const struct sys_arg *a = &e->args[i];
		uint64_t v = args[i];
		int64_t rc = 0;
		switch (a->kind) {
		case AK_FD:
			r->args[i] = map_fd(proc, (int32_t)v, r);
			break;
		case AK_DIRFD:
			r->args[i] = (int32_t)v == AT_FDCWD ? v : map_fd(proc, (int32_t)v, r);
			break;
		case AK_STR:
			if (v && !(r->args[i] = (uint64_t)(uintptr_t)exec_recorded_string(enter, v)))
				return not_replayed(r, "string not captured");
			break;
		case AK_PATH:
			if (i == rule->literal_arg) {
				if (!(r->args[i] = (uint64_t)(uintptr_t)exec_recorded_string(enter, v)))
					return not_replayed(r, "path not captured");
				break;
			}
			rc = translate_path(ctx, proc, e, enter, i, first_path && replay_rule_follows(rule, args), r);
			first_path = 0;
			break;
		case AK_BUF_IN: {
			uint64_t len = args[a->aux], avail = 0;
			const uint8_t *rec = rpr_event_mem(enter, RPR_PHASE_ENTER, v, len, &avail);
			if (rec && avail == len && ctx->opt->data.mode == DATA_RECORDED) {
				/* the kernel only reads it: the recorded bytes themselves, uncopied */
				r->args[i] = (uint64_t)(uintptr_t)rec;
				break;
			}
			uint8_t *buf = scratch(r, len);
			data_fill_input(&ctx->opt->data, buf, len, rec, avail);
			r->args[i] = (uint64_t)(uintptr_t)buf;
			break;
		}
		case AK_BUF_OUT:
		case AK_STR_OUT: {
			uint64_t len = output_len(args[a->aux], exit);
			r->args[i] = (uint64_t)(uintptr_t)output_scratch(r, len);
			r->args[a->aux] = len;
			break;
		}
		case AK_IOV_IN:
		case AK_IOV_OUT:
			rc = translate_iovecs(ctx, a, enter, exit, i, r);
			break;
		case AK_STRUCT_IN:
		case AK_STRUCT_INOUT:
		case AK_STRUCT_OUT: {
			if (!v)
				break;
			uint64_t size = exec_struct_size(a, args);
			if (!size)
				return not_replayed(r, "argument structure unknown to replay");
			void *p = scratch(r, size);
			if (a->kind != AK_STRUCT_OUT) {
				const uint8_t *rec = exec_recorded(enter, RPR_PHASE_ENTER, v, size);
				if (!rec)
					return not_replayed(r, "structure not captured");
				memcpy(p, rec, size);
			}
			r->args[i] = (uint64_t)(uintptr_t)p;
			break;
		}
		case AK_MODE_T:
			if ((v & S_IFMT) && (v & S_IFMT) != S_IFREG && (v & S_IFMT) != S_IFIFO)
				return not_replayed(r, "device node");
			break;
		default:
			break;
		}
		if (rc)
			return rc;
	}
	if (rule->mode_arg >= 0)
		r->args[rule->mode_arg] &= ~(uint64_t)fs_context_umask(proc->fs, -1);
	return 0;
}

static int64_t issue(uint32_t nr, const uint64_t a[6], struct exec_result *r)
{
	uint64_t start = now_ns();
	long ret = syscall((long)nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	r->ns = now_ns() - start;
	return ret < 0 ? -errno : ret;
}

static int first_arg_of_kind(const struct sys_entry *e, unsigned kind)
{
	for (int i = 0; i < e->nargs; i++)
		if (e->args[i].kind == kind)
			return i;
	return -1;
}

static int64_t do_open(struct replay_ctx *ctx, struct replay_process *proc, const struct replay_rule *rule,
		       const struct sys_entry *e, const struct rpr_event *enter, const struct rpr_event *exit,
		       struct exec_result *r)
{
	const uint64_t *args = enter->u.enter.args;
	int p = first_arg_of_kind(e, AK_PATH), flags_arg = first_arg_of_kind(e, AK_OPEN_FLAGS);
	int d = dirfd_arg_of(e, p);
	const char *path = exec_recorded_string(enter, args[p]);
	if (!path)
		return not_replayed(r, "path not captured");
	uint64_t flags = O_CREAT | O_WRONLY | O_TRUNC, mode = rule->mode_arg >= 0 ? args[rule->mode_arg] : 0, resolve = 0;
	if (flags_arg >= 0)
		flags = args[flags_arg];
	int how_arg = first_arg_of_kind(e, AK_STRUCT_IN);
	if (how_arg >= 0) {
		struct open_how how = { 0 };
		uint64_t size = args[how_arg + 1] < sizeof(how) ? args[how_arg + 1] : sizeof(how);
		const uint8_t *rec = exec_recorded(enter, RPR_PHASE_ENTER, args[how_arg], size);
		if (!rec)
			return not_replayed(r, "open_how not captured");
		memcpy(&how, rec, size);
		flags = how.flags;
		mode = how.mode;
		resolve = how.resolve & (RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
	}
	if (!path[0])
		return -ENOENT;
	int64_t err = 0;
	char *full = full_path(proc, path, d >= 0 ? (int32_t)args[d] : AT_FDCWD, &err, r);
	if (!full)
		return err;
	int64_t recorded = exit->u.exit.ret;
	if (outside_path(full)) {
		/* stands for the file so calls on the descriptor keep their place */
		int fd = recorded >= 0 ? open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
		if (fd >= 0)
			fd_map_install(proc->fds, recorded, fd, (flags & O_CLOEXEC) != 0, FD_ORIGIN_OUTSIDE, full);
		else
			free(full);
		return not_replayed(r, "on /proc or /sys");
	}
	/* ENXIO from /dev/tty without a terminal, EBUSY: the recording machine's device said no, not a file */
	if (recorded < 0 && recorded != -ENOENT && device_path(full)) {
		free(full);
		return not_replayed(r, "a device's refusal");
	}
	mode &= ~(uint64_t)fs_context_umask(proc->fs, -1);
	uint64_t start = now_ns();
	int fd = sandbox_openat2(&ctx->sandbox, full, flags & ~(uint64_t)O_CLOEXEC, mode, resolve);
	r->ns = now_ns() - start;
	if (fd < 0 || recorded < 0) {
		free(full);
		if (fd >= 0)
			close(fd);
		return fd;
	}
	uint8_t origin = device_path(full) ? FD_ORIGIN_DEVICE : 0;
	r->device = origin != 0;
	fd_map_install_fresh(proc->fds, recorded, fd, (flags & O_CLOEXEC) != 0, origin, full, ctx->fd_reuse_wait_ms);
	return recorded;
}

/* A copy of recorded descriptor `old` at recorded number `target` (the recorded result). */
static int64_t duplicate(struct replay_process *proc, int64_t old, int64_t target, int cloexec, struct exec_result *r)
{
	struct fd_view v = fd_map_get(proc->fds, old);
	note_origin(r, v.origin);
	if (v.replay_fd < 0) {
		free(v.path);
		return -EBADF;
	}
	int fd = fcntl(v.replay_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0 || target < 0) {
		free(v.path);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? -errno : fd;
	}
	if (fd_map_install(proc->fds, target, fd, cloexec, v.origin, v.path) < 0)
		return -EBADF;
	return target;
}

static int64_t do_dup(struct replay_process *proc, const char *name, const uint64_t *args, int64_t recorded,
		      struct exec_result *r)
{
	int64_t old = (int32_t)args[0];
	if (strcmp(name, "dup") == 0)
		return duplicate(proc, old, recorded, 0, r);
	int64_t target = (int32_t)args[1];
	if (old == target) {
		if (strcmp(name, "dup3") == 0)
			return -EINVAL;
		return fd_map_get_cloexec(proc->fds, old) < 0 ? -EBADF : target;
	}
	return duplicate(proc, old, target, strcmp(name, "dup3") == 0 && (args[2] & O_CLOEXEC), r);
}

static int64_t do_fcntl(struct replay_process *proc, const struct rpr_event *enter, int64_t recorded,
			struct exec_result *r)
{
	const uint64_t *args = enter->u.enter.args;
	int64_t fd = (int32_t)args[0];
	int cmd = (int)args[1];
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return duplicate(proc, fd, recorded, cmd == F_DUPFD_CLOEXEC, r);
	case F_GETFD: {
		int c = fd_map_get_cloexec(proc->fds, fd);
		return c < 0 ? -EBADF : c ? FD_CLOEXEC : 0;
	}
	case F_SETFD:
		return fd_map_set_cloexec(proc->fds, fd, (args[2] & FD_CLOEXEC) != 0) < 0 ? -EBADF : 0;
	case F_GETFL:
	case F_SETFL:
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
	case F_ADD_SEALS:
	case F_GET_SEALS:
		r->args[0] = map_fd(proc, fd, r);
		return issue((uint32_t)SYS_fcntl, r->args, r);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW: {
		const uint8_t *lock = exec_recorded(enter, RPR_PHASE_ENTER, args[2], sizeof(struct flock));
		if (!lock)
			return not_replayed(r, "struct flock not captured");
		void *copy = scratch(r, sizeof(struct flock));
		memcpy(copy, lock, sizeof(struct flock));
		r->args[0] = map_fd(proc, fd, r);
		r->args[2] = (uint64_t)(uintptr_t)copy;
		return issue((uint32_t)SYS_fcntl, r->args, r);
	}
	default:
		return not_replayed(r, "fcntl command");
	}
}

static int64_t do_pipe(struct replay_ctx *ctx, struct replay_process *proc, const char *name,
		       const struct rpr_event *enter, const struct rpr_event *exit, struct exec_result *r)
{
	const uint64_t *args = enter->u.enter.args;
	int flags = strcmp(name, "pipe2") == 0 ? (int)args[1] : 0;
	int fds[2];
	uint64_t start = now_ns();
	int rc = pipe2(fds, flags | O_CLOEXEC);
	r->ns = now_ns() - start;
	if (rc < 0)
		return -errno;
	const uint8_t *pair = exit->u.exit.ret == 0 ? exec_recorded(exit, RPR_PHASE_EXIT, args[0], 8) : NULL;
	if (!pair) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	int32_t recorded[2];
	memcpy(recorded, pair, sizeof(recorded));
	for (int k = 0; k < 2; k++)
		fd_map_install_fresh(proc->fds, recorded[k], fds[k], (flags & O_CLOEXEC) != 0, 0, NULL,
				     ctx->fd_reuse_wait_ms);
	return 0;
}

static int64_t do_chdir(struct replay_ctx *ctx, struct replay_process *proc, const struct rpr_event *enter,
			int by_fd, struct exec_result *r)
{
	const uint64_t *args = enter->u.enter.args;
	char *dir;
	if (by_fd) {
		struct fd_view v = fd_map_get(proc->fds, (int32_t)args[0]);
		if (v.replay_fd < 0 || !v.path) {
			free(v.path);
			return v.replay_fd < 0 ? -EBADF : -ENOTDIR;
		}
		dir = v.path;
	} else {
		const char *path = exec_recorded_string(enter, args[0]);
		if (!path)
			return not_replayed(r, "path not captured");
		if (!path[0])
			return -ENOENT;
		int64_t err = 0;
		dir = full_path(proc, path, AT_FDCWD, &err, r);
		if (!dir)
			return err;
	}
	int fd = sandbox_openat2(&ctx->sandbox, dir, O_PATH | O_DIRECTORY, 0, 0);
	if (fd < 0) {
		free(dir);
		return fd;
	}
	close(fd);
	fs_context_chdir(proc->fs, dir);
	return 0;
}

static int64_t do_getcwd(struct replay_process *proc, const uint64_t *args, struct exec_result *r)
{
	char *cwd = scratch_string(r, fs_context_cwd(proc->fs));
	uint64_t len = strlen(cwd) + 1;
	if (args[1] < len)
		return -ERANGE;
	r->args[0] = (uint64_t)(uintptr_t)cwd;
	return (int64_t)len;
}

/* Stands for a descriptor replay did not make, so calls on it keep their place and close finds it. */
static void install_placeholder(struct replay_process *proc, int64_t fd)
{
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd >= 0)
		fd_map_install(proc->fds, fd, null_fd, 0, FD_ORIGIN_OUTSIDE, NULL);
}

/*
 * A descriptor the trace never made, used with success: the recorded program inherited it
 * from what started it (a shell's or a test harness's own descriptors beyond 0-2). Like a
 * /proc file, it stands for something outside the recording: calls on it keep their place.
 */
static void adopt_inherited(struct replay_process *proc, const struct sys_entry *e, const uint64_t *args,
			    int64_t recorded)
{
	for (int i = 0; e && recorded >= 0 && i < e->nargs; i++) {
		int32_t fd = (int32_t)args[i];
		if ((e->args[i].kind == AK_FD || e->args[i].kind == AK_DIRFD) && fd >= 0 &&
		    fd_map_get_fd(proc->fds, fd).replay_fd < 0)
			install_placeholder(proc, fd);
	}
}

void replay_execute(struct replay_ctx *ctx, struct replay_process *proc, const struct replay_rule *rule,
		    const struct rpr_event *enter, const struct rpr_event *exit, struct exec_result *r)
{
	*r = (struct exec_result){ .replayed = 1 };
	uint32_t nr = enter->u.enter.nr;
	const struct sys_entry *e = sys_by_nr(ctx->arch, nr);
	const char *name = arch_syscall_name(ctx->arch, nr);
	memcpy(r->args, enter->u.enter.args, sizeof(r->args));
	int64_t recorded = exit->u.exit.ret;
	adopt_inherited(proc, e, r->args, recorded);
	uint64_t start = now_ns();
	int64_t ret;
	switch (rule->how) {
	case RH_OPEN:
		ret = do_open(ctx, proc, rule, e, enter, exit, r);
		break;
	case RH_CLOSE:
		map_fd(proc, (int32_t)r->args[0], r);
		ret = fd_map_close(proc->fds, (int32_t)r->args[0]) < 0 ? -EBADF : 0;
		break;
	case RH_DUP:
		ret = do_dup(proc, name, r->args, recorded, r);
		break;
	case RH_FCNTL:
		ret = do_fcntl(proc, enter, recorded, r);
		break;
	case RH_PIPE:
		ret = do_pipe(ctx, proc, name, enter, exit, r);
		break;
	case RH_CHDIR:
	case RH_FCHDIR:
		ret = do_chdir(ctx, proc, enter, rule->how == RH_FCHDIR, r);
		break;
	case RH_GETCWD:
		ret = do_getcwd(proc, enter->u.enter.args, r);
		break;
	case RH_CLOSE_RANGE:
		/* a private copy of a shared table is the process's business, not replay's: kept */
		if (r->args[2] & CLOSE_RANGE_UNSHARE) {
			ret = not_replayed(r, "close_range with CLOSE_RANGE_UNSHARE");
			break;
		}
		fd_map_close_range(proc->fds, (uint32_t)r->args[0], (uint32_t)r->args[1],
				   (r->args[2] & CLOSE_RANGE_CLOEXEC) != 0);
		ret = 0;
		break;
	case RH_UMASK:
		ret = fs_context_umask(proc->fs, (int64_t)(r->args[0] & 0777));
		break;
	default:
		ret = translate_args(ctx, proc, rule, e, enter, exit, r);
		if (!ret && r->outside)
			ret = not_replayed(r, "on a descriptor replay does not reproduce (/proc, /sys, socket, inherited)");
		if (!ret)
			ret = issue(nr, r->args, r);
		break;
	}
	if (!r->ns)
		r->ns = now_ns() - start;
	r->ret = ret;
}

void replay_keep_descriptors(struct replay_ctx *ctx, struct replay_process *proc, const struct rpr_event *enter,
			     const struct rpr_event *exit)
{
	const struct sys_entry *e = sys_by_nr(ctx->arch, enter->u.enter.nr);
	int64_t ret = exit->u.exit.ret;
	if (!e || ret < 0)
		return;
	if (e->ret == RK_FD) {
		install_placeholder(proc, ret);
		return;
	}
	for (int i = 0; i < e->nargs; i++) {
		if (e->args[i].kind != AK_STRUCT_OUT || e->args[i].sk != SK_FDPAIR)
			continue;
		const uint8_t *pair = exec_recorded(exit, RPR_PHASE_EXIT, enter->u.enter.args[i], 8);
		int32_t fds[2];
		if (!pair)
			return;
		memcpy(fds, pair, sizeof(fds));
		install_placeholder(proc, fds[0]);
		install_placeholder(proc, fds[1]);
	}
}
