/* The file header: encoding it for the writer, validating and decoding it for the reader. */
#ifndef REPRISE_TRACE_HEADER_H
#define REPRISE_TRACE_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "reprise/trace.h"

/* The encoded header in a new malloc'd buffer, or NULL with a one-line reason in err. */
uint8_t *header_encode(const struct rpr_header *hdr, size_t *len, char *err, size_t errlen);

/*
 * How long the header at the start of a file is, from its first bytes. 0 with
 * err set if this is not a trace this reader can read (wrong magic, newer major).
 */
size_t header_size_from_prefix(const uint8_t *prefix, size_t prefix_len, char *err, size_t errlen);

/* Decodes a whole header (as sized by header_size_from_prefix). 0, or -1 with err set. */
int header_decode(const uint8_t *buf, size_t len, struct rpr_header *out, char *err, size_t errlen);

/* Frees what header_decode allocated in hdr. */
void header_release(struct rpr_header *hdr);

#endif
