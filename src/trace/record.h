/* Records inside a block payload: events and blob definitions (docs/FORMAT.md, "Records"). */
#ifndef REPRISE_TRACE_RECORD_H
#define REPRISE_TRACE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "reprise/trace.h"

/*
 * Encoding. blob_ids[i] is the blob holding region i's bytes, or 0 to store them
 * inline; the caller has validated the event (known kind, region count, sizes).
 */
size_t record_event_size(const struct rpr_event *ev, const uint64_t *blob_ids);
void record_event_encode(uint8_t *out, const struct rpr_event *ev, const uint64_t *blob_ids);
size_t record_blob_size(size_t len);
void record_blob_encode(uint8_t *out, uint64_t id, const void *data, size_t len);

/* Decoding */
struct record {
	uint16_t kind;
	uint32_t len;
	const uint8_t *body;
};

/* The record at *pos of a payload, advancing *pos: 1, 0 at the end, -1 if it overruns the payload. */
int record_next(const uint8_t *payload, size_t len, size_t *pos, struct record *rec);

/* How many regions an event record declares, or -1 if it cannot hold that many. */
long record_event_region_count(const struct record *rec);

/*
 * Decodes an event record of a kind event_fixed_size() knows into ev, with its
 * regions in `regions` (room for record_event_region_count()). Inline region
 * data points into the record; blob regions get data NULL. 0, or -1 if malformed.
 */
int record_event_decode(const struct record *rec, struct rpr_event *ev, struct rpr_region *regions);

/* A blob record's id and bytes. 0, or -1 if malformed. */
int record_blob_decode(const struct record *rec, uint64_t *id, const uint8_t **data, size_t *len);

#endif
