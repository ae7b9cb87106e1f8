#include "replay/fdmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

struct fd_map *fd_map_new(void)
{
	struct fd_map *m = rp_calloc(1, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->closed, NULL);
	m->users = 1;
	return m;
}

static void clear_slot(struct fd_slot *s)
{
	if (s->replay_fd >= 0)
		close(s->replay_fd);
	free(s->path);
	*s = (struct fd_slot){ .replay_fd = -1 };
}

static int grow(struct fd_map *m, int64_t fd)
{
	if (fd < 0 || fd >= FD_MAP_LIMIT)
		return -1;
	if ((uint32_t)fd < m->cap)
		return 0;
	uint32_t cap = m->cap ? m->cap : 16;
	while (cap <= (uint32_t)fd)
		cap *= 2;
	m->slots = rp_realloc(m->slots, cap * sizeof(*m->slots));
	for (uint32_t i = m->cap; i < cap; i++)
		m->slots[i] = (struct fd_slot){ .replay_fd = -1 };
	m->cap = cap;
	return 0;
}

struct fd_map *fd_map_copy(struct fd_map *m)
{
	struct fd_map *c = fd_map_new();
	pthread_mutex_lock(&m->lock);
	if (m->cap)
		grow(c, m->cap - 1);
	for (uint32_t i = 0; i < m->cap; i++) {
		const struct fd_slot *s = &m->slots[i];
		if (s->replay_fd < 0)
			continue;
		int dup_fd = fcntl(s->replay_fd, F_DUPFD_CLOEXEC, 3);
		if (dup_fd < 0)
			continue;
		c->slots[i] = (struct fd_slot){ .replay_fd = dup_fd, .cloexec = s->cloexec, .origin = s->origin,
						.path = s->path ? rp_strdup(s->path) : NULL };
	}
	pthread_mutex_unlock(&m->lock);
	return c;
}

struct fd_map *fd_map_share(struct fd_map *m)
{
	pthread_mutex_lock(&m->lock);
	m->users++;
	pthread_mutex_unlock(&m->lock);
	return m;
}

void fd_map_release(struct fd_map *m)
{
	pthread_mutex_lock(&m->lock);
	unsigned left = --m->users;
	pthread_mutex_unlock(&m->lock);
	if (left)
		return;
	for (uint32_t i = 0; i < m->cap; i++)
		clear_slot(&m->slots[i]);
	free(m->slots);
	pthread_cond_destroy(&m->closed);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static struct fd_view view(struct fd_map *m, int64_t fd, int with_path)
{
	struct fd_view v = { .replay_fd = -1 };
	pthread_mutex_lock(&m->lock);
	if (fd >= 0 && fd < m->cap && m->slots[fd].replay_fd >= 0) {
		const struct fd_slot *s = &m->slots[fd];
		v = (struct fd_view){ .replay_fd = s->replay_fd, .origin = s->origin,
				      .path = with_path && s->path ? rp_strdup(s->path) : NULL };
	}
	pthread_mutex_unlock(&m->lock);
	return v;
}

struct fd_view fd_map_get(struct fd_map *m, int64_t fd)
{
	return view(m, fd, 1);
}

struct fd_view fd_map_get_fd(struct fd_map *m, int64_t fd)
{
	return view(m, fd, 0);
}

int fd_map_install(struct fd_map *m, int64_t fd, int replay_fd, int cloexec, uint8_t origin, char *path)
{
	pthread_mutex_lock(&m->lock);
	if (grow(m, fd) < 0) {
		pthread_mutex_unlock(&m->lock);
		close(replay_fd);
		free(path);
		return -1;
	}
	clear_slot(&m->slots[fd]);
	m->slots[fd] = (struct fd_slot){ .replay_fd = replay_fd, .cloexec = (uint8_t)(cloexec != 0),
					 .origin = origin, .path = path };
	pthread_mutex_unlock(&m->lock);
	return 0;
}

int fd_map_install_fresh(struct fd_map *m, int64_t fd, int replay_fd, int cloexec, uint8_t origin, char *path,
			 unsigned wait_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m->lock);
	int rc = 0;
	while (wait_ms && fd >= 0 && fd < m->cap && m->slots[fd].replay_fd >= 0 && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&m->closed, &m->lock, &until);
	pthread_mutex_unlock(&m->lock);
	return fd_map_install(m, fd, replay_fd, cloexec, origin, path);
}

