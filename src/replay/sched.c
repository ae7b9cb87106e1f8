#include "replay/sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void watermark_init(struct watermark *w)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->advanced, NULL);
	w->cap = 1024;
	w->wake_at = UINT64_MAX;
	w->pending = rp_calloc(w->cap, 1);
}

void watermark_destroy(struct watermark *w)
{
	free(w->pending);
	pthread_cond_destroy(&w->advanced);
	pthread_mutex_destroy(&w->lock);
}

uint64_t watermark_done(struct watermark *w)
{
	return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
}

int watermark_wait(struct watermark *w, uint64_t need)
{
	if (watermark_done(w) >= need)
		return 0;
	pthread_mutex_lock(&w->lock);
	/* a broadcast resets wake_at: every waiter it woke in vain registers its need again */
	while (w->done < need && !w->stopped) {
		if (need < w->wake_at)
			w->wake_at = need;
		pthread_cond_wait(&w->advanced, &w->lock);
	}
	int rc = w->stopped ? -1 : 0;
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* Makes room for ranks up to `rank` in the ring, keeping the ones already there. */
static void widen(struct watermark *w, uint64_t rank)
{
	uint64_t cap = w->cap;
	while (rank - w->done >= cap)
		cap *= 2;
	uint8_t *ring = rp_calloc(cap, 1);
	for (uint64_t r = w->done; r < w->done + w->cap; r++)
		ring[r % cap] = w->pending[r % w->cap];
	free(w->pending);
	w->pending = ring;
	w->cap = cap;
}

void watermark_complete(struct watermark *w, uint64_t rank)
{
	pthread_mutex_lock(&w->lock);
	if (rank >= w->done) {
		if (rank - w->done >= w->cap)
			widen(w, rank);
		w->pending[rank % w->cap] = 1;
		uint64_t done = w->done;
		while (w->pending[done % w->cap]) {
			w->pending[done % w->cap] = 0;
			done++;
		}
		if (done != w->done) {
			__atomic_store_n(&w->done, done, __ATOMIC_RELEASE);
			if (done >= w->wake_at) {
				w->wake_at = UINT64_MAX;
				pthread_cond_broadcast(&w->advanced);
			}
		}
	}
	pthread_mutex_unlock(&w->lock);
}

void watermark_stop(struct watermark *w)
{
	pthread_mutex_lock(&w->lock);
	w->stopped = 1;
	pthread_cond_broadcast(&w->advanced);
	pthread_mutex_unlock(&w->lock);
}

struct pool_job {
	void (*fn)(void *);
	void *arg;
	struct pool_job *next;
};

void worker_pool_init(struct worker_pool *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
}

static void *worker_main(void *arg)
{
	struct worker_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->closing) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->lock);
			p->idle--;
		}
		struct pool_job *job = p->head;
		if (!job)
			break;
		p->head = job->next;
		p->queued--;
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&p->lock);
		job->fn(job->arg);
		free(job);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int worker_pool_submit(struct worker_pool *p, void (*fn)(void *), void *arg)
{
	struct pool_job *job = rp_malloc(sizeof(*job));
	*job = (struct pool_job){ .fn = fn, .arg = arg };
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	p->queued++;
	int rc = 0;
	if (p->idle >= p->queued) {
		pthread_cond_signal(&p->work);
	} else {
		if (p->nthreads == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 16;
			p->threads = rp_realloc(p->threads, p->cap * sizeof(*p->threads));
		}
		int err = pthread_create(&p->threads[p->nthreads], NULL, worker_main, p);
		if (err) {
			snprintf(p->error, sizeof(p->error), "cannot start a replay thread: %s", strerror(err));
			rc = p->nthreads ? 0 : -1;
		} else {
			p->nthreads++;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void worker_pool_finish(struct worker_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->closing = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	/* a finishing job may still start threads for the jobs it submits */
	for (size_t i = 0;; i++) {
		pthread_mutex_lock(&p->lock);
		int more = i < p->nthreads;
		pthread_t thread = more ? p->threads[i] : 0;
		pthread_mutex_unlock(&p->lock);
		if (!more)
			break;
		pthread_join(thread, NULL);
	}
	free(p->threads);
	p->threads = NULL;
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
}

size_t worker_pool_threads(struct worker_pool *p)
{
	pthread_mutex_lock(&p->lock);
	size_t n = p->nthreads;
	pthread_mutex_unlock(&p->lock);
	return n;
}
