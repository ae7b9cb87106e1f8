#include "replay/shadow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

enum { COMPARE_CHUNK = 1 << 16 };

static unsigned bucket_of(const char *path)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % SHADOW_BUCKETS;
}

static struct shadow_file **slot_of(struct shadow_store *s, const char *path)
{
	struct shadow_file **p = &s->buckets[bucket_of(path)];
	while (*p && strcmp((*p)->path, path) != 0)
		p = &(*p)->next_in_bucket;
	return p;
}

static struct shadow_file *file_of(struct shadow_store *s, const char *path)
{
	struct shadow_file **p = slot_of(s, path);
	if (!*p) {
		*p = rp_calloc(1, sizeof(**p));
		(*p)->path = rp_strdup(path);
		(*p)->content = rp_calloc(1, sizeof(*(*p)->content));
		(*p)->content->names = 1;
	}
	return *p;
}

static void drop_extents(struct shadow_store *s, struct shadow_content *c)
{
	s->extents -= c->nextents;
	free(c->extents);
	c->extents = NULL;
	c->nextents = c->cap = 0;
}

/* Forgets a name; the content goes with its last name. */
static void free_file(struct shadow_store *s, struct shadow_file *f)
{
	if (--f->content->names == 0) {
		drop_extents(s, f->content);
		free(f->content);
	}
	free(f->path);
	free(f);
}

int shadow_init(struct shadow_store *s, const struct sandbox *sb, char *err, unsigned errlen)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->sb = sb;
	s->log_fd = sandbox_openat2(sb, "/.reprise", O_TMPFILE | O_RDWR, 0600, 0);
	if (s->log_fd < 0) {
		snprintf(err, errlen, "%s/.reprise: cannot make the on-disk state log: %s", sb->root, strerror(-s->log_fd));
		pthread_mutex_destroy(&s->lock);
		return -1;
	}
	return 0;
}

void shadow_free(struct shadow_store *s)
{
	for (unsigned b = 0; b < SHADOW_BUCKETS; b++)
		while (s->buckets[b]) {
			struct shadow_file *f = s->buckets[b];
			s->buckets[b] = f->next_in_bucket;
			free_file(s, f);
		}
	close(s->log_fd);
	pthread_mutex_destroy(&s->lock);
}

static void make_unknowable(struct shadow_store *s, struct shadow_content *f, const char *reason)
{
	if (!f->unchecked)
		f->unchecked = reason;
	drop_extents(s, f);
}

/* The first extent ending after offset. */
static size_t first_ending_after(const struct shadow_content *f, uint64_t offset)
{
	size_t lo = 0, hi = f->nextents;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->extents[mid].offset + f->extents[mid].len > offset)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Puts [offset, offset+len) at log_offset over whatever the map held there. */
static void map_insert(struct shadow_store *s, struct shadow_content *f, uint64_t offset, uint64_t len,
		       uint64_t log_offset)
{
	uint64_t end = offset + len;
	size_t i = first_ending_after(f, offset), j = i;
	while (j < f->nextents && f->extents[j].offset < end)
		j++;
	struct shadow_extent parts[3];
	size_t n = 0;
	if (i < j && f->extents[i].offset < offset)
		parts[n++] = (struct shadow_extent){ f->extents[i].offset, offset - f->extents[i].offset,
						     f->extents[i].log_offset };
	parts[n++] = (struct shadow_extent){ offset, len, log_offset };
	if (i < j && f->extents[j - 1].offset + f->extents[j - 1].len > end) {
		const struct shadow_extent *last = &f->extents[j - 1];
		parts[n++] = (struct shadow_extent){ end, last->offset + last->len - end,
						     last->log_offset + (end - last->offset) };
	}
	if (n == 1 && i == j && i > 0) {
		/* a write continuing the previous one, its bytes next in the log too: one range */
		struct shadow_extent *prev = &f->extents[i - 1];
		if (prev->offset + prev->len == offset && prev->log_offset + prev->len == log_offset) {
			prev->len += len;
			return;
		}
	}
	if (s->extents + n > SHADOW_MAX_EXTENTS + (j - i)) {
		make_unknowable(s, f, "written in more scattered pieces than the check keeps track of");
		return;
	}
	size_t count = f->nextents - (j - i) + n;
	if (count > f->cap) {
		f->cap = count * 2 > 8 ? count * 2 : 8;
		f->extents = rp_realloc(f->extents, f->cap * sizeof(*f->extents));
	}
	memmove(&f->extents[i + n], &f->extents[j], (f->nextents - j) * sizeof(*f->extents));
	memcpy(&f->extents[i], parts, n * sizeof(*parts));
	s->extents = s->extents - (j - i) + n;
	f->nextents = count;
}

