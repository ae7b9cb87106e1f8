#include "show/dump.h"

enum { DUMP_WIDTH = 16 };

void show_hexdump(struct strbuf *sb, const uint8_t *data, size_t n)
{
	for (size_t off = 0; off < n; off += DUMP_WIDTH) {
		sb_printf(sb, " | %05zx ", off);
		for (size_t i = 0; i < DUMP_WIDTH; i++) {
			if (i == DUMP_WIDTH / 2)
				sb_putc(sb, ' ');
			if (off + i < n)
				sb_printf(sb, " %02x", data[off + i]);
			else
				sb_puts(sb, "   ");
		}
		sb_puts(sb, "  ");
		for (size_t i = 0; i < DUMP_WIDTH; i++) {
			if (off + i < n) {
				uint8_t c = data[off + i];
				sb_putc(sb, c >= ' ' && c <= 0x7e ? (char)c : '.');
			} else {
				sb_putc(sb, ' ');
			}
		}
		sb_puts(sb, " |\n");
	}
}
