#include "stats/fdrules.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "sys/table.h"
#include "util/util.h"

/* Calls the table cannot tell apart from others of the same shape. */
static const struct {
	const char *name;
	uint8_t role;
	int8_t in_arg, out_arg;
} named_roles[] = {
	{ "dup", ROLE_DUP, -1, -1 },         { "dup2", ROLE_DUP, -1, -1 },
	{ "dup3", ROLE_DUP, -1, -1 },        { "fcntl", ROLE_FCNTL, -1, -1 },
	{ "close", ROLE_CLOSE, -1, -1 },     { "close_range", ROLE_CLOSE_RANGE, -1, -1 },
	{ "memfd_create", ROLE_MEMFD, -1, -1 }, { "recvmmsg", ROLE_RECV_MMSG, -1, -1 },
	{ "sendmmsg", ROLE_SEND_MMSG, -1, -1 }, { "sendfile", ROLE_TRANSFER, 1, 0 },
	{ "splice", ROLE_TRANSFER, 0, 2 },   { "tee", ROLE_TRANSFER, 0, 1 },
	{ "copy_file_range", ROLE_TRANSFER, 0, 2 }, { "fstat", ROLE_FSTAT, -1, -1 },
	{ "newfstatat", ROLE_FSTATAT, -1, -1 }, { "statx", ROLE_STATX, -1, -1 },
	{ "ioctl", ROLE_IOCTL, -1, -1 },     { "chdir", ROLE_CHDIR, -1, -1 },
	{ "fchdir", ROLE_FCHDIR, -1, -1 },   { "execve", ROLE_EXEC, -1, -1 },
	{ "execveat", ROLE_EXEC, -1, -1 },
};

/* The bit of a flag table named *_CLOEXEC, or 0. */
static uint64_t cloexec_flag(const struct flag_name *names)
{
	for (; names && names->name; names++) {
		size_t n = strlen(names->name);
		if (n > 8 && strcmp(names->name + n - 8, "_CLOEXEC") == 0)
			return names->value;
	}
	return 0;
}

/* Read or write: the direction of a data argument, or -1 for other kinds. */
static int data_direction(const struct sys_arg *arg)
{
	switch (arg->kind) {
	case AK_BUF_OUT:
	case AK_IOV_OUT:
		return 0;
	case AK_BUF_IN:
	case AK_IOV_IN:
		return 1;
	case AK_STRUCT_INOUT:
		return arg->sk == SK_MSGHDR ? 0 : -1;
	case AK_STRUCT_IN:
		return arg->sk == SK_MSGHDR ? 1 : -1;
	default:
		return -1;
	}
}

static void derive_rule(struct fd_call_rule *c, const struct sys_entry *e, const char *name)
{
	int data = -1;
	for (int i = 0; i < e->nargs; i++) {
		const struct sys_arg *arg = &e->args[i];
		if (arg->kind == AK_PATH && c->note_arg < 0)
			c->note_arg = (int8_t)i;
		else if (arg->kind == AK_DIRFD && c->dirfd_arg < 0)
			c->dirfd_arg = (int8_t)i;
		else if ((arg->kind == AK_OPEN_FLAGS || arg->kind == AK_SOCK_TYPE) && c->flags_arg < 0) {
			c->flags_arg = (int8_t)i;
			c->cloexec_bit = O_CLOEXEC;
		} else if (arg->kind == AK_FLAGS && c->flags_arg < 0 && cloexec_flag(arg->flags)) {
			c->flags_arg = (int8_t)i;
			c->cloexec_bit = cloexec_flag(arg->flags);
		} else if (arg->kind == AK_STRUCT_IN && arg->sk == SK_OPEN_HOW)
			c->how_arg = (int8_t)i;
		else if (arg->kind == AK_STRUCT_OUT && arg->sk == SK_FDPAIR)
			c->pair_arg = (int8_t)i;
		if (data < 0 && i > 0)
			data = data_direction(arg);
	}
	c->network = (e->classes & SC_NETWORK) != 0;
	for (size_t k = 0; k < sizeof(named_roles) / sizeof(named_roles[0]); k++) {
		if (strcmp(named_roles[k].name, name) == 0) {
			c->role = named_roles[k].role;
			c->in_arg = named_roles[k].in_arg;
			c->out_arg = named_roles[k].out_arg;
			if (c->role == ROLE_MEMFD)
				c->note_arg = 0;
			return;
		}
	}
	if (e->ret == RK_FD && c->note_arg >= 0)
		c->role = ROLE_OPEN;
	else if (e->ret == RK_FD) {
		c->role = ROLE_NEW_FD;
		c->new_type = c->network ? FD_TYPE_SOCKET : FD_TYPE_OTHER;
	} else if (c->pair_arg >= 0) {
		c->role = ROLE_FD_PAIR;
		c->new_type = c->network ? FD_TYPE_SOCKET : FD_TYPE_PIPE;
	} else if (e->nargs > 0 && e->args[0].kind == AK_FD && data >= 0 && !strstr(name, "xattr")) {
		/* extended attribute values are not the file's contents */
		c->role = data ? ROLE_WRITE : ROLE_READ;
	}
	if (c->role != ROLE_OPEN && c->role != ROLE_FSTATAT && c->role != ROLE_STATX && c->role != ROLE_CHDIR &&
	    c->role != ROLE_EXEC)
		c->note_arg = -1;
}

