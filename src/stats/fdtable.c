#include "stats/fdtable.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static const char *const labels[FD_TYPE_COUNT] = {
	[FD_TYPE_REGULAR] = "regular file", [FD_TYPE_PIPE] = "pipe",   [FD_TYPE_SOCKET] = "socket",
	[FD_TYPE_CHARDEV] = "tty/char device", [FD_TYPE_OTHER] = "other", [FD_TYPE_INHERITED] = "inherited",
};
static const char *const keys[FD_TYPE_COUNT] = {
	[FD_TYPE_REGULAR] = "regular", [FD_TYPE_PIPE] = "pipe",   [FD_TYPE_SOCKET] = "socket",
	[FD_TYPE_CHARDEV] = "chardev", [FD_TYPE_OTHER] = "other", [FD_TYPE_INHERITED] = "inherited",
};

const char *fd_type_label(enum fd_type t)
{
	return labels[t];
}

const char *fd_type_key(enum fd_type t)
{
	return keys[t];
}

struct fd_table *fd_table_new(void)
{
	struct fd_table *t = rp_calloc(1, sizeof(*t));
	t->users = 1;
	return t;
}

struct fd_table *fd_table_copy(const struct fd_table *t)
{
	struct fd_table *c = fd_table_new();
	if (t->cap) {
		c->entries = rp_malloc(t->cap * sizeof(*c->entries));
		memcpy(c->entries, t->entries, t->cap * sizeof(*c->entries));
		c->cap = t->cap;
	}
	return c;
}

void fd_table_release(struct fd_table *t)
{
	if (t && --t->users == 0) {
		free(t->entries);
		free(t);
	}
}

void fd_table_unshare(struct fd_table **t)
{
	if ((*t)->users > 1) {
		struct fd_table *own = fd_table_copy(*t);
		fd_table_release(*t);
		*t = own;
	}
}

static int in_range(int64_t fd)
{
	return fd >= 0 && fd < FD_TABLE_LIMIT;
}

struct fd_entry *fd_table_find(struct fd_table *t, int64_t fd)
{
	if (!in_range(fd) || (uint64_t)fd >= t->cap || !t->entries[fd].open)
		return NULL;
	return &t->entries[fd];
}

static void grow_to_hold(struct fd_table *t, int64_t fd)
{
	if ((uint64_t)fd < t->cap)
		return;
	uint32_t cap = t->cap ? t->cap : 16;
	while (cap <= (uint64_t)fd)
		cap *= 2;
	t->entries = rp_realloc(t->entries, cap * sizeof(*t->entries));
	memset(t->entries + t->cap, 0, (cap - t->cap) * sizeof(*t->entries));
	t->cap = cap;
}

void fd_table_install(struct fd_table *t, int64_t fd, struct fd_entry e)
{
	if (!in_range(fd))
		return;
	grow_to_hold(t, fd);
	e.open = 1;
	t->entries[fd] = e;
}

struct fd_entry *fd_table_use(struct fd_table *t, int64_t fd)
{
	struct fd_entry *e = fd_table_find(t, fd);
	if (e || !in_range(fd))
		return e;
	fd_table_install(t, fd, (struct fd_entry){ .type = FD_TYPE_INHERITED, .path = -1 });
	return &t->entries[fd];
}

void fd_table_close(struct fd_table *t, int64_t fd)
{
	struct fd_entry *e = fd_table_find(t, fd);
	if (e)
		e->open = 0;
}

void fd_table_close_on_exec(struct fd_table *t)
{
	for (uint32_t fd = 0; fd < t->cap; fd++)
		if (t->entries[fd].cloexec)
			t->entries[fd].open = 0;
}
