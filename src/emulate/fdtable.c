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

void fdtable_clear(struct fdtable *ft, int fd)
{
	struct sock *s = fdtable_get(ft, fd);
	if (!s)
		return;
	ft->socks[fd] = NULL;
	sock_unref(s);
}

void fdtable_prune(struct fdtable *ft, pid_t pid)
{
	for (size_t fd = 0; fd < ft->cap; fd++) {
		if (!ft->socks[fd])
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/fd/%zu", (int)pid, fd);
		struct stat st;
		if (lstat(path, &st) < 0)
			fdtable_clear(ft, (int)fd);
	}
}
