#include "replay/prepare.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay/exec.h"
#include "replay/facts.h"
#include "replay/rules.h"
#include "util/util.h"

/* What prepare learns from each call, by name. */
enum prep_role {
	PR_NONE,
	PR_OPEN,      /* a descriptor for the path (existed unless created) */
	PR_LOOKUP,    /* success means the path existed (access, stat family, readlink, getxattr...) */
	PR_CHANGE,    /* success means it existed, and the program changed it (unlink, rmdir, rename, truncate, chmod...) */
	PR_CREATE,    /* success means it did not exist (mkdir, mknod, symlink's link, link's new name) */
	PR_FSTAT,
	PR_READ,      /* bytes at the descriptor's offset */
	PR_PREAD,     /* bytes at the offset argument */
	PR_WRITE,     /* the descriptor's file changed */
	PR_LSEEK,
	PR_DUP,
	PR_FCNTL,
	PR_CLOSE,
	PR_GETDENTS,
	PR_CHDIR,
	PR_FCHDIR,
	PR_EXEC,      /* success means the program file existed */
};

static const struct {
	const char *name;
	uint8_t role;
} roles[] = {
	{ "open", PR_OPEN }, { "openat", PR_OPEN }, { "openat2", PR_OPEN }, { "creat", PR_OPEN },
	{ "stat", PR_LOOKUP }, { "lstat", PR_LOOKUP }, { "newfstatat", PR_LOOKUP }, { "statx", PR_LOOKUP },
	{ "access", PR_LOOKUP }, { "faccessat", PR_LOOKUP }, { "faccessat2", PR_LOOKUP }, { "readlink", PR_LOOKUP },
	{ "readlinkat", PR_LOOKUP }, { "getxattr", PR_LOOKUP }, { "lgetxattr", PR_LOOKUP }, { "listxattr", PR_LOOKUP },
	{ "llistxattr", PR_LOOKUP }, { "statfs", PR_LOOKUP }, { "utimensat", PR_CHANGE },
	{ "unlink", PR_CHANGE }, { "unlinkat", PR_CHANGE }, { "rmdir", PR_CHANGE }, { "rename", PR_CHANGE },
	{ "renameat", PR_CHANGE }, { "renameat2", PR_CHANGE }, { "truncate", PR_CHANGE }, { "chmod", PR_CHANGE },
	{ "fchmodat", PR_CHANGE }, { "chown", PR_CHANGE }, { "lchown", PR_CHANGE }, { "fchownat", PR_CHANGE },
	{ "link", PR_CHANGE }, { "linkat", PR_CHANGE }, { "setxattr", PR_CHANGE }, { "lsetxattr", PR_CHANGE },
	{ "removexattr", PR_CHANGE }, { "lremovexattr", PR_CHANGE }, { "utime", PR_CHANGE }, { "utimes", PR_CHANGE },
	{ "mkdir", PR_CREATE }, { "mkdirat", PR_CREATE }, { "mknod", PR_CREATE }, { "mknodat", PR_CREATE },
	{ "symlink", PR_CREATE }, { "symlinkat", PR_CREATE },
	{ "fstat", PR_FSTAT }, { "read", PR_READ }, { "readv", PR_READ }, { "pread64", PR_PREAD },
	{ "preadv", PR_PREAD }, { "preadv2", PR_PREAD }, { "write", PR_WRITE }, { "writev", PR_WRITE },
	{ "pwrite64", PR_WRITE }, { "pwritev", PR_WRITE }, { "pwritev2", PR_WRITE }, { "ftruncate", PR_WRITE },
	{ "fallocate", PR_WRITE }, { "fchmod", PR_WRITE }, { "fchown", PR_WRITE }, { "fsetxattr", PR_WRITE },
	{ "lseek", PR_LSEEK }, { "dup", PR_DUP }, { "dup2", PR_DUP }, { "dup3", PR_DUP }, { "fcntl", PR_FCNTL },
	{ "close", PR_CLOSE }, { "getdents64", PR_GETDENTS }, { "chdir", PR_CHDIR }, { "fchdir", PR_FCHDIR },
	{ "execve", PR_EXEC }, { "execveat", PR_EXEC },
};

