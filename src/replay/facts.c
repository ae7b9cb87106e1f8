#include "replay/facts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/util.h"

void fact_store_init(struct fact_store *s, const struct sandbox *sb, const struct data_fill *fill)
{
	memset(s, 0, sizeof(*s));
	s->sb = sb;
	s->fill = fill;
}

void fact_store_free(struct fact_store *s)
{
	for (size_t b = 0; b < FACT_BUCKETS; b++) {
		struct path_facts *f = s->buckets[b];
		while (f) {
			struct path_facts *next = f->next_in_bucket;
			if (f->fd >= 0)
				close(f->fd);
			free(f->path);
			free(f->target);
			free(f->extents);
			free(f);
			f = next;
		}
		s->buckets[b] = NULL;
	}
}

static unsigned hash_path(const char *p)
{
	uint32_t h = 2166136261u;
	for (; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h % FACT_BUCKETS;
}

static struct path_facts *facts_find(const struct fact_store *s, const char *path)
{
	for (struct path_facts *f = s->buckets[hash_path(path)]; f; f = f->next_in_bucket)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

struct path_facts *facts_of(struct fact_store *s, const char *path)
{
	struct path_facts *f = facts_find(s, path);
	if (f)
		return f;
	unsigned b = hash_path(path);
	f = rp_calloc(1, sizeof(*f));
	f->path = rp_strdup(path);
	f->fd = -1;
	f->next_in_bucket = s->buckets[b];
	s->buckets[b] = f;
	s->count++;
	return f;
}

void facts_decide(struct path_facts *f, uint8_t state)
{
	/* a file the program opened with O_CREAT existed only if bytes or a size showed it */
	if (state == FACT_EXISTED && f->maybe_created)
		state = FACT_ABSENT;
	if (f->state == FACT_UNDECIDED)
		f->state = state;
}

void facts_note_stat(struct path_facts *f, uint32_t mode, uint32_t uid, uint32_t gid, uint64_t size, uint64_t rdev)
{
	if (f->changed || f->state == FACT_ABSENT)
		return;
	f->has_stat = 1;
	f->type = mode & S_IFMT;
	f->mode = mode & 07777;
	f->uid = uid;
	f->gid = gid;
	f->size = size;
	f->rdev = rdev;
	if (size && f->maybe_created)
		f->state = FACT_EXISTED;
}

static void fail(struct fact_store *s, const char *path, int err)
{
	if (!s->error[0])
		snprintf(s->error, sizeof(s->error), "--prepare: %s%s: %s", s->sb->root, path, strerror(err));
}

static char *parent_of(const char *path)
{
	char *p = rp_strdup(path);
	char *slash = strrchr(p, '/');
	if (slash == p)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	return p;
}

static void close_file(struct fact_store *s, struct path_facts *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (s->open_file == f)
		s->open_file = NULL;
}

/* Opens (creating it and its directories) the prepared regular file, closing the one open before. */
static int open_file(struct fact_store *s, struct path_facts *f)
{
	if (f->fd >= 0)
		return 0;
	if (s->open_file)
		close_file(s, s->open_file);
	char *parent = parent_of(f->path);
	int rc = sandbox_mkdirs(s->sb, parent);
	free(parent);
	if (rc == 0) {
		f->fd = sandbox_openat2(s->sb, f->path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644, 0);
		rc = f->fd < 0 ? f->fd : 0;
	}
	if (rc == 0)
		s->open_file = f;
	f->made = f->made || rc == 0;
	if (rc < 0)
		fail(s, f->path, -rc);
	return rc;
}

static void add_extent(struct path_facts *f, uint64_t offset, uint64_t len)
{
	for (size_t i = 0; i < f->nextents; i++) {
		struct extent *e = &f->extents[i];
		if (offset <= e->offset + e->len && e->offset <= offset + len) {
			uint64_t end = offset + len > e->offset + e->len ? offset + len : e->offset + e->len;
			e->offset = offset < e->offset ? offset : e->offset;
			e->len = end - e->offset;
			return;
		}
	}
	if (f->nextents == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 4;
		f->extents = rp_realloc(f->extents, f->cap * sizeof(*f->extents));
	}
	f->extents[f->nextents++] = (struct extent){ offset, len };
}

void facts_note_bytes(struct fact_store *s, struct path_facts *f, uint64_t offset, const uint8_t *data, uint64_t len)
{
	if (f->changed || !len || (f->state != FACT_EXISTED && !f->maybe_created))
		return;
	f->state = FACT_EXISTED;
	if ((f->type && f->type != S_IFREG) || open_file(s, f) < 0)
		return;
	for (uint64_t done = 0; done < len;) {
		ssize_t n = pwrite(f->fd, data + done, len - done, (off_t)(offset + done));
		if (n <= 0) {
			fail(s, f->path, n < 0 ? errno : EIO);
			return;
		}
		done += (uint64_t)n;
	}
	add_extent(f, offset, len);
}

static int compare_extents(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The bytes the program never read: --data's, up to the recorded size. */
static int fill_gaps(struct fact_store *s, struct path_facts *f)
{
	if (!f->has_stat)
		return 0;
	if (s->fill->mode == DATA_RECORDED || s->fill->mode == DATA_ZERO) {
		struct stat st;
		if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size < f->size && ftruncate(f->fd, (off_t)f->size) < 0)
			return -errno;
		return 0;
	}
	if (f->nextents)
		qsort(f->extents, f->nextents, sizeof(*f->extents), compare_extents);
	enum { CHUNK = 1 << 16 };
	uint8_t *buf = rp_malloc(CHUNK);
	uint64_t at = 0;
	size_t next = 0;
	int rc = 0;
	while (at < f->size && rc == 0) {
		while (next < f->nextents && f->extents[next].offset + f->extents[next].len <= at)
			next++;
		if (next < f->nextents && f->extents[next].offset <= at) {
			at = f->extents[next].offset + f->extents[next].len;
			continue;
		}
		uint64_t end = next < f->nextents && f->extents[next].offset < f->size ? f->extents[next].offset : f->size;
		uint64_t n = end - at < CHUNK ? end - at : CHUNK;
		data_fill(s->fill, buf, n);
		ssize_t w = pwrite(f->fd, buf, n, (off_t)at);
		if (w <= 0)
			rc = w < 0 ? -errno : -EIO;
		else
			at += (uint64_t)w;
	}
	free(buf);
	return rc;
}

/* Character devices a program may open that are the same everywhere. */
static int harmless_device(const char *path)
{
	static const char *const names[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(path, names[i]) == 0)
			return 1;
	return 0;
}

static int outside(const char *path)
{
	return strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/sys/", 5) == 0 || strcmp(path, "/proc") == 0 ||
	       strcmp(path, "/sys") == 0;
}

/*
 * The recorded symlink; when the program never read its target (it listed or lstat'ed it
 * only), a dangling one whose target has the recorded length, so that listings and lstat
 * see what the recording saw. -1 with errno on failure.
 */
static int make_symlink(const struct path_facts *f, int dir, const char *base)
{
	if (f->target && f->target_made_up) {
		/*
		 * Relative, so that it leads there from outside the root too; padded to the recorded
		 * length (what lstat shows) with slashes, which resolve as one.
		 */
		size_t depth = 0;
		for (const char *c = f->path + 1; *c; c++)
			depth += *c == '/';
		const char *own = f->target + 1, *slash = strchr(own, '/');
		size_t len = 3 * depth + strlen(own), recorded = f->has_stat ? f->size : 0;
		size_t pad = recorded > len && recorded < PATH_MAX ? recorded - len : 0;
		char *target = rp_malloc(len + pad + 1), *at = target;
		for (size_t i = 0; i < depth; i++, at += 3)
			memcpy(at, "../", 3);
		memcpy(at, own, (size_t)(slash - own));
		at += slash - own;
		memset(at, '/', pad);
		strcpy(at + pad, slash);
		int rc = symlinkat(target, dir, base);
		free(target);
		return rc;
	}
	if (f->target)
		return symlinkat(f->target, dir, base);
	static const char unread[] = ".reprise-target-not-recorded";
	size_t len = f->has_stat && f->size ? f->size : sizeof(unread) - 1;
	if (len >= PATH_MAX)
		len = PATH_MAX - 1;
	char *target = rp_malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		target[i] = i < sizeof(unread) - 1 ? unread[i] : '_';
	target[len] = 0;
	int rc = symlinkat(target, dir, base);
	free(target);
	return rc;
}

/* Creates one path that existed; 0 or -errno. */
static int build_one(struct fact_store *s, struct path_facts *f)
{
	uint32_t type = f->type ? f->type : S_IFREG;
	if (type == S_IFDIR)
		return sandbox_mkdirs(s->sb, f->path);
	if (type == S_IFREG) {
		if (open_file(s, f) < 0)
			return 0;
		if (f->executed && !f->has_stat && fchmod(f->fd, 0755) < 0)
			return -errno;
		return fill_gaps(s, f);
	}
	char *parent = parent_of(f->path);
	int rc = sandbox_mkdirs(s->sb, parent);
	free(parent);
	int dir = -1;
	const char *base = NULL;
	if (rc == 0)
		rc = sandbox_split(s->sb, f->path, &dir, &base);
	if (rc == 0 && base) {
		if (type == S_IFLNK)
			rc = make_symlink(f, dir, base);
		else if (type == S_IFIFO)
			rc = mknodat(dir, base, S_IFIFO | 0600, 0);
		else if (type == S_IFCHR && harmless_device(f->path))
			rc = mknodat(dir, base, S_IFCHR | 0600, (dev_t)f->rdev);
		if (rc < 0)
			rc = errno == EEXIST ? 0 : -errno;
	}
	if (dir >= 0)
		close(dir);
	return rc;
}

/* The recorded mode and owner; 0 or -errno. */
static int set_attributes(struct fact_store *s, struct path_facts *f)
{
	if (!f->has_stat || f->type == S_IFLNK)
		return 0;
	int dir;
	const char *base;
	int rc = sandbox_split(s->sb, f->path, &dir, &base);
	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
	const char *name = base ? base : ".";
	if (fchownat(dir, name, f->uid, f->gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
		rc = -errno;
	else if (fchmodat(dir, name, f->mode, 0) < 0 && errno != ENOENT)
		rc = -errno;
	close(dir);
	return rc;
}

/* The facts of where a link whose target is known points. */
static struct path_facts *target_facts(struct fact_store *s, const struct path_facts *link)
{
	char *parent = link->target[0] == '/' ? NULL : parent_of(link->path);
	char *path = sandbox_join(parent, link->target);
	free(parent);
	struct path_facts *target = facts_of(s, path);
	free(path);
	return target;
}

struct path_facts *facts_followed(struct fact_store *s, struct path_facts *link)
{
	if (!link->target) {
		char target[64];
		snprintf(target, sizeof(target), "/.reprise/links/%u", ++s->made_up_targets);
		link->target = rp_strdup(target);
		link->target_made_up = 1;
	}
	return target_facts(s, link);
}

/* The prepared file of `from`, just renamed to `to`'s path: which bytes were read goes along, for --data to fill only the rest. */
static void take_bytes(struct path_facts *to, struct path_facts *from)
{
	to->made = 1;
	free(to->extents);
	to->extents = from->extents;
	to->nextents = from->nextents;
	to->cap = from->cap;
	from->extents = NULL;
	from->nextents = from->cap = 0;
	from->made = 0;
}

/* Renames one prepared path to another, making the new one's directories. 0 or -errno. */
static int move_file(struct fact_store *s, const char *from, const char *to)
{
	char *parent = parent_of(to);
	int rc = sandbox_mkdirs(s->sb, parent);
	free(parent);
	int from_dir = -1, to_dir = -1;
	const char *from_base = NULL, *to_base = NULL;
	if (rc == 0)
		rc = sandbox_split(s->sb, from, &from_dir, &from_base);
	if (rc == 0)
		rc = sandbox_split(s->sb, to, &to_dir, &to_base);
	if (rc == 0 && (!from_base || !to_base))
		rc = -EINVAL;
	if (rc == 0 && renameat(from_dir, from_base, to_dir, to_base) < 0)
		rc = -errno;
	if (from_dir >= 0)
		close(from_dir);
	if (to_dir >= 0)
		close(to_dir);
	return rc;
}

/* The made-up target `from` of a link whose real target `to` was read later: what prepare learned goes to `to`. */
static void adopt(struct fact_store *s, struct path_facts *to, struct path_facts *from)
{
	if (to == from || from->state != FACT_EXISTED)
		return;
	facts_decide(to, FACT_EXISTED);
	if (!to->has_stat && from->has_stat) {
		to->has_stat = 1;
		to->type = from->type;
		to->mode = from->mode;
		to->uid = from->uid;
		to->gid = from->gid;
		to->size = from->size;
		to->rdev = from->rdev;
	} else if (!to->type) {
		to->type = from->type;
	}
	if (from->made && !to->made && !to->changed) {
		close_file(s, from);
		if (move_file(s, from->path, to->path) == 0)
			take_bytes(to, from);
	}
	/* replay's own file, no longer pointed at: not built (left over if its bytes could not move) */
	from->state = FACT_ABSENT;
}

void facts_note_target(struct fact_store *s, struct path_facts *link, const char *target, size_t len)
{
	if (link->changed || (link->target && !link->target_made_up))
		return;
	struct path_facts *made_up = link->target ? target_facts(s, link) : NULL;
	free(link->target);
	link->target = rp_strndup(target, len);
	link->target_made_up = 0;
	link->type = S_IFLNK;
	if (made_up)
		adopt(s, target_facts(s, link), made_up);
}

/*
 * A symlink the program opened before the recording showed it to be one (reading
 * /etc/localtime, then listing /etc): the bytes it read went into a regular file made at
 * the link's path. They belong to the link's target, where the file moves, leaving the
 * path free for the link. 0 or -errno.
 */
static int move_to_target(struct fact_store *s, struct path_facts *link)
{
	close_file(s, link);
	struct path_facts *target = target_facts(s, link);
	int rc = 0;
	if (target == link || target->type == S_IFLNK || target->made || target->changed) {
		/* the target has bytes of its own, or cannot take these: they go */
		int dir;
		const char *base;
		rc = sandbox_split(s->sb, link->path, &dir, &base);
		if (rc == 0 && base && unlinkat(dir, base, 0) < 0)
			rc = -errno;
		if (dir >= 0)
			close(dir);
	} else {
		rc = move_file(s, link->path, target->path);
		target->state = FACT_EXISTED;
		if (!target->type)
			target->type = S_IFREG;
		take_bytes(target, link);
	}
	link->made = 0;
	return rc;
}

/* A program ran through a link before the recording showed it to be one: its target is the program file. */
static void executed_through(struct fact_store *s, struct path_facts *link)
{
	struct path_facts *target = target_facts(s, link);
	facts_decide(target, FACT_EXISTED);
	if (!target->type)
		target->type = S_IFREG;
	target->executed = 1;
}

/* A path others lie below was a directory, whatever call named it first (find opens "." without O_DIRECTORY). */
static void infer_directories(struct fact_store *s, struct path_facts **all, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *p = rp_strdup(all[i]->path);
		for (char *slash = strrchr(p, '/'); slash && slash != p; slash = strrchr(p, '/')) {
			*slash = 0;
			struct path_facts *d = facts_find(s, p);
			if (d && !d->type)
				d->type = S_IFDIR;
		}
		free(p);
	}
}

static int compare_paths(const void *a, const void *b)
{
	const struct path_facts *const *x = a, *const *y = b;
	return strcmp((*x)->path, (*y)->path);
}

int facts_build(struct fact_store *s)
{
	/* before the list is taken: what went through a link, found one later, may add its target */
	for (size_t b = 0; b < FACT_BUCKETS && !s->error[0]; b++)
		for (struct path_facts *f = s->buckets[b]; f; f = f->next_in_bucket) {
			if (f->type != S_IFLNK || !f->target)
				continue;
			if (f->executed)
				executed_through(s, f);
			int rc = f->made ? move_to_target(s, f) : 0;
			if (rc < 0)
				fail(s, f->path, -rc);
		}
	struct path_facts **all = rp_malloc((s->count + 1) * sizeof(*all));
	size_t n = 0;
	for (size_t b = 0; b < FACT_BUCKETS; b++)
		for (struct path_facts *f = s->buckets[b]; f; f = f->next_in_bucket)
			if (f->state == FACT_EXISTED && strcmp(f->path, "/") != 0 && !outside(f->path))
				all[n++] = f;
	qsort(all, n, sizeof(*all), compare_paths);
	infer_directories(s, all, n);
	for (size_t i = 0; i < n && !s->error[0]; i++) {
		int rc = build_one(s, all[i]);
		if (rc < 0)
			fail(s, all[i]->path, -rc);
	}
	/* deepest first, so a read-only directory is made so after what goes inside it */
	for (size_t i = n; i-- > 0 && !s->error[0];) {
		int rc = set_attributes(s, all[i]);
		if (rc < 0)
			fail(s, all[i]->path, -rc);
	}
	/* the root itself is there already (a new one is made 0700): it only takes the recorded mode and owner, last */
	struct path_facts *root = facts_find(s, "/");
	if (root && root->state == FACT_EXISTED && !s->error[0]) {
		int rc = set_attributes(s, root);
		if (rc < 0)
			fail(s, "/", -rc);
	}
	free(all);
	return s->error[0] ? -1 : 0;
}
