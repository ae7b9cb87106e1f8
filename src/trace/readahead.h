/*
 * Read-ahead: the blocks a reader will want next, read, checked and decompressed on
 * a background thread, so a consumer busy with its own work (replay issuing the
 * calls) finds them ready instead of decompressing on its own time.
 */
#ifndef REPRISE_TRACE_READAHEAD_H
#define REPRISE_TRACE_READAHEAD_H

#include <stddef.h>

#include "trace/block.h"

enum { READAHEAD_DEPTH = 3 };

struct readahead;

/* Starts the thread; NULL when out of memory or threads. blocks must outlive it. */
struct readahead *readahead_start(int fd, const struct block_entry *blocks);

/* Queues block k after the ones already asked for: 0, or -1 when READAHEAD_DEPTH are queued. */
int readahead_want(struct readahead *ra, size_t k);

/*
 * Block k, if it is the next one queued: waits until it is loaded and swaps it with
 * *into, whose buffers are reused for later blocks. 1 when taken; -1 if loading it
 * failed (err gets the reason, naming the block); 0 if k was not next, after which
 * nothing is queued any more.
 */
int readahead_take(struct readahead *ra, size_t k, struct loaded_block *into, char *err, size_t errlen);

/* Forgets every queued block (after a seek). */
void readahead_drop_all(struct readahead *ra);

void readahead_stop(struct readahead *ra);

#endif