struct prep_fd {
	struct path_facts *file;  /* NULL: not a path prepare knows (pipe, socket...) */
	uint64_t offset;
	uint8_t open, stdio;
};

struct prep_process {
	int32_t pid;
	char *cwd;
	struct prep_fd *fds;
	uint32_t cap;
	struct prep_process *next;
};

struct prep_thread {
	int32_t tid, pid;
	struct rpr_event *pending;
	struct prep_thread *next;
};

struct prep {
	const struct arch *arch;
	struct fact_store store;
	uint8_t role[SYS_SET_MAX];
	struct prep_process *procs;
	struct prep_thread *threads;
	int stdin_fd;     /* ROOT/.reprise/stdin, where the bytes the program read from its stdin go */
	char *initial_cwd;
};

static struct prep_process *process_of(struct prep *p, int32_t pid)
{
	for (struct prep_process *q = p->procs; q; q = q->next)
		if (q->pid == pid)
			return q;
	struct prep_process *q = rp_calloc(1, sizeof(*q));
	q->pid = pid;
	q->cwd = rp_strdup(p->initial_cwd);
	q->cap = 16;
	q->fds = rp_calloc(q->cap, sizeof(*q->fds));
	for (int fd = 0; fd < 3; fd++)
		q->fds[fd] = (struct prep_fd){ .open = 1, .stdio = 1 };
	q->next = p->procs;
	p->procs = q;
	return q;
}

static struct prep_thread *thread_of(struct prep *p, int32_t tid, int32_t pid)
{
	for (struct prep_thread *t = p->threads; t; t = t->next)
		if (t->tid == tid)
			return t;
	struct prep_thread *t = rp_calloc(1, sizeof(*t));
	t->tid = tid;
	t->pid = pid;
	t->next = p->threads;
	p->threads = t;
	return t;
}

static struct prep_fd *fd_slot(struct prep_process *q, int64_t fd, int create)
{
	if (fd < 0 || fd >= (1 << 20))
		return NULL;
	if ((uint32_t)fd >= q->cap) {
		if (!create)
			return NULL;
		uint32_t cap = q->cap;
		while (cap <= (uint32_t)fd)
			cap *= 2;
		q->fds = rp_realloc(q->fds, cap * sizeof(*q->fds));
		memset(q->fds + q->cap, 0, (cap - q->cap) * sizeof(*q->fds));
		q->cap = cap;
	}
	struct prep_fd *s = &q->fds[fd];
	return s->open || create ? s : NULL;
}

/* The normalized path of path argument i (against its dirfd or the cwd), or NULL. */
static char *path_arg(struct prep_process *q, const struct sys_entry *e, const struct rpr_event *enter, int i)
{
	const char *s = exec_recorded_string(enter, enter->u.enter.args[i]);
	if (!s)
		return NULL;
	const char *base = q->cwd;
	if (i > 0 && e->args[i - 1].kind == AK_DIRFD && (int32_t)enter->u.enter.args[i - 1] != AT_FDCWD) {
		struct prep_fd *d = fd_slot(q, (int32_t)enter->u.enter.args[i - 1], 0);
		if (!d || !d->file) {
			if (s[0] != '/')
				return NULL;
		} else {
			base = d->file->path;
		}
	}
	if (!s[0])
		return NULL;
	return sandbox_join(base, s);
}

static int path_index(const struct sys_entry *e, int nth)
{
	for (int i = 0; i < e->nargs; i++)
		if (e->args[i].kind == AK_PATH && nth-- == 0)
			return i;
	return -1;
}