int fd_map_close(struct fd_map *m, int64_t fd)
{
	int rc = -1;
	pthread_mutex_lock(&m->lock);
	if (fd >= 0 && fd < m->cap && m->slots[fd].replay_fd >= 0) {
		clear_slot(&m->slots[fd]);
		pthread_cond_broadcast(&m->closed);
		rc = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int fd_map_get_cloexec(struct fd_map *m, int64_t fd)
{
	int rc = -1;
	pthread_mutex_lock(&m->lock);
	if (fd >= 0 && fd < m->cap && m->slots[fd].replay_fd >= 0)
		rc = m->slots[fd].cloexec;
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int fd_map_set_cloexec(struct fd_map *m, int64_t fd, int cloexec)
{
	int rc = -1;
	pthread_mutex_lock(&m->lock);
	if (fd >= 0 && fd < m->cap && m->slots[fd].replay_fd >= 0) {
		m->slots[fd].cloexec = (uint8_t)(cloexec != 0);
		rc = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

void fd_map_close_range(struct fd_map *m, uint64_t first, uint64_t last, int set_cloexec)
{
	pthread_mutex_lock(&m->lock);
	for (uint64_t i = first; i <= last && i < m->cap; i++) {
		if (m->slots[i].replay_fd < 0)
			continue;
		if (set_cloexec)
			m->slots[i].cloexec = 1;
		else
			clear_slot(&m->slots[i]);
	}
	pthread_cond_broadcast(&m->closed);
	pthread_mutex_unlock(&m->lock);
}

void fd_map_exec(struct fd_map *m)
{
	pthread_mutex_lock(&m->lock);
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->slots[i].replay_fd >= 0 && m->slots[i].cloexec)
			clear_slot(&m->slots[i]);
	pthread_cond_broadcast(&m->closed);
	pthread_mutex_unlock(&m->lock);
}

struct fs_context *fs_context_new(const char *cwd, uint32_t umask)
{
	struct fs_context *f = rp_calloc(1, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->users = 1;
	f->cwd = rp_strdup(cwd);
	f->umask = umask;
	return f;
}

struct fs_context *fs_context_copy(struct fs_context *f)
{
	pthread_mutex_lock(&f->lock);
	struct fs_context *c = fs_context_new(f->cwd, f->umask);
	pthread_mutex_unlock(&f->lock);
	return c;
}

struct fs_context *fs_context_share(struct fs_context *f)
{
	pthread_mutex_lock(&f->lock);
	f->users++;
	pthread_mutex_unlock(&f->lock);
	return f;
}

void fs_context_release(struct fs_context *f)
{
	pthread_mutex_lock(&f->lock);
	unsigned left = --f->users;
	pthread_mutex_unlock(&f->lock);
	if (left)
		return;
	free(f->cwd);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

char *fs_context_cwd(struct fs_context *f)
{
	pthread_mutex_lock(&f->lock);
	char *c = rp_strdup(f->cwd);
	pthread_mutex_unlock(&f->lock);
	return c;
}

void fs_context_chdir(struct fs_context *f, char *cwd)
{
	pthread_mutex_lock(&f->lock);
	free(f->cwd);
	f->cwd = cwd;
	pthread_mutex_unlock(&f->lock);
}

uint32_t fs_context_umask(struct fs_context *f, int64_t set)
{
	pthread_mutex_lock(&f->lock);
	uint32_t old = f->umask;
	if (set >= 0)
		f->umask = (uint32_t)set & 0777;
	pthread_mutex_unlock(&f->lock);
	return old;
}

struct replay_process *replay_process_new(struct fd_map *fds, struct fs_context *fs)
{
	struct replay_process *p = rp_calloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->threads = 1;
	p->fds = fds;
	p->fs = fs;
	return p;
}

struct replay_process *replay_process_join(struct replay_process *p)
{
	pthread_mutex_lock(&p->lock);
	p->threads++;
	pthread_mutex_unlock(&p->lock);
	return p;
}

void replay_process_exec(struct replay_process *p)
{
	pthread_mutex_lock(&p->lock);
	struct fd_map *m = p->fds;
	pthread_mutex_lock(&m->lock);
	int shared = m->users > 1;
	pthread_mutex_unlock(&m->lock);
	if (shared) {
		p->fds = fd_map_copy(m);
		fd_map_release(m);
	}
	fd_map_exec(p->fds);
	pthread_mutex_unlock(&p->lock);
}

void replay_process_leave(struct replay_process *p)
{
	pthread_mutex_lock(&p->lock);
	unsigned left = --p->threads;
	pthread_mutex_unlock(&p->lock);
	if (left)
		return;
	fd_map_release(p->fds);
	fs_context_release(p->fs);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
