#include "show/strings.h"

/* -x shows a string in hex only if it holds a byte that is neither printable ASCII nor \t\n\v\f\r. */
static int wants_hex(const uint8_t *s, size_t n, const struct show_style *st)
{
	if (!st->hex_strings)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] > 0x7e || (s[i] < ' ' && (s[i] < '\t' || s[i] > '\r')))
			return 1;
	return 0;
}

static void quote_byte(struct strbuf *sb, uint8_t c, int next_is_digit)
{
	switch (c) {
	case '"': sb_puts(sb, "\\\""); return;
	case '\\': sb_puts(sb, "\\\\"); return;
	case '\f': sb_puts(sb, "\\f"); return;
	case '\n': sb_puts(sb, "\\n"); return;
	case '\r': sb_puts(sb, "\\r"); return;
	case '\t': sb_puts(sb, "\\t"); return;
	case '\v': sb_puts(sb, "\\v"); return;
	}
	if (c >= ' ' && c <= 0x7e) {
		sb_putc(sb, (char)c);
		return;
	}
	/* The shortest octal escape, unless an octal digit follows and would be read as part of it. */
	if (next_is_digit)
		sb_printf(sb, "\\%03o", c);
	else
		sb_printf(sb, "\\%o", c);
}

static void quote_bytes(struct strbuf *sb, const uint8_t *s, size_t n, const struct show_style *st)
{
	sb_putc(sb, '"');
	if (wants_hex(s, n, st)) {
		for (size_t i = 0; i < n; i++)
			sb_printf(sb, "\\x%02x", s[i]);
	} else {
		for (size_t i = 0; i < n; i++)
			quote_byte(sb, s[i], i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7');
	}
	sb_putc(sb, '"');
}

void show_quote_buf(struct strbuf *sb, const uint8_t *s, uint64_t avail, uint64_t total,
		    const struct show_style *st)
{
	uint64_t shown = total < st->strsize ? total : st->strsize;
	if (shown > avail)
		shown = avail;
	quote_bytes(sb, s, (size_t)shown, st);
	if (shown < total)
		sb_puts(sb, "...");
}

void show_quote_cstr(struct strbuf *sb, const uint8_t *s, uint64_t avail, uint64_t limit, int complete,
		     const struct show_style *st)
{
	uint64_t len = 0;
	while (len < avail && s[len] != '\0')
		len++;
	int cut = 0;
	if (len > limit) {
		len = limit;
		cut = 1;
	} else if (len == avail && !complete) {
		cut = 1;
	}
	quote_bytes(sb, s, (size_t)len, st);
	if (cut)
		sb_puts(sb, "...");
}

void show_quote_field(struct strbuf *sb, const uint8_t *s, size_t size, const struct show_style *st)
{
	size_t len = 0;
	while (len < size && s[len] != '\0')
		len++;
	quote_bytes(sb, s, len, st);
}