/* Whatever a successful stat-like result says, from the struct the call filled. */
static void note_stat_result(struct path_facts *f, const struct sys_entry *e, const struct rpr_event *enter,
			     const struct rpr_event *exit)
{
	for (int i = 0; i < e->nargs; i++) {
		const struct sys_arg *a = &e->args[i];
		if (a->kind != AK_STRUCT_OUT || (a->sk != SK_STAT && a->sk != SK_STATX))
			continue;
		uint64_t size = exec_struct_size(a, enter->u.enter.args);
		const uint8_t *mem = exec_recorded(exit, RPR_PHASE_EXIT, enter->u.enter.args[i], size);
		if (!mem)
			return;
		if (a->sk == SK_STAT) {
			struct stat st;
			memcpy(&st, mem, sizeof(st));
			facts_note_stat(f, st.st_mode, st.st_uid, st.st_gid, (uint64_t)st.st_size, st.st_rdev);
		} else {
			struct statx sx;
			memcpy(&sx, mem, sizeof(sx));
			if ((sx.stx_mask & (STATX_TYPE | STATX_MODE | STATX_SIZE)) == (STATX_TYPE | STATX_MODE | STATX_SIZE))
				facts_note_stat(f, sx.stx_mode, sx.stx_uid, sx.stx_gid, sx.stx_size,
						((uint64_t)sx.stx_rdev_major << 8) | sx.stx_rdev_minor);
		}
	}
}

/* The bytes a read-like call returned, in order, delivered to f at offset. */
static void note_read(struct prep *p, struct prep_fd *slot, const struct sys_entry *e, const struct rpr_event *enter,
		      const struct rpr_event *exit, uint64_t offset)
{
	uint64_t total = (uint64_t)exit->u.exit.ret;
	const uint64_t *args = enter->u.enter.args;
	for (int i = 1; i < e->nargs; i++) {
		const struct sys_arg *a = &e->args[i];
		if (a->kind == AK_BUF_OUT) {
			uint64_t avail = 0;
			const uint8_t *data = rpr_event_mem(exit, RPR_PHASE_EXIT, args[i], total, &avail);
			if (!data)
				return;
			if (slot->stdio && p->stdin_fd >= 0 && write(p->stdin_fd, data, avail) < 0)
				return;
			if (slot->file)
				facts_note_bytes(&p->store, slot->file, offset, data, avail);
			return;
		}
		if (a->kind == AK_IOV_OUT) {
			int64_t n = (int32_t)args[a->aux];
			uint64_t at = 0;
			for (int64_t k = 0; k < n && at < total; k++) {
				const uint8_t *vec = exec_recorded(enter, RPR_PHASE_ENTER, args[i] + (uint64_t)k * 16, 16);
				if (!vec)
					vec = exec_recorded(exit, RPR_PHASE_EXIT, args[i] + (uint64_t)k * 16, 16);
				if (!vec)
					return;
				uint64_t base, len, avail = 0;
				memcpy(&base, vec, 8);
				memcpy(&len, vec + 8, 8);
				len = len < total - at ? len : total - at;
				const uint8_t *data = rpr_event_mem(exit, RPR_PHASE_EXIT, base, len, &avail);
				if (data && slot->file)
					facts_note_bytes(&p->store, slot->file, offset + at, data, avail);
				if (data && slot->stdio && p->stdin_fd >= 0 && write(p->stdin_fd, data, avail) < 0)
					return;
				at += len;
			}
			return;
		}
	}
}

static void note_dirents(struct prep *p, struct path_facts *dir, const struct rpr_event *enter,
			 const struct rpr_event *exit)
{
	uint64_t len = (uint64_t)exit->u.exit.ret;
	const uint8_t *buf = exec_recorded(exit, RPR_PHASE_EXIT, enter->u.enter.args[1], len);
	if (!buf || dir->changed)
		return;
	for (uint64_t at = 0; at + 20 <= len;) {
		uint16_t reclen;
		memcpy(&reclen, buf + at + 16, 2);
		if (reclen < 20 || reclen > len - at || !memchr(buf + at + 19, 0, reclen - 19))
			return;
		const char *name = (const char *)buf + at + 19;
		if (strcmp(name, ".") && strcmp(name, "..")) {
			char *child = sandbox_join(dir->path, name);
			struct path_facts *f = facts_of(&p->store, child);
			free(child);
			facts_decide(f, FACT_EXISTED);
			if (!f->type)
				f->type = (uint32_t)DTTOIF(buf[at + 18]);
		}
		at += reclen;
	}
}

/*
 * A name was added to or removed from the directory holding path: the directory was
 * there (unless the program made it), and its later listings say nothing of the start.
 */
