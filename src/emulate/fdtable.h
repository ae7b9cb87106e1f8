/*
 * Which of a process's descriptors are mediated sockets. The descriptor itself is real (a
 * placeholder socket the kernel created), so numbering, close-on-exec and inheritance
 * stay the kernel's; this table only says which socket reprise answers for it.
 */
#ifndef REPRISE_EMULATE_FDTABLE_H
#define REPRISE_EMULATE_FDTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sock;

/*
 * A mediated socket in an epoll set. The kernel's epoll never sees it (its descriptor is
 * a placeholder), so reprise keeps the interest list for it, keyed by descriptor numbers.
 */
struct epoll_watch {
	int epfd, fd;
	uint32_t events;         /* as given to epoll_ctl, flags included */
	uint64_t data;
	uint32_t seen;           /* EPOLLET: the ready bits last reported ... */
	uint64_t seen_generation; /* ... and emu.generation then */
	int disarmed;            /* EPOLLONESHOT: reported, waiting for EPOLL_CTL_MOD */
};

struct fdtable {
	struct sock **socks;     /* by descriptor number; NULL = not mediated */
	size_t cap;
	size_t refs;             /* processes sharing it (CLONE_FILES) */
	struct epoll_watch *watches;
	size_t nwatches, watches_cap;
	/* The last answer a wait gave at once, summed up, and how many times in a row it was the same (multiplex.c). */
	uint64_t busy_signature;
	unsigned busy_repeats;
	uint64_t translated_transfers; /* receives and sends on translated sockets, which a busy loop's turns lack */
};

struct fdtable *fdtable_new(void);
/* A copy for a forked child: every socket gains a reference. */
struct fdtable *fdtable_copy(const struct fdtable *src);
/* Drops one sharer; the last one closes every socket. */
void fdtable_unref(struct fdtable *ft);

struct sock *fdtable_get(const struct fdtable *ft, int fd);
/* Maps fd to s (taking a reference), closing what fd mapped before. */
void fdtable_set(struct fdtable *ft, int fd, struct sock *s);
/* Forgets fd, dropping its reference, and the epoll watches of fd or in epoll set fd. */
void fdtable_clear(struct fdtable *ft, int fd);

/* The watch of fd in epoll set epfd, or NULL; a new one (zeroed but for the numbers); removal. */
struct epoll_watch *fdtable_watch_find(struct fdtable *ft, int epfd, int fd);
struct epoll_watch *fdtable_watch_add(struct fdtable *ft, int epfd, int fd);
void fdtable_watch_remove(struct fdtable *ft, int epfd, int fd);
/* Whether epoll set epfd watches a mediated socket. */
int fdtable_has_watches(const struct fdtable *ft, int epfd);
/* Forgets the descriptors (and epoll sets) that no longer exist in process pid (closed on exec). */
void fdtable_prune(struct fdtable *ft, pid_t pid);

#endif
