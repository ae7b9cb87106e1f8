/*
 * Which of a process's descriptors are mediated sockets. The descriptor itself is real (a
 * placeholder socket the kernel created), so numbering, close-on-exec and inheritance
 * stay the kernel's; this table only says which socket reprise answers for it.
 */
#ifndef REPRISE_EMULATE_FDTABLE_H
#define REPRISE_EMULATE_FDTABLE_H

#include <stddef.h>
#include <sys/types.h>

struct sock;

struct fdtable {
	struct sock **socks;     /* by descriptor number; NULL = not mediated */
	size_t cap;
	size_t refs;             /* processes sharing it (CLONE_FILES) */
};

struct fdtable *fdtable_new(void);
/* A copy for a forked child: every socket gains a reference. */
struct fdtable *fdtable_copy(const struct fdtable *src);
/* Drops one sharer; the last one closes every socket. */
void fdtable_unref(struct fdtable *ft);

struct sock *fdtable_get(const struct fdtable *ft, int fd);
/* Maps fd to s (taking a reference), closing what fd mapped before. */
void fdtable_set(struct fdtable *ft, int fd, struct sock *s);
/* Forgets fd, dropping its reference. */
void fdtable_clear(struct fdtable *ft, int fd);
/* Forgets the descriptors that no longer exist in process pid (closed on exec). */
void fdtable_prune(struct fdtable *ft, pid_t pid);

#endif
