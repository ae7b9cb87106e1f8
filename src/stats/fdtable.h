/*
 * A process's descriptor table as far as the trace shows it: what each open
 * descriptor is (type, file path), and whether exec closes it. Tables are shared
 * between processes created with CLONE_FILES, hence the user count.
 */
#ifndef REPRISE_STATS_FDTABLE_H
#define REPRISE_STATS_FDTABLE_H

#include <stdint.h>

enum fd_type {
	FD_TYPE_REGULAR,
	FD_TYPE_PIPE,
	FD_TYPE_SOCKET,
	FD_TYPE_CHARDEV,   /* terminals and other character devices */
	FD_TYPE_OTHER,     /* directories, epoll, eventfd, timerfd, signalfd... */
	FD_TYPE_INHERITED, /* opened before the trace shows it, and nothing since told what it is */
	FD_TYPE_COUNT
};

/* "regular file", "pipe", ... for tables; "regular", "pipe", ... as JSON keys. */
const char *fd_type_label(enum fd_type t);
const char *fd_type_key(enum fd_type t);

struct fd_entry {
	uint8_t open;
	uint8_t type;    /* enum fd_type */
	uint8_t cloexec;
	int32_t path;    /* index in the path set, or -1 */
};

struct fd_table {
	unsigned users;
	uint32_t cap;
	struct fd_entry *entries;
};

/* Descriptors at or above this are ignored: the kernel's default nr_open. */
#define FD_TABLE_LIMIT (1 << 20)

struct fd_table *fd_table_new(void);
struct fd_table *fd_table_copy(const struct fd_table *t);
void fd_table_release(struct fd_table *t);
/* Makes *t private to its holder (exec, CLOSE_RANGE_UNSHARE), copying it if others share it. */
void fd_table_unshare(struct fd_table **t);

/* The open entry for fd, or NULL. */
struct fd_entry *fd_table_find(struct fd_table *t, int64_t fd);
/* The entry for fd, recorded as inherited if the trace never showed it opened; NULL if fd is out of range. */
struct fd_entry *fd_table_use(struct fd_table *t, int64_t fd);
void fd_table_install(struct fd_table *t, int64_t fd, struct fd_entry e);
void fd_table_close(struct fd_table *t, int64_t fd);
void fd_table_close_on_exec(struct fd_table *t);

#endif
