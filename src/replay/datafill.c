#include "replay/datafill.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util/util.h"

int data_fill_parse(struct data_fill *f, const char *text)
{
	static const struct {
		const char *name;
		uint8_t mode;
	} modes[] = { { "recorded", DATA_RECORDED }, { "zero", DATA_ZERO }, { "random", DATA_RANDOM },
		      { "urandom", DATA_URANDOM } };
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(text, modes[i].name) == 0) {
			*f = (struct data_fill){ .mode = modes[i].mode };
			return 0;
		}
	}
	if (strncmp(text, "pattern:", 8) != 0 || !text[8])
		return -1;
	char *end;
	errno = 0;
	unsigned long byte = strtoul(text + 8, &end, 0);
	if (errno || *end || byte > 255 || text[8] == '-')
		return -1;
	*f = (struct data_fill){ .mode = DATA_PATTERN, .pattern = (uint8_t)byte };
	return 0;
}

/* xorshift64*: cheap bytes that no compressor or deduplicating device can shrink. */
static void pseudo_random(uint8_t *buf, size_t len)
{
	static __thread uint64_t state;
	if (!state)
		state = 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)&state;
	size_t i = 0;
	while (i < len) {
		state ^= state >> 12;
		state ^= state << 25;
		state ^= state >> 27;
		uint64_t v = state * 0x2545F4914F6CDD1Dull;
		size_t n = len - i < 8 ? len - i : 8;
		memcpy(buf + i, &v, n);
		i += n;
	}
}

void data_fill(const struct data_fill *f, uint8_t *buf, size_t len)
{
	switch (f->mode) {
	case DATA_PATTERN:
		memset(buf, f->pattern, len);
		return;
	case DATA_RANDOM:
		pseudo_random(buf, len);
		return;
	case DATA_URANDOM:
		for (size_t done = 0; done < len;) {
			ssize_t n = getrandom(buf + done, len - done, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				rp_die(1, "getrandom: %s", strerror(errno));
			done += (size_t)n;
		}
		return;
	default:
		memset(buf, 0, len);
		return;
	}
}

void data_fill_input(const struct data_fill *f, uint8_t *buf, size_t len, const uint8_t *recorded, size_t stored)
{
	if (f->mode != DATA_RECORDED) {
		data_fill(f, buf, len);
		return;
	}
	size_t have = recorded ? (stored < len ? stored : len) : 0;
	if (have)
		memcpy(buf, recorded, have);
	memset(buf + have, 0, len - have);
}
