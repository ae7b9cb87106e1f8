/*
 * What replay writes where the recording gives no bytes (buffers cut by -s or
 * --no-data, regions of prepared files the program never read), or instead of the
 * recorded bytes: --data=recorded|zero|pattern:BYTE|random|urandom.
 */
#ifndef REPRISE_REPLAY_DATAFILL_H
#define REPRISE_REPLAY_DATAFILL_H

#include <stddef.h>
#include <stdint.h>

enum data_mode { DATA_RECORDED, DATA_ZERO, DATA_PATTERN, DATA_RANDOM, DATA_URANDOM };

struct data_fill {
	uint8_t mode;     /* enum data_mode */
	uint8_t pattern;  /* DATA_PATTERN's byte */
};

/* Parses the --data argument. 0, or -1. */
int data_fill_parse(struct data_fill *f, const char *text);

/* Fills buf with the mode's bytes (zeros for DATA_RECORDED, which has none of its own). */
void data_fill(const struct data_fill *f, uint8_t *buf, size_t len);

/*
 * The bytes of a buffer the program passed in: the recorded ones (of which `stored`
 * were kept) under DATA_RECORDED, the mode's bytes otherwise.
 */
void data_fill_input(const struct data_fill *f, uint8_t *buf, size_t len, const uint8_t *recorded, size_t stored);

#endif
