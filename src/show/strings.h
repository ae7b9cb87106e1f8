/* Strings and buffers quoted the way strace quotes them. */
#ifndef REPRISE_SHOW_STRINGS_H
#define REPRISE_SHOW_STRINGS_H

#include <stddef.h>
#include <stdint.h>

#include "show/style.h"
#include "util/util.h"

/*
 * A buffer the call used `total` bytes of, of which `avail` were captured at s:
 * at most st->strsize bytes in quotes, then "..." if the call used more than shown.
 */
void show_quote_buf(struct strbuf *sb, const uint8_t *s, uint64_t avail, uint64_t total,
		    const struct show_style *st);

/*
 * A NUL-terminated string from `avail` captured bytes, cut after `limit` characters
 * with "..." (strace's -s for strings, PATH_MAX for paths). `complete` says whether
 * the capture reached the terminator when none lies in the avail bytes.
 */
void show_quote_cstr(struct strbuf *sb, const uint8_t *s, uint64_t avail, uint64_t limit, int complete,
		     const struct show_style *st);

/* A fixed-size char array field (utsname, sun_path...): up to the first NUL, never cut. */
void show_quote_field(struct strbuf *sb, const uint8_t *s, size_t size, const struct show_style *st);

#endif