void fd_rules_init(struct fd_rules *r, const struct arch *a)
{
	for (uint32_t nr = 0; nr < SYS_SET_MAX; nr++) {
		struct fd_call_rule *c = &r->call[nr];
		*c = (struct fd_call_rule){ .note_arg = -1, .dirfd_arg = -1, .flags_arg = -1, .how_arg = -1,
					    .pair_arg = -1, .in_arg = -1, .out_arg = -1 };
		const char *name = arch_syscall_name(a, nr);
		const struct sys_entry *e = name ? sys_by_nr(a, nr) : NULL;
		if (e)
			derive_rule(c, e, name);
	}
}

static const uint8_t *entry_mem(const struct rpr_event *ev, unsigned phase, uint64_t addr, uint64_t len)
{
	uint64_t avail = 0;
	const uint8_t *p = rpr_event_mem(ev, phase, addr, len, &avail);
	return p && avail >= len ? p : NULL;
}

void fd_note_take(const struct fd_rules *r, const struct rpr_event *enter, struct fd_call_note *note)
{
	*note = (struct fd_call_note){ 0 };
	if (enter->u.enter.nr >= SYS_SET_MAX)
		return;
	const struct fd_call_rule *c = &r->call[enter->u.enter.nr];
	if (c->note_arg >= 0) {
		uint64_t avail = 0;
		const uint8_t *s = rpr_event_mem(enter, RPR_PHASE_ENTER, enter->u.enter.args[c->note_arg], 1u << 16, &avail);
		if (s)
			note->text = rp_strndup((const char *)s, avail);
	}
	if (c->how_arg >= 0) {
		const uint8_t *how = entry_mem(enter, RPR_PHASE_ENTER, enter->u.enter.args[c->how_arg], 8);
		if (how)
			memcpy(&note->how_flags, how, 8);
	}
}

void fd_note_release(struct fd_call_note *note)
{
	free(note->text);
	note->text = NULL;
}

static enum fd_type type_of_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return FD_TYPE_REGULAR;
	case S_IFIFO:
		return FD_TYPE_PIPE;
	case S_IFSOCK:
		return FD_TYPE_SOCKET;
	case S_IFCHR:
		return FD_TYPE_CHARDEV;
	default:
		return FD_TYPE_OTHER;
	}
}

/* Until a stat says otherwise: device nodes under /dev (not the /dev/shm filesystem), directories, files. */
static enum fd_type type_of_opened(const char *path, uint64_t open_flags)
{
	if (strncmp(path, "/dev/", 5) == 0 && strncmp(path, "/dev/shm/", 9) != 0)
		return FD_TYPE_CHARDEV;
	if ((open_flags & O_DIRECTORY) || (open_flags & O_PATH))
		return FD_TYPE_OTHER;
	return FD_TYPE_REGULAR;
}

/* The path a call named, against its directory descriptor or the cwd when those are known. */
static char *resolve(const struct fd_call_rule *c, struct fd_state *st, const struct path_set *paths,
		     const uint64_t args[6], const char *path)
{
	const char *base = st->cwd;
	if (c->dirfd_arg >= 0 && (int32_t)args[c->dirfd_arg] != AT_FDCWD) {
		struct fd_entry *dir = fd_table_find(st->fds, (int32_t)args[c->dirfd_arg]);
		base = dir && dir->path >= 0 ? paths->items[dir->path].path : NULL;
	}
	if (path[0] == '/' || !base)
		return path_join("", path);
	return path_join(base, path);
}

