#include "replay/written.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "replay/shadow.h"

enum written_kind {
	WK_NONE = 0,
	WK_WRITE,      /* fd, buf, count: at the descriptor's offset */
	WK_PWRITE,     /* fd, buf, count, offset */
	WK_WRITEV,     /* fd, iov, iovcnt: at the descriptor's offset */
	WK_PWRITEV,    /* fd, iov, iovcnt, offset (-1: the descriptor's, for pwritev2) */
	WK_OPEN,       /* open, flags arg 1 */
	WK_OPENAT,     /* openat, flags arg 2 */
	WK_OPENAT2,    /* openat2, flags first in struct open_how at arg 2 */
	WK_CREAT,
	WK_TRUNCATE,
	WK_FTRUNCATE,
	WK_UNLINK,
	WK_UNLINKAT,
	WK_RENAME,
	WK_RENAMEAT,   /* renameat and renameat2 */
	WK_LINK,
	WK_LINKAT,
	WK_COPY_TO,    /* copy_file_range, splice: the output descriptor is arg 2 */
	WK_SENDFILE,   /* output descriptor arg 0 */
	WK_FALLOCATE,
	WK_MMAP,
};

void written_kinds(const struct arch *a, uint8_t kinds[SYS_SET_MAX])
{
	static const struct {
		const char *name;
		uint8_t kind;
	} table[] = {
		{ "write", WK_WRITE }, { "pwrite64", WK_PWRITE }, { "writev", WK_WRITEV }, { "pwritev", WK_PWRITEV },
		{ "pwritev2", WK_PWRITEV }, { "open", WK_OPEN }, { "openat", WK_OPENAT }, { "openat2", WK_OPENAT2 },
		{ "creat", WK_CREAT }, { "truncate", WK_TRUNCATE }, { "ftruncate", WK_FTRUNCATE },
		{ "unlink", WK_UNLINK }, { "unlinkat", WK_UNLINKAT }, { "rename", WK_RENAME },
		{ "renameat", WK_RENAMEAT }, { "renameat2", WK_RENAMEAT }, { "link", WK_LINK }, { "linkat", WK_LINKAT },
		{ "copy_file_range", WK_COPY_TO }, { "splice", WK_COPY_TO }, { "sendfile", WK_SENDFILE },
		{ "fallocate", WK_FALLOCATE }, { "mmap", WK_MMAP },
	};
	memset(kinds, 0, SYS_SET_MAX);
	for (uint32_t nr = 0; nr < SYS_SET_MAX; nr++) {
		const char *name = arch_syscall_name(a, nr);
		for (size_t i = 0; name && i < sizeof(table) / sizeof(table[0]); i++)
			if (strcmp(name, table[i].name) == 0)
				kinds[nr] = table[i].kind;
	}
}