void shadow_write(struct shadow_store *s, const char *path, uint64_t offset, const uint8_t *data, uint64_t len)
{
	pthread_mutex_lock(&s->lock);
	struct shadow_content *f = file_of(s, path)->content;
	if (!data)
		make_unknowable(s, f, "written bytes the trace did not keep whole");
	if (!f->unchecked && len) {
		uint64_t at = s->log_end;
		for (uint64_t done = 0; done < len;) {
			ssize_t n = pwrite(s->log_fd, data + done, len - done, (off_t)(at + done));
			if (n <= 0) {
				make_unknowable(s, f, "the on-disk state log could not be written");
				break;
			}
			done += (uint64_t)n;
		}
		if (!f->unchecked) {
			s->log_end += len;
			map_insert(s, f, offset, len, at);
		}
	}
	if (f->size_known && offset + len > f->size)
		f->size = offset + len;
	pthread_mutex_unlock(&s->lock);
}

void shadow_truncate(struct shadow_store *s, const char *path, uint64_t size)
{
	pthread_mutex_lock(&s->lock);
	struct shadow_content *f = file_of(s, path)->content;
	size_t keep = first_ending_after(f, size);
	if (keep < f->nextents && f->extents[keep].offset < size) {
		f->extents[keep].len = size - f->extents[keep].offset;
		keep++;
	}
	s->extents -= f->nextents - keep;
	f->nextents = keep;
	f->size_known = 1;
	f->size = size;
	pthread_mutex_unlock(&s->lock);
}

void shadow_unknowable(struct shadow_store *s, const char *path, const char *reason)
{
	pthread_mutex_lock(&s->lock);
	make_unknowable(s, file_of(s, path)->content, reason);
	pthread_mutex_unlock(&s->lock);
}

void shadow_unlink(struct shadow_store *s, const char *path)
{
	pthread_mutex_lock(&s->lock);
	struct shadow_file **p = slot_of(s, path);
	if (*p) {
		struct shadow_file *f = *p;
		*p = f->next_in_bucket;
		free_file(s, f);
	}
	pthread_mutex_unlock(&s->lock);
}

static void rekey(struct shadow_store *s, struct shadow_file *f, char *path)
{
	free(f->path);
	f->path = path;
	struct shadow_file **p = slot_of(s, path);
	f->next_in_bucket = NULL;
	*p = f;
}

/* Takes every file at `from` or under it (a renamed directory) out of the table. */
static struct shadow_file *take_tree(struct shadow_store *s, const char *from)
{
	size_t len = strlen(from);
	struct shadow_file *taken = NULL;
	for (unsigned b = 0; b < SHADOW_BUCKETS; b++)
		for (struct shadow_file **p = &s->buckets[b]; *p;) {
			struct shadow_file *f = *p;
			if (strncmp(f->path, from, len) == 0 && (f->path[len] == 0 || f->path[len] == '/')) {
				*p = f->next_in_bucket;
				f->next_in_bucket = taken;
				taken = f;
			} else {
				p = &f->next_in_bucket;
			}
		}
	return taken;
}

static void put_tree(struct shadow_store *s, struct shadow_file *taken, size_t from_len, const char *to)
{
	while (taken) {
		struct shadow_file *f = taken;
		taken = f->next_in_bucket;
		struct strbuf path;
		sb_init(&path);
		sb_puts(&path, to);
		sb_puts(&path, f->path + from_len);
		struct shadow_file **old = slot_of(s, path.buf);
		if (*old) {
			struct shadow_file *replaced = *old;
			*old = replaced->next_in_bucket;
			free_file(s, replaced);
		}
		rekey(s, f, path.buf);
	}
}

void shadow_rename(struct shadow_store *s, const char *from, const char *to, int exchange)
{
	if (strcmp(from, to) == 0)
		return;
	pthread_mutex_lock(&s->lock);
	struct shadow_file *a = *slot_of(s, from), *b = *slot_of(s, to);
	/* renaming a name onto another name of the same file leaves both (rename(2)) */
	if (!exchange && a && b && a->content == b->content) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	struct shadow_file *moved = take_tree(s, from);
	struct shadow_file *back = take_tree(s, to);
	if (exchange) {
		put_tree(s, back, strlen(to), from);
	} else {
		while (back) {
			struct shadow_file *f = back;
			back = f->next_in_bucket;
			free_file(s, f);
		}
	}
	put_tree(s, moved, strlen(from), to);
	pthread_mutex_unlock(&s->lock);
}

void shadow_link(struct shadow_store *s, const char *from, const char *to)
{
	if (strcmp(from, to) == 0)
		return;
	pthread_mutex_lock(&s->lock);
	/* a name of a file nothing was known of yet starts its record: what is written through either name counts */
	struct shadow_content *c = file_of(s, from)->content;
	struct shadow_file **old = slot_of(s, to);
	if (*old) {
		struct shadow_file *replaced = *old;
		*old = replaced->next_in_bucket;
		free_file(s, replaced);
	}
	struct shadow_file *name = file_of(s, to);
	free(name->content);
	name->content = c;
	c->names++;
	pthread_mutex_unlock(&s->lock);
}