static void parent_changed(struct prep *p, const char *path)
{
	char *parent = sandbox_join(path, "..");
	struct path_facts *dir = facts_of(&p->store, parent);
	facts_decide(dir, FACT_EXISTED);
	if (!dir->type)
		dir->type = S_IFDIR;
	dir->changed = 1;
	free(parent);
}

/*
 * The file a path names once its symlinks are followed, as far as the recording read their
 * targets: what a call that follows links learns belongs there, not to the link.
 */
static struct path_facts *through_links(struct prep *p, struct path_facts *f)
{
	for (int hops = 0; f->type == S_IFLNK && hops < 40; hops++)
		f = facts_followed(&p->store, f);
	return f;
}

static void install(struct prep_process *q, int64_t fd, struct path_facts *file, uint8_t stdio)
{
	struct prep_fd *s = fd_slot(q, fd, 1);
	if (s)
		*s = (struct prep_fd){ .file = file, .open = 1, .stdio = stdio };
}

static void on_call(struct prep *p, struct prep_process *q, const struct rpr_event *enter, const struct rpr_event *exit)
{
	uint32_t nr = enter->u.enter.nr;
	const struct sys_entry *e = sys_by_nr(p->arch, nr);
	if (!e || nr >= SYS_SET_MAX || !p->role[nr])
		return;
	const uint64_t *args = enter->u.enter.args;
	int64_t ret = exit->u.exit.ret;
	int first = path_index(e, 0);
	char *path = first >= 0 && p->role[nr] != PR_CREATE ? path_arg(q, e, enter, first) : NULL;
	struct path_facts *f = path ? facts_of(&p->store, path) : NULL;
	free(path);
	struct prep_fd *slot = e->nargs && e->args[0].kind == AK_FD ? fd_slot(q, (int32_t)args[0], 0) : NULL;
	if (f && ret == -ENOENT)
		facts_decide(f, FACT_ABSENT);
	switch (p->role[nr]) {
	case PR_OPEN: {
		if (f && ret == -EEXIST)
			/* O_CREAT|O_EXCL on what was there */
			facts_decide(f, FACT_EXISTED);
		if (!f || ret < 0)
			break;
		int flags_arg = path_index(e, 0) + 1;
		uint64_t flags = strcmp(e->name, "creat") == 0 ? O_CREAT | O_TRUNC :
				 e->args[flags_arg].kind == AK_OPEN_FLAGS ? args[flags_arg] : 0;
		if (strcmp(e->name, "openat2") == 0) {
			const uint8_t *how = exec_recorded(enter, RPR_PHASE_ENTER, args[2], 8);
			flags = how ? *(const uint64_t *)(const void *)how : 0;
		}
		if (!(flags & O_NOFOLLOW))
			f = through_links(p, f);
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			facts_decide(f, FACT_ABSENT);
		else if (flags & O_CREAT)
			f->maybe_created = f->state == FACT_UNDECIDED;
		if ((flags & O_CREAT) && f->state != FACT_EXISTED)
			parent_changed(p, f->path);
		else
			facts_decide(f, FACT_EXISTED);
		if ((flags & O_DIRECTORY) && !f->type && !f->changed)
			f->type = S_IFDIR;
		if (flags & O_TRUNC)
			f->changed = 1;
		install(q, ret, f, 0);
		break;
	}
	case PR_LOOKUP:
		if (ret >= 0 && f) {
			facts_decide(f, FACT_EXISTED);
			struct replay_rule rule = replay_rule_for(p->arch, nr);
			if (replay_rule_follows(&rule, args)) {
				f = through_links(p, f);
				facts_decide(f, FACT_EXISTED);
			}
			note_stat_result(f, e, enter, exit);
			if (strstr(e->name, "readlink")) {
				int buf_arg = path_index(e, 0) + 1;
				const uint8_t *t = exec_recorded(exit, RPR_PHASE_EXIT, args[buf_arg], (uint64_t)ret);
				if (t)
					facts_note_target(&p->store, f, (const char *)t, (size_t)ret);
			}
		} else if (ret == -EINVAL && f && strstr(e->name, "readlink")) {
			/* there, and not a symlink */
			facts_decide(f, FACT_EXISTED);
		} else if (ret >= 0 && strcmp(e->name, "newfstatat") == 0 && (args[3] & AT_EMPTY_PATH)) {
			struct prep_fd *d = fd_slot(q, (int32_t)args[0], 0);
			if (d && d->file)
				note_stat_result(d->file, e, enter, exit);
		}
		break;
	case PR_CHANGE:
		if (ret >= 0 && f) {
			facts_decide(f, FACT_EXISTED);
			f->changed = 1;
			parent_changed(p, f->path);
		}
		for (int k = 1; ret >= 0 && path_index(e, k) >= 0; k++) {
			char *other = path_arg(q, e, enter, path_index(e, k));
			if (other) {
				/* a rename's or link's new name: the program made what is there now */
				struct path_facts *o = facts_of(&p->store, other);
				facts_decide(o, FACT_ABSENT);
				o->changed = 1;
				parent_changed(p, other);
			}
			free(other);
		}
		break;
	case PR_CREATE: {
		int last = path_index(e, 1) >= 0 ? path_index(e, 1) : first;
		char *made = last >= 0 ? path_arg(q, e, enter, last) : NULL;
		if (made) {
			struct path_facts *m = facts_of(&p->store, made);
			if (ret >= 0)
				facts_decide(m, FACT_ABSENT);
			else if (ret == -EEXIST)
				facts_decide(m, FACT_EXISTED);
			if (ret == -EEXIST && !m->type && strstr(e->name, "mkdir"))
				m->type = S_IFDIR;
			m->changed |= ret >= 0;
			if (ret >= 0)
				parent_changed(p, made);
		}
		free(made);
		break;
	}
	case PR_FSTAT:
		if (ret == 0 && slot && slot->file)
			note_stat_result(slot->file, e, enter, exit);
		break;
	case PR_READ:
		if (ret > 0 && slot) {
			note_read(p, slot, e, enter, exit, slot->offset);
			slot->offset += (uint64_t)ret;
		}
		break;
	case PR_PREAD:
		if (ret > 0 && slot && slot->file)
			note_read(p, slot, e, enter, exit, args[3]);
		break;
	case PR_WRITE:
		if (slot && slot->file && ret >= 0)
			slot->file->changed = 1;
		if (slot && ret > 0 && (strcmp(e->name, "write") == 0 || strcmp(e->name, "writev") == 0))
			slot->offset += (uint64_t)ret;
		break;
	case PR_LSEEK:
		if (slot && ret >= 0)
			slot->offset = (uint64_t)ret;
		break;
	case PR_DUP:
	case PR_FCNTL:
		if (p->role[nr] == PR_FCNTL && (int)args[1] != F_DUPFD && (int)args[1] != F_DUPFD_CLOEXEC)
			break;
		if (slot && ret >= 0 && ret != (int64_t)(int32_t)args[0]) {
			struct prep_fd copy = *slot;
			install(q, ret, copy.file, copy.stdio);
			fd_slot(q, ret, 0)->offset = copy.offset;
		}
		break;
	case PR_CLOSE:
		if (slot)
			*slot = (struct prep_fd){ 0 };
		break;
	case PR_GETDENTS:
		if (ret > 0 && slot && slot->file) {
			facts_decide(slot->file, FACT_EXISTED);
			if (!slot->file->type)
				slot->file->type = S_IFDIR;
			note_dirents(p, slot->file, enter, exit);
		}
		break;
	case PR_CHDIR:
		if (ret == 0 && f) {
			facts_decide(f, FACT_EXISTED);
			if (!f->type)
				f->type = S_IFDIR;
			free(q->cwd);
			q->cwd = rp_strdup(f->path);
		}
		break;
	case PR_EXEC:
		if (ret == 0 && f) {
			f = through_links(p, f);
			facts_decide(f, FACT_EXISTED);
			if (!f->type)
				f->type = S_IFREG;
			f->executed = 1;
		}
		break;
	case PR_FCHDIR:
		if (ret == 0 && slot && slot->file) {
			if (!slot->file->type && !slot->file->changed)
				slot->file->type = S_IFDIR;
			free(q->cwd);
			q->cwd = rp_strdup(slot->file->path);
		}
		break;
	default:
		break;
	}
}

