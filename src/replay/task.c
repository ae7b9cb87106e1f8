#include "replay/task.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct replay_task *replay_task_new(int32_t tid)
{
	struct replay_task *t = rp_calloc(1, sizeof(*t));
	t->tid = tid;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->nonempty, NULL);
	pthread_cond_init(&t->nonfull, NULL);
	return t;
}

void replay_task_free(struct replay_task *t)
{
	while (t->count) {
		replay_item_free(t->ring[t->head]);
		t->head = (t->head + 1) % TASK_QUEUE_DEPTH;
		t->count--;
	}
	for (unsigned i = 0; i < t->nspent; i++)
		replay_item_free(t->spent[i]);
	replay_item_free(t->pending);
	pthread_cond_destroy(&t->nonempty);
	pthread_cond_destroy(&t->nonfull);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static void free_items(struct replay_item **items, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		replay_item_free(items[i]);
}

int replay_task_push(struct replay_task *t, struct replay_item *item, const int *stop, struct item_pool *pool)
{
	pthread_mutex_lock(&t->lock);
	while (t->count == TASK_QUEUE_DEPTH && !__atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
		t->reader_waiting = 1;
		pthread_cond_wait(&t->nonfull, &t->lock);
		t->reader_waiting = 0;
	}
	if (t->count == TASK_QUEUE_DEPTH) {
		pthread_mutex_unlock(&t->lock);
		replay_item_free(item);
		return -1;
	}
	t->ring[(t->head + t->count) % TASK_QUEUE_DEPTH] = item;
	t->count++;
	/* a parked worker found the queue empty; later items reach it with this one */
	if (t->worker_waiting && t->count == 1)
		pthread_cond_signal(&t->nonempty);
	struct replay_item *spent[TASK_TAKE_MAX];
	unsigned nspent = t->nspent;
	for (unsigned i = 0; i < nspent; i++)
		spent[i] = t->spent[i];
	t->nspent = 0;
	pthread_mutex_unlock(&t->lock);
	for (unsigned i = 0; i < nspent; i++)
		item_pool_put(pool, spent[i]);
	return 0;
}

unsigned replay_task_take(struct replay_task *t, struct replay_item **items, unsigned nspent, unsigned max)
{
	pthread_mutex_lock(&t->lock);
	if (!t->nspent && !t->closed) {
		for (unsigned i = 0; i < nspent; i++)
			t->spent[i] = items[i];
		t->nspent = nspent;
		nspent = 0;
	}
	if (nspent) {
		pthread_mutex_unlock(&t->lock);
		free_items(items, nspent);
		pthread_mutex_lock(&t->lock);
	}
	while (!t->count && !t->closed) {
		t->worker_waiting = 1;
		pthread_cond_wait(&t->nonempty, &t->lock);
		t->worker_waiting = 0;
	}
	unsigned n = t->count < max ? t->count : max;
	for (unsigned i = 0; i < n; i++) {
		items[i] = t->ring[t->head];
		t->head = (t->head + 1) % TASK_QUEUE_DEPTH;
	}
	/* a parked reader found the queue full; waking it once lets it refill the room taken */
	if (n && t->reader_waiting && t->count == TASK_QUEUE_DEPTH)
		pthread_cond_signal(&t->nonfull);
	t->count -= n;
	pthread_mutex_unlock(&t->lock);
	return n;
}

void replay_task_close(struct replay_task *t)
{
	pthread_mutex_lock(&t->lock);
	t->closed = 1;
	pthread_cond_signal(&t->nonempty);
	pthread_mutex_unlock(&t->lock);
}

struct replay_item *replay_item_new(uint8_t kind)
{
	struct replay_item *item = rp_calloc(1, sizeof(*item));
	item->kind = kind;
	item->rank = NO_RANK;
	return item;
}

void replay_item_free(struct replay_item *item)
{
	if (!item)
		return;
	free(item->enter_store.mem);
	free(item->exit_store.mem);
	free(item);
}

struct rpr_event *replay_item_store(struct replay_item *item, int exit_side, const struct rpr_event *ev)
{
	struct event_store *store = exit_side ? &item->exit_store : &item->enter_store;
	size_t size = rpr_event_copy_size(ev);
	if (size == SIZE_MAX)
		rp_die(1, "out of memory");
	if (size > store->cap) {
		free(store->mem);
		store->mem = rp_malloc(size);
		store->cap = size;
	}
	struct rpr_event *copy = rpr_event_copy(ev, store->mem);
	if (exit_side)
		item->exit = copy;
	else
		item->enter = copy;
	return copy;
}

/* Recycled items: enough for the queues of a few busy threads, keeping at most 512 x 2 x 16 KiB. */
#define POOL_MAX (8 * TASK_QUEUE_DEPTH)
#define STORE_KEEP_MAX (16u << 10)

struct replay_item *item_pool_get(struct item_pool *pool, uint8_t kind)
{
	struct replay_item *item = pool->free;
	if (!item)
		return replay_item_new(kind);
	pool->free = item->next_free;
	pool->count--;
	struct event_store enter = item->enter_store, exit = item->exit_store;
	memset(item, 0, sizeof(*item));
	item->enter_store = enter;
	item->exit_store = exit;
	item->kind = kind;
	item->rank = NO_RANK;
	return item;
}

static void trim_store(struct event_store *store)
{
	if (store->cap <= STORE_KEEP_MAX)
		return;
	free(store->mem);
	store->mem = NULL;
	store->cap = 0;
}

void item_pool_put(struct item_pool *pool, struct replay_item *item)
{
	if (pool->count >= POOL_MAX) {
		replay_item_free(item);
		return;
	}
	trim_store(&item->enter_store);
	trim_store(&item->exit_store);
	item->next_free = pool->free;
	pool->free = item;
	pool->count++;
}

void item_pool_free(struct item_pool *pool)
{
	while (pool->free) {
		struct replay_item *next = pool->free->next_free;
		replay_item_free(pool->free);
		pool->free = next;
	}
	pool->count = 0;
}
