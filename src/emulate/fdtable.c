#include "emulate/fdtable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emulate/net.h"
#include "util/util.h"

struct fdtable *fdtable_new(void)
{
	struct fdtable *ft = rp_calloc(1, sizeof(*ft));
	ft->refs = 1;
	return ft;
}

struct fdtable *fdtable_copy(const struct fdtable *src)
{
	struct fdtable *ft = fdtable_new();
	for (size_t fd = 0; fd < src->cap; fd++)
		if (src->socks[fd])
			fdtable_set(ft, (int)fd, src->socks[fd]);
	for (size_t i = 0; i < src->nwatches; i++)
		*fdtable_watch_add(ft, src->watches[i].epfd, src->watches[i].fd) = src->watches[i];
	return ft;
}

void fdtable_unref(struct fdtable *ft)
{
	if (--ft->refs > 0)
		return;
	for (size_t fd = 0; fd < ft->cap; fd++)
		if (ft->socks[fd])
			sock_unref(ft->socks[fd]);
	free(ft->socks);
	free(ft->watches);
	free(ft);
}

struct sock *fdtable_get(const struct fdtable *ft, int fd)
{
	return fd >= 0 && (size_t)fd < ft->cap ? ft->socks[fd] : NULL;
}

void fdtable_set(struct fdtable *ft, int fd, struct sock *s)
{
	if (fd < 0)
		return;
	if ((size_t)fd >= ft->cap) {
		size_t cap = ft->cap ? ft->cap : 16;
		while (cap <= (size_t)fd)
			cap *= 2;
		ft->socks = rp_realloc(ft->socks, cap * sizeof(*ft->socks));
		memset(ft->socks + ft->cap, 0, (cap - ft->cap) * sizeof(*ft->socks));
		ft->cap = cap;
	}
	sock_ref(s);
	fdtable_clear(ft, fd);
	ft->socks[fd] = s;
}

/* The kernel drops a closed descriptor from epoll sets, and a closed set with its watches. */
static void drop_watches(struct fdtable *ft, int fd)
{
	for (size_t i = 0; i < ft->nwatches;) {
		if (ft->watches[i].fd == fd || ft->watches[i].epfd == fd)
			ft->watches[i] = ft->watches[--ft->nwatches];
		else
			i++;
	}
}

void fdtable_clear(struct fdtable *ft, int fd)
{
	drop_watches(ft, fd);
	struct sock *s = fdtable_get(ft, fd);
	if (!s)
		return;
	ft->socks[fd] = NULL;
	sock_unref(s);
}

static int fd_exists(pid_t pid, int fd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	struct stat st;
	return lstat(path, &st) == 0;
}

void fdtable_prune(struct fdtable *ft, pid_t pid)
{
	for (size_t fd = 0; fd < ft->cap; fd++)
		if (ft->socks[fd] && !fd_exists(pid, (int)fd))
			fdtable_clear(ft, (int)fd);
	for (size_t i = 0; i < ft->nwatches;) {
		int epfd = ft->watches[i].epfd;
		if (fd_exists(pid, epfd))
			i++;
		else
			drop_watches(ft, epfd);
	}
}

struct epoll_watch *fdtable_watch_find(struct fdtable *ft, int epfd, int fd)
{
	for (size_t i = 0; i < ft->nwatches; i++)
		if (ft->watches[i].epfd == epfd && ft->watches[i].fd == fd)
			return &ft->watches[i];
	return NULL;
}

struct epoll_watch *fdtable_watch_add(struct fdtable *ft, int epfd, int fd)
{
	if (ft->nwatches == ft->watches_cap) {
		ft->watches_cap = ft->watches_cap ? ft->watches_cap * 2 : 8;
		ft->watches = rp_realloc(ft->watches, ft->watches_cap * sizeof(*ft->watches));
	}
	struct epoll_watch *w = &ft->watches[ft->nwatches++];
	memset(w, 0, sizeof(*w));
	w->epfd = epfd;
	w->fd = fd;
	return w;
}

void fdtable_watch_remove(struct fdtable *ft, int epfd, int fd)
{
	struct epoll_watch *w = fdtable_watch_find(ft, epfd, fd);
	if (w)
		*w = ft->watches[--ft->nwatches];
}

int fdtable_has_watches(const struct fdtable *ft, int epfd)
{
	for (size_t i = 0; i < ft->nwatches; i++)
		if (ft->watches[i].epfd == epfd)
			return 1;
	return 0;
}