static void on_task_new(struct prep *p, const struct rpr_event *ev)
{
	struct prep_thread *parent = NULL;
	for (struct prep_thread *t = p->threads; t; t = t->next)
		if (t->tid == ev->u.task_new.parent_tid)
			parent = t;
	thread_of(p, ev->tid, ev->pid);
	if (!parent || parent->pid == ev->pid)
		return;
	struct prep_process *from = process_of(p, parent->pid), *to = process_of(p, ev->pid);
	free(to->cwd);
	to->cwd = rp_strdup(from->cwd);
	free(to->fds);
	to->cap = from->cap;
	to->fds = rp_malloc(to->cap * sizeof(*to->fds));
	memcpy(to->fds, from->fds, to->cap * sizeof(*to->fds));
}

static void on_event(struct prep *p, const struct rpr_event *ev)
{
	switch (ev->kind) {
	case RPR_EV_TASK_NEW:
		on_task_new(p, ev);
		return;
	case RPR_EV_SYSCALL_ENTER: {
		struct prep_thread *t = thread_of(p, ev->tid, ev->pid);
		rpr_event_free(t->pending);
		t->pending = rpr_event_dup(ev);
		if (!t->pending)
			rp_die(1, "out of memory");
		return;
	}
	case RPR_EV_SYSCALL_EXIT: {
		struct prep_thread *t = thread_of(p, ev->tid, ev->pid);
		if (t->pending && t->pending->seq == ev->u.exit.enter_seq && !ev->u.exit.flags)
			on_call(p, process_of(p, ev->pid), t->pending, ev);
		rpr_event_free(t->pending);
		t->pending = NULL;
		return;
	}
	default:
		return;
	}
}