static int read_all(int fd, uint8_t *buf, uint64_t len, uint64_t offset, uint64_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = pread(fd, buf + *got, len - *got, (off_t)(offset + *got));
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		*got += (uint64_t)n;
	}
	return 0;
}

static void report_file(struct mismatch_log *log, const char *path, const char *expected, const char *actual)
{
	struct strbuf what;
	sb_init(&what);
	sb_printf(&what, "on-disk state of %s", path);
	mismatch_report(log, what.buf, expected, actual);
	sb_free(&what);
}

/* The recorded bytes of one range against the file's. 1 if they differ (reported). */
static int compare_extent(struct shadow_store *s, struct mismatch_log *log, const struct shadow_file *f, int fd,
			  const struct shadow_extent *e, uint8_t *want, uint8_t *have)
{
	char expected[96], actual[96];
	for (uint64_t done = 0; done < e->len;) {
		uint64_t n = e->len - done < COMPARE_CHUNK ? e->len - done : COMPARE_CHUNK;
		uint64_t got_want, got_have;
		if (read_all(s->log_fd, want, n, e->log_offset + done, &got_want) < 0 || got_want != n) {
			snprintf(actual, sizeof(actual), "the on-disk state log unreadable (%s)", strerror(errno));
			report_file(log, f->path, "recorded bytes", actual);
			return 1;
		}
		if (read_all(fd, have, n, e->offset + done, &got_have) < 0) {
			snprintf(actual, sizeof(actual), "read error %s", strerrorname_np(errno));
			report_file(log, f->path, "a readable file", actual);
			return 1;
		}
		for (uint64_t k = 0; k < n; k++) {
			if (k == got_have) {
				snprintf(expected, sizeof(expected), "byte 0x%02x at offset %llu", want[k],
					 (unsigned long long)(e->offset + done + k));
				snprintf(actual, sizeof(actual), "end of file at offset %llu",
					 (unsigned long long)(e->offset + done + k));
				report_file(log, f->path, expected, actual);
				return 1;
			}
			if (want[k] != have[k]) {
				snprintf(expected, sizeof(expected), "byte 0x%02x at offset %llu", want[k],
					 (unsigned long long)(e->offset + done + k));
				snprintf(actual, sizeof(actual), "0x%02x", have[k]);
				report_file(log, f->path, expected, actual);
				return 1;
			}
		}
		done += n;
	}
	return 0;
}

/* 1 if the replayed file differs from the record (reported). */
static int check_file(struct shadow_store *s, struct mismatch_log *log, const struct shadow_file *f, uint8_t *want,
		      uint8_t *have)
{
	char expected[64], actual[96];
	int fd = sandbox_openat2(s->sb, f->path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0, 0);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(actual, sizeof(actual), "%s", strerrorname_np(fd < 0 ? -fd : errno));
		report_file(log, f->path, "a file", actual);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	int differs = 0;
	if (!S_ISREG(st.st_mode)) {
		report_file(log, f->path, "a regular file", "another type");
		differs = 1;
	}
	const struct shadow_content *c = f->content;
	for (size_t i = 0; !differs && i < c->nextents; i++)
		differs = compare_extent(s, log, f, fd, &c->extents[i], want, have);
	if (!differs && c->size_known && (uint64_t)st.st_size != c->size) {
		snprintf(expected, sizeof(expected), "size %llu", (unsigned long long)c->size);
		snprintf(actual, sizeof(actual), "size %llu", (unsigned long long)st.st_size);
		report_file(log, f->path, expected, actual);
		differs = 1;
	}
	close(fd);
	return differs;
}

void shadow_check(struct shadow_store *s, struct mismatch_log *log, struct shadow_outcome *out)
{
	memset(out, 0, sizeof(*out));
	uint8_t *want = rp_malloc(COMPARE_CHUNK), *have = rp_malloc(COMPARE_CHUNK);
	size_t cap = 0;
	for (unsigned b = 0; b < SHADOW_BUCKETS; b++)
		for (const struct shadow_file *f = s->buckets[b]; f; f = f->next_in_bucket) {
			const struct shadow_content *c = f->content;
			/* a name only linked to a file nothing was written to tells nothing */
			if (!c->unchecked && !c->nextents && !c->size_known)
				continue;
			if (c->unchecked) {
				if (out->nunchecked == cap) {
					cap = cap ? cap * 2 : 16;
					out->unchecked = rp_realloc(out->unchecked, cap * sizeof(*out->unchecked));
				}
				out->unchecked[out->nunchecked++] =
					(struct shadow_unchecked){ rp_strdup(f->path), c->unchecked };
				continue;
			}
			out->checked++;
			if (check_file(s, log, f, want, have))
				out->differing++;
		}
	free(want);
	free(have);
}

void shadow_outcome_free(struct shadow_outcome *o)
{
	for (size_t i = 0; i < o->nunchecked; i++)
		free(o->unchecked[i].path);
	free(o->unchecked);
	memset(o, 0, sizeof(*o));
}
