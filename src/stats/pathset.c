#include "stats/pathset.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "util/util.h"

static size_t slot_of(const struct path_set *s, const char *path)
{
	size_t mask = s->nslots - 1;
	size_t i = (size_t)XXH3_64bits(path, strlen(path)) & mask;
	while (s->slots[i] && strcmp(s->items[s->slots[i] - 1].path, path) != 0)
		i = (i + 1) & mask;
	return i;
}

static void rehash(struct path_set *s)
{
	free(s->slots);
	s->nslots = s->nslots ? s->nslots * 2 : 64;
	s->slots = rp_calloc(s->nslots, sizeof(*s->slots));
	for (size_t k = 0; k < s->count; k++)
		s->slots[slot_of(s, s->items[k].path)] = (uint32_t)(k + 1);
}

int32_t path_set_intern(struct path_set *s, const char *path)
{
	if ((s->count + 1) * 2 > s->nslots)
		rehash(s);
	size_t i = slot_of(s, path);
	if (s->slots[i])
		return (int32_t)(s->slots[i] - 1);
	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->items = rp_realloc(s->items, s->cap * sizeof(*s->items));
	}
	s->items[s->count] = (struct path_stats){ .path = rp_strdup(path) };
	s->slots[i] = (uint32_t)(++s->count);
	return (int32_t)(s->count - 1);
}

void path_set_free(struct path_set *s)
{
	for (size_t k = 0; k < s->count; k++)
		free(s->items[k].path);
	free(s->items);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static void add_components(struct strbuf *out, const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n && !(n == 1 && p[0] == '.')) {
			if (out->len && out->buf[out->len - 1] != '/')
				sb_putc(out, '/');
			sb_add(out, p, n);
		}
		p += n;
		while (*p == '/')
			p++;
	}
}

char *path_join(const char *base, const char *rel)
{
	struct strbuf out;
	sb_init(&out);
	const char *first = rel[0] == '/' ? rel : base;
	if (first[0] == '/')
		sb_putc(&out, '/');
	if (rel[0] != '/')
		add_components(&out, base);
	add_components(&out, rel);
	if (out.len == 0)
		sb_putc(&out, '.');
	return out.buf;
}
