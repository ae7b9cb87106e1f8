/*
 * A recorded thread as replay sees it: the queue of work the trace reader has
 * decoded ahead for it (bounded, so memory stays bounded however long the trace),
 * and the replayed process it belongs to.
 */
#ifndef REPRISE_REPLAY_TASK_H
#define REPRISE_REPLAY_TASK_H

#include <pthread.h>
#include <stdint.h>

#include "reprise/trace.h"
#include "replay/fdmap.h"

#define NO_RANK UINT64_MAX
/* Items a thread's queue holds before the reader waits for it: the bounded look-ahead. */
#define TASK_QUEUE_DEPTH 64
/*
 * Items a worker takes out of its queue at once. Taking several per lock, and
 * waking the other side only when the queue leaves empty or full, turns one
 * reader/worker hand-off per call into one per batch.
 */
#define TASK_TAKE_MAX (TASK_QUEUE_DEPTH / 2)

enum item_kind {
	ITEM_CALL,   /* a system call: replayed, or kept in its place */
	ITEM_SPAWN,  /* this thread created `child`: give it its process, start it */
	ITEM_EXEC,   /* this thread's process exec'd */
	ITEM_END,    /* this thread ended (or the recorder let go of it) */
};

struct replay_task;

/* Memory an item keeps for an event copy, reused when the item is recycled. */
struct event_store {
	void *mem;
	size_t cap;
};

struct replay_item {
	uint8_t kind;
	uint64_t need;            /* ranks that must be complete first (the ordering rule) */
	uint64_t rank;            /* the call's exit rank, or NO_RANK */
	struct rpr_event *enter;  /* ITEM_CALL: NULL when the trace holds no entry */
	struct rpr_event *exit;   /* ITEM_CALL: NULL when the call never returned in the trace */
	struct replay_task *child; /* ITEM_SPAWN */
	uint64_t clone_flags;
	uint64_t ts_ns;           /* when the spawn, exec or end happened */
	struct event_store enter_store, exit_store;
	struct replay_item *next_free; /* in the reader's pool */
};

/*
 * Items the reader recycles: a call costs no allocation once the pool holds enough items
 * whose stores fit its events. Only the reader thread touches it.
 */
struct item_pool {
	struct replay_item *free;
	unsigned count;
};

struct replay_ctx;

struct replay_task {
	int32_t tid;
	struct replay_ctx *ctx;
	struct replay_process *proc;
	/* the queue */
	pthread_mutex_t lock;
	pthread_cond_t nonempty, nonfull;
	struct replay_item *ring[TASK_QUEUE_DEPTH];
	unsigned head, count;
	int closed;
	uint8_t reader_waiting, worker_waiting;  /* parked on nonfull, on nonempty */
	/*
	 * Items the worker is done with, for the reader to free: memory goes back to the
	 * allocator arena of the thread that allocated it, instead of two threads
	 * contending for one arena's lock on every call.
	 */
	struct replay_item *spent[TASK_TAKE_MAX];
	unsigned nspent;
	/* reader side: the call entered and not yet returned (its entry stored), and the exits seen before it */
	struct replay_item *pending;
	uint64_t pending_need;
	uint8_t pending_replayable; /* the pending call is one replay issues */
	struct replay_task *next_in_bucket;
	/* worker side: where the thread's timeline stands, recorded and replayed */
	uint64_t last_recorded_ns, last_replayed_ns;
	/* what the worker is doing, for the stall watchdog (written atomically: the watchdog reads it) */
	uint8_t doing;            /* enum task_doing */
	uint32_t doing_nr;        /* TASK_IN_CALL: the syscall */
	uint64_t doing_need;      /* TASK_ORDERED: the ranks it waits for */
	uint8_t running;          /* `thread` is the OS thread running it */
	pthread_t thread;
	struct replay_task *prev_live, *next_live;
};

enum task_doing {
	TASK_QUEUED = 0, /* waiting for a thread, or for the trace reader's next item */
	TASK_ORDERED,    /* waiting for earlier calls to return (the ordering rule) */
	TASK_THINKING,   /* waiting out recorded time (--timing) */
	TASK_IN_CALL,    /* issuing a call */
};

static inline void task_doing(struct replay_task *t, uint8_t doing, uint32_t nr, uint64_t need)
{
	__atomic_store_n(&t->doing_nr, nr, __ATOMIC_RELAXED);
	__atomic_store_n(&t->doing_need, need, __ATOMIC_RELAXED);
	__atomic_store_n(&t->doing, doing, __ATOMIC_RELEASE);
}

struct replay_task *replay_task_new(int32_t tid);
/* Frees a task whose queue is drained and closed. */
void replay_task_free(struct replay_task *t);

/*
 * Appends, waiting while the queue is full, and recycles into pool the items the worker
 * has handed back. 0, or -1 if *stop became true (the item is then freed).
 */
int replay_task_push(struct replay_task *t, struct replay_item *item, const int *stop, struct item_pool *pool);
/*
 * Hands back the nspent items the worker has done with at items[0..nspent), then moves
 * up to max items, oldest first, into items, waiting for one; 0 once the queue is
 * closed and empty.
 */
unsigned replay_task_take(struct replay_task *t, struct replay_item **items, unsigned nspent, unsigned max);
/* No more items will come. */
void replay_task_close(struct replay_task *t);

struct replay_item *replay_item_new(uint8_t kind);
void replay_item_free(struct replay_item *item);
/* Copies ev into the item's entry (exit_side 0) or exit store; returns the copy. */
struct rpr_event *replay_item_store(struct replay_item *item, int exit_side, const struct rpr_event *ev);

/* A cleared item of this kind, recycled when the pool has one. */
struct replay_item *item_pool_get(struct item_pool *pool, uint8_t kind);
void item_pool_put(struct item_pool *pool, struct replay_item *item);
void item_pool_free(struct item_pool *pool);

#endif
