#include "trace/readahead.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ahead_slot {
	size_t block;
	struct loaded_block buf;
	int failed;
	char err[BLOCK_ERROR_SIZE];
};

/*
 * A ring of queued blocks: [head, head + count) in request order, the first `loaded`
 * of them ready. The thread loads the one after those, outside the lock (`busy`).
 */
struct readahead {
	struct block_loader loader;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t queued, done;
	struct ahead_slot slots[READAHEAD_DEPTH];
	unsigned head, count, loaded;
	int busy, stop;
};

static void *ahead_main(void *arg)
{
	struct readahead *ra = arg;
	pthread_mutex_lock(&ra->mu);
	for (;;) {
		while (!ra->stop && ra->loaded == ra->count)
			pthread_cond_wait(&ra->queued, &ra->mu);
		if (ra->stop)
			break;
		struct ahead_slot *s = &ra->slots[(ra->head + ra->loaded) % READAHEAD_DEPTH];
		ra->busy = 1;
		pthread_mutex_unlock(&ra->mu);
		s->failed = block_load(&ra->loader, s->block, &s->buf) != 0;
		if (s->failed)
			snprintf(s->err, sizeof(s->err), "%s", ra->loader.err);
		pthread_mutex_lock(&ra->mu);
		ra->busy = 0;
		ra->loaded++;
		pthread_cond_broadcast(&ra->done);
	}
	pthread_mutex_unlock(&ra->mu);
	return NULL;
}

struct readahead *readahead_start(int fd, const struct block_entry *blocks)
{
	struct readahead *ra = calloc(1, sizeof(*ra));
	if (!ra)
		return NULL;
	if (block_loader_init(&ra->loader, fd, blocks)) {
		free(ra);
		return NULL;
	}
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->queued, NULL);
	pthread_cond_init(&ra->done, NULL);
	if (pthread_create(&ra->thread, NULL, ahead_main, ra)) {
		pthread_cond_destroy(&ra->done);
		pthread_cond_destroy(&ra->queued);
		pthread_mutex_destroy(&ra->mu);
		block_loader_release(&ra->loader);
		free(ra);
		return NULL;
	}
	return ra;
}

int readahead_want(struct readahead *ra, size_t k)
{
	pthread_mutex_lock(&ra->mu);
	int full = ra->count == READAHEAD_DEPTH;
	if (!full) {
		ra->slots[(ra->head + ra->count) % READAHEAD_DEPTH].block = k;
		ra->count++;
		pthread_cond_signal(&ra->queued);
	}
	pthread_mutex_unlock(&ra->mu);
	return full ? -1 : 0;
}

/* With the lock held: waits for the block being loaded, then empties the ring. */
static void drop_locked(struct readahead *ra)
{
	while (ra->busy)
		pthread_cond_wait(&ra->done, &ra->mu);
	ra->count = ra->loaded = 0;
}

int readahead_take(struct readahead *ra, size_t k, struct loaded_block *into, char *err, size_t errlen)
{
	pthread_mutex_lock(&ra->mu);
	struct ahead_slot *s = &ra->slots[ra->head];
	if (!ra->count || s->block != k) {
		drop_locked(ra);
		pthread_mutex_unlock(&ra->mu);
		return 0;
	}
	while (!ra->loaded)
		pthread_cond_wait(&ra->done, &ra->mu);
	struct loaded_block mine = *into;
	*into = s->buf;
	s->buf = mine;
	int failed = s->failed;
	if (failed)
		snprintf(err, errlen, "%s", s->err);
	ra->head = (ra->head + 1) % READAHEAD_DEPTH;
	ra->count--;
	ra->loaded--;
	pthread_mutex_unlock(&ra->mu);
	return failed ? -1 : 1;
}

void readahead_drop_all(struct readahead *ra)
{
	pthread_mutex_lock(&ra->mu);
	drop_locked(ra);
	pthread_mutex_unlock(&ra->mu);
}

void readahead_stop(struct readahead *ra)
{
	if (!ra)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->stop = 1;
	pthread_cond_signal(&ra->queued);
	pthread_mutex_unlock(&ra->mu);
	pthread_join(ra->thread, NULL);
	for (unsigned i = 0; i < READAHEAD_DEPTH; i++)
		loaded_block_release(&ra->slots[i].buf);
	block_loader_release(&ra->loader);
	pthread_cond_destroy(&ra->done);
	pthread_cond_destroy(&ra->queued);
	pthread_mutex_destroy(&ra->mu);
	free(ra);
}