static void refine_type(struct fd_state *st, int64_t fd, const struct rpr_event *exit, uint64_t addr, size_t mode_offset,
			size_t mode_size)
{
	const uint8_t *mem = entry_mem(exit, RPR_PHASE_EXIT, addr + mode_offset, mode_size);
	struct fd_entry *e = fd_table_use(st->fds, fd);
	if (!mem || !e)
		return;
	uint32_t mode = 0;
	if (mode_size == 2) {
		uint16_t m16;
		memcpy(&m16, mem, 2);
		mode = m16;
	} else {
		memcpy(&mode, mem, 4);
	}
	e->type = (uint8_t)type_of_mode(mode);
}

static int transfer(struct fd_state *st, int64_t fd, int written, uint64_t bytes, int network, struct io_transfer *out)
{
	struct fd_entry *e = fd_table_use(st->fds, fd);
	if (!e)
		return 0;
	if (network && e->type == FD_TYPE_INHERITED)
		e->type = FD_TYPE_SOCKET;
	*out = (struct io_transfer){ .type = e->type, .written = (uint8_t)written, .path = e->path, .bytes = bytes };
	return 1;
}

/* The bytes of the first n messages of a struct mmsghdr array, from the msg_len fields the kernel filled. */
static int mmsg_bytes(const struct rpr_event *exit, uint64_t vec, uint64_t n, uint64_t *bytes)
{
	enum { MMSGHDR_SIZE = 64, MSG_LEN_OFFSET = 56 };
	*bytes = 0;
	for (uint64_t k = 0; k < n; k++) {
		const uint8_t *len = entry_mem(exit, RPR_PHASE_EXIT, vec + k * MMSGHDR_SIZE + MSG_LEN_OFFSET, 4);
		if (!len)
			return 0;
		uint32_t v;
		memcpy(&v, len, 4);
		*bytes += v;
	}
	return 1;
}

static void install_copy(struct fd_state *st, int64_t from, int64_t to, int cloexec)
{
	struct fd_entry *src = fd_table_use(st->fds, from);
	if (!src)
		return;
	struct fd_entry copy = *src;
	copy.cloexec = (uint8_t)(cloexec != 0);
	fd_table_install(st->fds, to, copy);
}

static void close_range_apply(struct fd_state *st, const uint64_t args[6])
{
	enum { UNSHARE = 1u << 1, SET_CLOEXEC = 1u << 2 };
	uint32_t first = (uint32_t)args[0], last = (uint32_t)args[1];
	if (args[2] & UNSHARE)
		fd_table_unshare(&st->fds);
	for (uint32_t fd = first; fd < st->fds->cap && fd <= last; fd++) {
		if (args[2] & SET_CLOEXEC)
			st->fds->entries[fd].cloexec = 1;
		else
			st->fds->entries[fd].open = 0;
	}
}

static void change_dir(struct fd_state *st, char *dir)
{
	free(st->cwd);
	st->cwd = dir;
}