/* A regular file's recorded path behind a recorded descriptor (a new string, with its replayed descriptor), or NULL. */
static char *file_of_fd(struct replay_process *proc, int64_t fd, int *replay_fd)
{
	struct fd_view v = fd_map_get(proc->fds, (int32_t)fd);
	struct stat st;
	if (!v.path || v.replay_fd < 0 || (v.origin & (FD_ORIGIN_OUTSIDE | FD_ORIGIN_DEVICE)) || fstat(v.replay_fd, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		free(v.path);
		return NULL;
	}
	if (replay_fd)
		*replay_fd = v.replay_fd;
	return v.path;
}

/* Path argument i made absolute the way the call resolved it (dirfd argument d, or -1), or NULL. */
static char *path_arg(struct replay_process *proc, const struct rpr_event *enter, int i, int d)
{
	const uint64_t *args = enter->u.enter.args;
	const char *path = args[i] ? exec_recorded_string(enter, args[i]) : NULL;
	if (!path || !path[0])
		return NULL;
	if (path[0] == '/')
		return sandbox_join(NULL, path);
	char *base;
	if (d < 0 || (int32_t)args[d] == AT_FDCWD) {
		base = fs_context_cwd(proc->fs);
	} else {
		struct fd_view v = fd_map_get(proc->fds, (int32_t)args[d]);
		base = v.path;
	}
	if (!base)
		return NULL;
	char *full = sandbox_join(base, path);
	free(base);
	return full;
}

/* Where a write through the descriptor's own offset began: the replayed offset after it, less what it wrote. */
static int offset_before(const struct exec_result *r, int replay_fd, int64_t written, uint64_t *offset)
{
	if (!r->replayed || r->ret != written)
		return -1;
	off_t end = lseek(replay_fd, 0, SEEK_CUR);
	if (end < written)
		return -1;
	*offset = (uint64_t)end - (uint64_t)written;
	return 0;
}

static void note_iovecs(struct shadow_store *s, const char *path, const struct rpr_event *enter, uint64_t offset,
			int64_t written)
{
	const uint64_t *args = enter->u.enter.args;
	uint64_t n = args[2];
	const struct iovec *iov = n <= IOV_MAX ? (const void *)exec_recorded(enter, RPR_PHASE_ENTER, args[1],
									     n * sizeof(struct iovec)) : NULL;
	if (!iov) {
		shadow_unknowable(s, path, "written from buffers the trace did not keep");
		return;
	}
	uint64_t left = (uint64_t)written;
	for (uint64_t i = 0; i < n && left; i++) {
		uint64_t len = iov[i].iov_len < left ? iov[i].iov_len : left;
		shadow_write(s, path, offset, exec_recorded(enter, RPR_PHASE_ENTER, (uint64_t)(uintptr_t)iov[i].iov_base,
							    len), len);
		offset += len;
		left -= len;
	}
}

static void note_write(struct shadow_store *s, struct replay_process *proc, uint8_t kind, const struct rpr_event *enter,
		       int64_t written, const struct exec_result *r)
{
	const uint64_t *args = enter->u.enter.args;
	int fd;
	char *path = file_of_fd(proc, (int32_t)args[0], &fd);
	if (!path)
		return;
	uint64_t offset = args[3];
	int flags = fcntl(fd, F_GETFL);
	/* Linux appends pwrite's bytes to an O_APPEND file whatever the offset */
	int own_offset = kind == WK_WRITE || kind == WK_WRITEV || (int64_t)args[3] == -1 ||
			 (flags >= 0 && (flags & O_APPEND));
	if (own_offset && offset_before(r, fd, written, &offset) < 0)
		shadow_unknowable(s, path, r->replayed ? "a write the replay did not reproduce" :
					   "a write the replay kept in place without issuing it");
	else if (kind == WK_WRITE || kind == WK_PWRITE)
		shadow_write(s, path, offset, exec_recorded(enter, RPR_PHASE_ENTER, args[1], (uint64_t)written),
			     (uint64_t)written);
	else
		note_iovecs(s, path, enter, offset, written);
	free(path);
}

static void note_open(struct shadow_store *s, struct replay_process *proc, uint8_t kind, const struct rpr_event *enter,
		      int64_t fd)
{
	const uint64_t *args = enter->u.enter.args;
	uint64_t flags = O_WRONLY | O_CREAT | O_TRUNC;
	if (kind == WK_OPEN)
		flags = args[1];
	else if (kind == WK_OPENAT)
		flags = args[2];
	else if (kind == WK_OPENAT2) {
		const uint8_t *how = exec_recorded(enter, RPR_PHASE_ENTER, args[2], sizeof(uint64_t));
		if (!how)
			return;
		memcpy(&flags, how, sizeof(flags));
	}
	if (!(flags & O_TRUNC) || (flags & O_ACCMODE) == O_RDONLY)
		return;
	char *path = file_of_fd(proc, fd, NULL);
	if (path)
		shadow_truncate(s, path, 0);
	free(path);
}

static void note_unknowable_fd(struct shadow_store *s, struct replay_process *proc, int64_t fd, const char *why)
{
	char *path = file_of_fd(proc, fd, NULL);
	if (path)
		shadow_unknowable(s, path, why);
	free(path);
}

static void note_paths(struct shadow_store *s, struct replay_process *proc, uint8_t kind, const struct rpr_event *enter)
{
	const uint64_t *args = enter->u.enter.args;
	char *from = NULL, *to = NULL;
	switch (kind) {
	case WK_TRUNCATE:
		if ((from = path_arg(proc, enter, 0, -1)))
			shadow_truncate(s, from, args[1]);
		break;
	case WK_UNLINK:
	case WK_UNLINKAT:
		if ((from = kind == WK_UNLINK ? path_arg(proc, enter, 0, -1) : path_arg(proc, enter, 1, 0)))
			shadow_unlink(s, from);
		break;
	case WK_RENAME:
	case WK_RENAMEAT: {
		int two = kind == WK_RENAMEAT;
		from = path_arg(proc, enter, two ? 1 : 0, two ? 0 : -1);
		to = path_arg(proc, enter, two ? 3 : 1, two ? 2 : -1);
		if (from && to)
			shadow_rename(s, from, to, two && (args[4] & RENAME_EXCHANGE));
		else if (to)
			shadow_unknowable(s, to, "renamed from a name the trace did not keep");
		break;
	}
	case WK_LINK:
	case WK_LINKAT: {
		int two = kind == WK_LINKAT;
		from = path_arg(proc, enter, two ? 1 : 0, two ? 0 : -1);
		to = path_arg(proc, enter, two ? 3 : 1, two ? 2 : -1);
		if (from && to)
			shadow_link(s, from, to);
		else if (to)
			shadow_unknowable(s, to, "linked to a name the trace did not keep");
		break;
	}
	default:
		break;
	}
	free(from);
	free(to);
}

void written_note(struct replay_ctx *ctx, struct replay_process *proc, const struct rpr_event *enter,
		  const struct rpr_event *exit, const struct exec_result *r)
{
	uint32_t nr = enter->u.enter.nr;
	int64_t ret = exit->u.exit.ret;
	uint8_t kind = nr < SYS_SET_MAX ? ctx->written_kinds[nr] : WK_NONE;
	if (kind == WK_NONE || ret < 0)
		return;
	struct shadow_store *s = ctx->shadow;
	const uint64_t *args = enter->u.enter.args;
	switch (kind) {
	case WK_WRITE:
	case WK_PWRITE:
	case WK_WRITEV:
	case WK_PWRITEV:
		if (ret > 0)
			note_write(s, proc, kind, enter, ret, r);
		return;
	case WK_OPEN:
	case WK_OPENAT:
	case WK_OPENAT2:
	case WK_CREAT:
		note_open(s, proc, kind, enter, ret);
		return;
	case WK_FTRUNCATE: {
		char *path = file_of_fd(proc, (int32_t)args[0], NULL);
		if (path)
			shadow_truncate(s, path, args[1]);
		free(path);
		return;
	}
	case WK_COPY_TO:
		if (ret > 0)
			note_unknowable_fd(s, proc, (int32_t)args[2], "bytes copied in by copy_file_range or splice");
		return;
	case WK_SENDFILE:
		if (ret > 0)
			note_unknowable_fd(s, proc, (int32_t)args[0], "bytes copied in by sendfile");
		return;
	case WK_FALLOCATE:
		note_unknowable_fd(s, proc, (int32_t)args[0], "fallocate");
		return;
	case WK_MMAP:
		if ((args[2] & PROT_WRITE) && (args[3] & MAP_SHARED))
			note_unknowable_fd(s, proc, (int32_t)args[4], "mapped shared and writable: written through memory");
		return;
	default:
		note_paths(s, proc, kind, enter);
		return;
	}
}