static void free_prep(struct prep *p)
{
	while (p->procs) {
		struct prep_process *q = p->procs;
		p->procs = q->next;
		free(q->cwd);
		free(q->fds);
		free(q);
	}
	while (p->threads) {
		struct prep_thread *t = p->threads;
		p->threads = t->next;
		rpr_event_free(t->pending);
		free(t);
	}
	if (p->stdin_fd >= 0)
		close(p->stdin_fd);
	fact_store_free(&p->store);
	free(p->initial_cwd);
}

int prepare_tree(const struct sandbox *sb, const char *trace, const struct arch *a, const char *cwd,
		 const struct data_fill *fill, char *err, size_t errlen)
{
	struct rpr_reader *r = rpr_reader_open(trace, 0, err, errlen);
	if (!r)
		return -1;
	struct prep *p = rp_calloc(1, sizeof(*p));
	p->arch = a;
	p->initial_cwd = rp_strdup(cwd);
	fact_store_init(&p->store, sb, fill);
	for (uint32_t nr = 0; nr < SYS_SET_MAX; nr++) {
		const char *name = arch_syscall_name(a, nr);
		for (size_t i = 0; name && i < sizeof(roles) / sizeof(roles[0]); i++)
			if (strcmp(roles[i].name, name) == 0)
				p->role[nr] = roles[i].role;
	}
	int rc = 0;
	if (mkdirat(sb->root_fd, ".reprise", 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s/.reprise: %s", sb->root, strerror(errno));
		rc = -1;
	}
	p->stdin_fd = -1;
	if (rc == 0) {
		int dir = openat(sb->root_fd, ".reprise", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		p->stdin_fd = dir < 0 ? -1 : openat(dir, "stdin", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (p->stdin_fd < 0) {
			snprintf(err, errlen, "%s/.reprise/stdin: %s", sb->root, strerror(errno));
			rc = -1;
		}
		if (dir >= 0)
			close(dir);
	}
	const struct rpr_event *ev;
	int got = 0;
	while (rc == 0 && (got = rpr_reader_next(r, &ev)) > 0)
		on_event(p, ev);
	if (rc == 0 && got < 0) {
		snprintf(err, errlen, "%s: %s", trace, rpr_reader_error(r));
		rc = -1;
	}
	if (rc == 0 && facts_build(&p->store) < 0) {
		snprintf(err, errlen, "%s", p->store.error);
		rc = -1;
	}
	free_prep(p);
	free(p);
	rpr_reader_close(r);
	return rc;
}