int fd_rules_apply(const struct fd_rules *r, struct fd_state *st, struct path_set *paths, uint32_t nr,
		   const uint64_t args[6], int64_t ret, const struct fd_call_note *note, const struct rpr_event *exit,
		   struct io_transfer out[2])
{
	if (nr >= SYS_SET_MAX)
		return 0;
	const struct fd_call_rule *c = &r->call[nr];
	uint64_t flags = c->how_arg >= 0 ? note->how_flags : c->flags_arg >= 0 ? args[c->flags_arg] : 0;
	int cloexec = (flags & c->cloexec_bit) != 0;
	int ok = ret >= 0;
	switch (c->role) {
	case ROLE_OPEN:
		if (ok && note->text) {
			char *path = resolve(c, st, paths, args, note->text);
			fd_table_install(st->fds, ret, (struct fd_entry){ .type = (uint8_t)type_of_opened(path, flags),
									   .cloexec = (uint8_t)cloexec,
									   .path = path_set_intern(paths, path) });
			free(path);
		}
		return 0;
	case ROLE_NEW_FD:
		if (ok)
			fd_table_install(st->fds, ret, (struct fd_entry){ .type = c->new_type, .cloexec = (uint8_t)cloexec,
									   .path = -1 });
		return 0;
	case ROLE_MEMFD:
		if (ok) {
			struct strbuf name;
			sb_init(&name);
			sb_printf(&name, "memfd:%s", note->text ? note->text : "");
			fd_table_install(st->fds, ret, (struct fd_entry){ .type = FD_TYPE_REGULAR, .cloexec = (uint8_t)cloexec,
									   .path = path_set_intern(paths, name.buf) });
			sb_free(&name);
		}
		return 0;
	case ROLE_DUP:
		if (ok)
			install_copy(st, (int32_t)args[0], ret, cloexec);
		return 0;
	case ROLE_FCNTL:
		if (ok && ((int)args[1] == F_DUPFD || (int)args[1] == F_DUPFD_CLOEXEC))
			install_copy(st, (int32_t)args[0], ret, (int)args[1] == F_DUPFD_CLOEXEC);
		else if (ok && (int)args[1] == F_SETFD) {
			struct fd_entry *e = fd_table_use(st->fds, (int32_t)args[0]);
			if (e)
				e->cloexec = (args[2] & FD_CLOEXEC) != 0;
		}
		return 0;
	case ROLE_CLOSE:
		/* the descriptor is gone even when close reports EINTR or EIO */
		if (ret != -EBADF)
			fd_table_close(st->fds, (int32_t)args[0]);
		return 0;
	case ROLE_CLOSE_RANGE:
		if (ok)
			close_range_apply(st, args);
		return 0;
	case ROLE_FD_PAIR:
		if (ok) {
			const uint8_t *pair = entry_mem(exit, RPR_PHASE_EXIT, args[c->pair_arg], 8);
			int32_t fds[2];
			if (!pair)
				return 0;
			memcpy(fds, pair, sizeof(fds));
			for (int k = 0; k < 2; k++)
				fd_table_install(st->fds, fds[k], (struct fd_entry){ .type = c->new_type,
										      .cloexec = (uint8_t)cloexec,
										      .path = -1 });
		}
		return 0;
	case ROLE_READ:
	case ROLE_WRITE:
		if (ret > 0)
			return transfer(st, (int32_t)args[0], c->role == ROLE_WRITE, (uint64_t)ret, c->network, out);
		return 0;
	case ROLE_RECV_MMSG:
	case ROLE_SEND_MMSG: {
		uint64_t bytes;
		if (ret > 0 && mmsg_bytes(exit, args[1], (uint64_t)ret, &bytes) && bytes)
			return transfer(st, (int32_t)args[0], c->role == ROLE_SEND_MMSG, bytes, 1, out);
		return 0;
	}
	case ROLE_TRANSFER:
		if (ret > 0) {
			int n = transfer(st, (int32_t)args[c->in_arg], 0, (uint64_t)ret, 0, out);
			return n + transfer(st, (int32_t)args[c->out_arg], 1, (uint64_t)ret, 0, out + n);
		}
		return 0;
	case ROLE_FSTAT:
		if (ret == 0)
			refine_type(st, (int32_t)args[0], exit, args[1], offsetof(struct stat, st_mode), 4);
		return 0;
	case ROLE_FSTATAT:
		if (ret == 0 && (args[3] & AT_EMPTY_PATH) && note->text && !note->text[0] && (int32_t)args[0] != AT_FDCWD)
			refine_type(st, (int32_t)args[0], exit, args[2], offsetof(struct stat, st_mode), 4);
		return 0;
	case ROLE_STATX:
		if (ret == 0 && (args[2] & AT_EMPTY_PATH) && note->text && !note->text[0] && (int32_t)args[0] != AT_FDCWD)
			refine_type(st, (int32_t)args[0], exit, args[4], offsetof(struct statx, stx_mode), 2);
		return 0;
	case ROLE_IOCTL: {
		struct fd_entry *e = ok ? fd_table_use(st->fds, (int32_t)args[0]) : NULL;
		if (e && (uint32_t)args[1] == TCGETS)
			e->type = FD_TYPE_CHARDEV;
		else if (e && (uint32_t)args[1] == FIOCLEX)
			e->cloexec = 1;
		else if (e && (uint32_t)args[1] == FIONCLEX)
			e->cloexec = 0;
		return 0;
	}
	case ROLE_CHDIR:
		if (ok && note->text)
			change_dir(st, note->text[0] == '/' || st->cwd ? resolve(c, st, paths, args, note->text) : NULL);
		return 0;
	case ROLE_FCHDIR:
		if (ok) {
			struct fd_entry *e = fd_table_find(st->fds, (int32_t)args[0]);
			change_dir(st, e && e->path >= 0 ? rp_strdup(paths->items[e->path].path) : NULL);
		}
		return 0;
	default:
		return 0;
	}
}
