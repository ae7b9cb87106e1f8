/*
 * Scheduling of replayed calls.
 *
 * Ordering rule: a call starts only after every call that had returned before it
 * was entered in the recording has returned in the replay. Calls are numbered by
 * the order of their exits in the recording (their rank); a call entered after n
 * exits needs the first n ranks complete. The watermark is that completed prefix,
 * one counter for the whole replay: calls that overlapped in the recording may
 * overlap in the replay, calls that did not are issued in recorded order.
 *
 * Replay threads come from a pool: one OS thread per live recorded thread, reused
 * when a recorded thread ends, parked on condition variables while idle.
 */
#ifndef REPRISE_REPLAY_SCHED_H
#define REPRISE_REPLAY_SCHED_H

#include <pthread.h>
#include <stdint.h>

struct watermark {
	pthread_mutex_t lock;
	pthread_cond_t advanced;
	uint64_t done;        /* ranks 0..done-1 are complete (read without the lock as a fast path) */
	uint8_t *pending;     /* ring: complete ranks above done, indexed rank % cap */
	uint64_t cap;
	/* the smallest `need` a waiter has: completions short of it wake nobody */
	uint64_t wake_at;
	int stopped;
};

void watermark_init(struct watermark *w);
void watermark_destroy(struct watermark *w);
/* Waits until ranks 0..need-1 are complete. 0, or -1 if the replay was stopped. */
int watermark_wait(struct watermark *w, uint64_t need);
void watermark_complete(struct watermark *w, uint64_t rank);
/* Wakes every waiter for good (abort). */
void watermark_stop(struct watermark *w);
uint64_t watermark_done(struct watermark *w);

struct worker_pool {
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct pool_job *head, *tail;
	unsigned idle;     /* threads parked waiting for a job */
	unsigned queued;   /* jobs no thread has taken yet: each needs an idle thread of its own */
	int closing;
	pthread_t *threads;
	size_t nthreads, cap;
	char error[128];   /* why a thread could not be started, if one could not */
};

void worker_pool_init(struct worker_pool *p);
/* Runs fn(arg) on an idle thread, or a new one. 0, or -1 (no thread could be started: p->error). */
int worker_pool_submit(struct worker_pool *p, void (*fn)(void *), void *arg);
/* Lets every submitted job finish, then joins the threads. */
void worker_pool_finish(struct worker_pool *p);
size_t worker_pool_threads(struct worker_pool *p);

#endif
