/* Each thread's call in progress: the seq of its enter event, so that its exit event can name it. */
#ifndef REPRISE_RECORD_PENDING_H
#define REPRISE_RECORD_PENDING_H

#include <stddef.h>
#include <stdint.h>

struct pending_slot {
	int32_t tid;  /* 0: empty */
	uint64_t seq;
};

struct pending_calls {
	struct pending_slot *slots; /* open addressing, linear probing */
	size_t cap, count;
};

void pending_init(struct pending_calls *pc);
void pending_free(struct pending_calls *pc);
/* Records that thread tid entered the call whose enter event is seq. */
void pending_set(struct pending_calls *pc, int32_t tid, uint64_t seq);
/* Forgets tid's call and returns its seq, or 0 if none was recorded. */
uint64_t pending_take(struct pending_calls *pc, int32_t tid);

#endif
