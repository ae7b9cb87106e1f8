/* The file header (docs/FORMAT.md, "File header"). */
#include "trace/header.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/format.h"

enum { STRING_LEN_SIZE = 2, ARG_LEN_SIZE = 4, ARGC_SIZE = 4 };

#define HEADER_STRINGS(h) { (h)->reprise_version, (h)->arch, (h)->kernel, (h)->hostname }
#define HEADER_STRING_CAPS { sizeof(((struct rpr_header *)0)->reprise_version), \
	sizeof(((struct rpr_header *)0)->arch), sizeof(((struct rpr_header *)0)->kernel), \
	sizeof(((struct rpr_header *)0)->hostname) }
enum { HEADER_STRING_COUNT = 4 };

uint8_t *header_encode(const struct rpr_header *hdr, size_t *len, char *err, size_t errlen)
{
	const char *strings[HEADER_STRING_COUNT] = HEADER_STRINGS(hdr);
	const size_t caps[HEADER_STRING_COUNT] = HEADER_STRING_CAPS;
	size_t string_lens[HEADER_STRING_COUNT];
	uint64_t size = RPR_HEADER_FIXED_SIZE + ARGC_SIZE + RPR_CHECKSUM_SIZE;
	for (int i = 0; i < HEADER_STRING_COUNT; i++) {
		string_lens[i] = strnlen(strings[i], caps[i] - 1);
		size += STRING_LEN_SIZE + string_lens[i];
	}
	if (hdr->argc > RPR_HEADER_MAX_ARGC) {
		snprintf(err, errlen, "command line has too many arguments (%u)", hdr->argc);
		return NULL;
	}
	for (uint32_t i = 0; i < hdr->argc && size <= RPR_HEADER_MAX_SIZE; i++)
		size += ARG_LEN_SIZE + strlen(hdr->argv[i]);
	if (size > RPR_HEADER_MAX_SIZE) {
		snprintf(err, errlen, "command line is too long for the trace header (limit %d bytes)",
			 RPR_HEADER_MAX_SIZE);
		return NULL;
	}
	uint8_t *buf = malloc(size);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(buf, RPR_FILE_MAGIC, RPR_FILE_MAGIC_SIZE);
	put_u16(buf + 8, RPR_FORMAT_MAJOR);
	put_u16(buf + 10, RPR_FORMAT_MINOR);
	put_u32(buf + 12, (uint32_t)size);
	put_u32(buf + 16, hdr->page_size);
	put_u32(buf + 20, hdr->flags);
	put_u64(buf + 24, hdr->start_realtime_ns);
	put_u64(buf + 32, hdr->start_monotonic_ns);
	put_u64(buf + 40, hdr->snaplen);
	uint8_t *p = buf + RPR_HEADER_FIXED_SIZE;
	for (int i = 0; i < HEADER_STRING_COUNT; i++) {
		put_u16(p, (uint16_t)string_lens[i]);
		memcpy(p + STRING_LEN_SIZE, strings[i], string_lens[i]);
		p += STRING_LEN_SIZE + string_lens[i];
	}
	put_u32(p, hdr->argc);
	p += ARGC_SIZE;
	for (uint32_t i = 0; i < hdr->argc; i++) {
		size_t n = strlen(hdr->argv[i]);
		put_u32(p, (uint32_t)n);
		memcpy(p + ARG_LEN_SIZE, hdr->argv[i], n);
		p += ARG_LEN_SIZE + n;
	}
	put_u64(p, rpr_checksum(buf, size - RPR_CHECKSUM_SIZE));
	*len = size;
	return buf;
}

