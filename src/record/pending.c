#include "record/pending.h"

#include <stdlib.h>

#include "util/util.h"

static size_t home_of(const struct pending_calls *pc, int32_t tid)
{
	return ((uint32_t)tid * 2654435761u) & (pc->cap - 1);
}

void pending_init(struct pending_calls *pc)
{
	pc->cap = 64;
	pc->count = 0;
	pc->slots = rp_calloc(pc->cap, sizeof(*pc->slots));
}

void pending_free(struct pending_calls *pc)
{
	free(pc->slots);
	pc->slots = NULL;
	pc->cap = pc->count = 0;
}

static struct pending_slot *slot_for(const struct pending_calls *pc, int32_t tid)
{
	size_t i = home_of(pc, tid);
	while (pc->slots[i].tid && pc->slots[i].tid != tid)
		i = (i + 1) & (pc->cap - 1);
	return &pc->slots[i];
}

static void grow(struct pending_calls *pc)
{
	struct pending_slot *old = pc->slots;
	size_t old_cap = pc->cap;
	pc->cap *= 2;
	pc->slots = rp_calloc(pc->cap, sizeof(*pc->slots));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].tid)
			*slot_for(pc, old[i].tid) = old[i];
	free(old);
}

void pending_set(struct pending_calls *pc, int32_t tid, uint64_t seq)
{
	if ((pc->count + 1) * 4 > pc->cap * 3)
		grow(pc);
	struct pending_slot *s = slot_for(pc, tid);
	if (!s->tid)
		pc->count++;
	s->tid = tid;
	s->seq = seq;
}

uint64_t pending_take(struct pending_calls *pc, int32_t tid)
{
	struct pending_slot *s = slot_for(pc, tid);
	if (!s->tid)
		return 0;
	uint64_t seq = s->seq;
	/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
	size_t hole = (size_t)(s - pc->slots);
	for (size_t i = (hole + 1) & (pc->cap - 1); pc->slots[i].tid; i = (i + 1) & (pc->cap - 1)) {
		size_t home = home_of(pc, pc->slots[i].tid);
		int movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
		if (movable) {
			pc->slots[hole] = pc->slots[i];
			hole = i;
		}
	}
	pc->slots[hole].tid = 0;
	pc->count--;
	return seq;
}
