/* Hex and ASCII dumps of data buffers (--data), in the layout of strace's -e write=/-e read=. */
#ifndef REPRISE_SHOW_DUMP_H
#define REPRISE_SHOW_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* Appends lines " | 00000  68 65 ...  he... |\n" for n bytes, 16 a line. */
void show_hexdump(struct strbuf *sb, const uint8_t *data, size_t n);

#endif