size_t header_size_from_prefix(const uint8_t *prefix, size_t prefix_len, char *err, size_t errlen)
{
	if (prefix_len < RPR_HEADER_PREFIX_SIZE || memcmp(prefix, RPR_FILE_MAGIC, RPR_FILE_MAGIC_SIZE) != 0) {
		snprintf(err, errlen, "not a reprise trace");
		return 0;
	}
	unsigned major = get_u16(prefix + 8), minor = get_u16(prefix + 10);
	if (major > RPR_FORMAT_MAJOR) {
		snprintf(err, errlen, "trace format %u.%u is newer than this reader (%d.%d)", major, minor,
			 RPR_FORMAT_MAJOR, RPR_FORMAT_MINOR);
		return 0;
	}
	if (major < RPR_FORMAT_MAJOR) {
		snprintf(err, errlen, "trace format %u.%u is not supported by this reader (%d.%d)", major, minor,
			 RPR_FORMAT_MAJOR, RPR_FORMAT_MINOR);
		return 0;
	}
	if (prefix_len < RPR_HEADER_PREFIX_SIZE + 4) {
		snprintf(err, errlen, "truncated trace header");
		return 0;
	}
	uint32_t size = get_u32(prefix + RPR_HEADER_PREFIX_SIZE);
	if (size < RPR_HEADER_FIXED_SIZE + HEADER_STRING_COUNT * STRING_LEN_SIZE + ARGC_SIZE + RPR_CHECKSUM_SIZE ||
	    size > RPR_HEADER_MAX_SIZE) {
		snprintf(err, errlen, "corrupt trace header (size %u)", size);
		return 0;
	}
	return size;
}

/* A bounds-checked cursor over the header body. */
struct cursor {
	const uint8_t *p, *end;
};

static int take(struct cursor *c, size_t n, const uint8_t **out)
{
	if ((size_t)(c->end - c->p) < n)
		return -1;
	*out = c->p;
	c->p += n;
	return 0;
}

void header_release(struct rpr_header *hdr)
{
	if (hdr->argv) {
		for (uint32_t i = 0; i < hdr->argc; i++)
			free(hdr->argv[i]);
		free(hdr->argv);
	}
	hdr->argv = NULL;
	hdr->argc = 0;
}

static int decode_argv(struct cursor *c, struct rpr_header *out)
{
	const uint8_t *field;
	if (take(c, ARGC_SIZE, &field))
		return -1;
	uint32_t argc = get_u32(field);
	/* every argument needs at least its length field, which bounds the allocation */
	if (argc > (size_t)(c->end - c->p) / ARG_LEN_SIZE)
		return -1;
	out->argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!out->argv)
		return -1;
	for (uint32_t i = 0; i < argc; i++) {
		const uint8_t *bytes;
		if (take(c, ARG_LEN_SIZE, &field))
			return -1;
		uint32_t n = get_u32(field);
		if (take(c, n, &bytes) || memchr(bytes, '\0', n))
			return -1;
		out->argv[i] = malloc((size_t)n + 1);
		if (!out->argv[i])
			return -1;
		out->argc = i + 1;
		memcpy(out->argv[i], bytes, n);
		out->argv[i][n] = '\0';
	}
	out->argc = argc;
	return 0;
}

int header_decode(const uint8_t *buf, size_t len, struct rpr_header *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (rpr_checksum(buf, len - RPR_CHECKSUM_SIZE) != get_u64(buf + len - RPR_CHECKSUM_SIZE)) {
		snprintf(err, errlen, "corrupt trace header (checksum mismatch)");
		return -1;
	}
	out->format_major = get_u16(buf + 8);
	out->format_minor = get_u16(buf + 10);
	out->page_size = get_u32(buf + 16);
	out->flags = get_u32(buf + 20);
	out->start_realtime_ns = get_u64(buf + 24);
	out->start_monotonic_ns = get_u64(buf + 32);
	out->snaplen = get_u64(buf + 40);
	struct cursor c = { buf + RPR_HEADER_FIXED_SIZE, buf + len - RPR_CHECKSUM_SIZE };
	char *strings[HEADER_STRING_COUNT] = HEADER_STRINGS(out);
	const size_t caps[HEADER_STRING_COUNT] = HEADER_STRING_CAPS;
	for (int i = 0; i < HEADER_STRING_COUNT; i++) {
		const uint8_t *field, *bytes;
		if (take(&c, STRING_LEN_SIZE, &field))
			goto corrupt;
		uint16_t n = get_u16(field);
		if (n >= caps[i] || take(&c, n, &bytes) || memchr(bytes, '\0', n))
			goto corrupt;
		memcpy(strings[i], bytes, n);
		strings[i][n] = '\0';
	}
	if (decode_argv(&c, out))
		goto corrupt;
	/* bytes left before the checksum belong to newer minor versions */
	return 0;
corrupt:
	header_release(out);
	snprintf(err, errlen, "corrupt trace header");
	return -1;
}
