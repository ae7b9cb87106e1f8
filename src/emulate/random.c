/*
 * Reproducible randomness: with --seed, getrandom and reads of /dev/urandom and
 * /dev/random are answered from a generator per host (SplitMix64 seeded from the seed and
 * the host's name), so runs are identical.
 */
#include <errno.h>
#include <fcntl.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#include "emulate/calls.h"
#include "util/util.h"

/* getrandom reads at most this much per call, as Linux does for large requests; reads of the devices too. */
#define MAX_CHUNK (32u << 20)
#define MAX_IOV 1024
/* The character devices /dev/random and /dev/urandom. */
#define MEM_MAJOR 1
#define RANDOM_MINOR 8
#define URANDOM_MINOR 9

#define ARG(i) (th->t->args[i])

struct host_rng {
	sg_host_t host;
	uint64_t state;
	struct host_rng *next;
};

static struct host_rng *rngs;

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct host_rng *rng_of(sg_host_t host)
{
	for (struct host_rng *r = rngs; r; r = r->next)
		if (r->host == host)
			return r;
	struct host_rng *r = rp_calloc(1, sizeof(*r));
	r->host = host;
	r->state = emu.seed;
	for (const char *c = sg_host_get_name(host); *c; c++)
		r->state = (r->state ^ (unsigned char)*c) * 0x100000001b3ull;
	r->next = rngs;
	rngs = r;
	return r;
}

void random_free(void)
{
	while (rngs) {
		struct host_rng *next = rngs->next;
		free(rngs);
		rngs = next;
	}
}

/* Writes len bytes of the host's generator to the thread's memory at addr: 0, or -EFAULT. */
static int write_random(struct emu_thread *th, uint64_t addr, size_t len)
{
	uint8_t *buf = rp_malloc(len ? len : 1);
	struct host_rng *r = rng_of(th->proc->host);
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = splitmix64(&r->state);
		memcpy(buf + i, &v, len - i < 8 ? len - i : 8);
	}
	int rc = emu_write(th, addr, buf, len) < 0 ? -EFAULT : 0;
	free(buf);
	return rc;
}

static enum verdict answer_getrandom(struct emu_thread *th, int64_t *result)
{
	if (!emu.seeded)
		return NATIVE;
	size_t len = ARG(1) < MAX_CHUNK ? (size_t)ARG(1) : MAX_CHUNK;
	int rc = write_random(th, ARG(0), len);
	*result = rc < 0 ? rc : (int64_t)len;
	return ANSWERED;
}

/*
 * Whether descriptor fd of the thread's process is open for reading on a random device.
 * The kernel's view of it (/proc) follows dup, fork and exec for free.
 */
static int reads_random_device(struct emu_thread *th, uint64_t fd)
{
	if (!emu.seeded || fd > INT32_MAX)
		return 0;
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)th->proc->pid, (int)fd);
	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != MEM_MAJOR ||
	    (minor(st.st_rdev) != RANDOM_MINOR && minor(st.st_rdev) != URANDOM_MINOR))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)th->proc->pid, (int)fd);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char line[128];
	unsigned flags = O_WRONLY;
	while (fgets(line, sizeof(line), f) && sscanf(line, "flags: %o", &flags) != 1)
		;
	fclose(f);
	return (flags & O_ACCMODE) != O_WRONLY;
}

/* read and pread64 (the devices have no position): the buffer at ARG(1), ARG(2) bytes. */
static enum verdict answer_read(struct emu_thread *th, int64_t *result)
{
	if (!reads_random_device(th, ARG(0)))
		return NATIVE;
	size_t len = ARG(2) < MAX_CHUNK ? (size_t)ARG(2) : MAX_CHUNK;
	int rc = write_random(th, ARG(1), len);
	*result = rc < 0 ? rc : (int64_t)len;
	return ANSWERED;
}

static enum verdict answer_readv(struct emu_thread *th, int64_t *result)
{
	if (!reads_random_device(th, ARG(0)))
		return NATIVE;
	if (ARG(2) > MAX_IOV) {
		*result = -EINVAL;
		return ANSWERED;
	}
	struct iovec *iov = rp_malloc((ARG(2) ? ARG(2) : 1) * sizeof(*iov));
	if (emu_read(th, ARG(1), iov, ARG(2) * sizeof(*iov)) < 0) {
		free(iov);
		*result = -EFAULT;
		return ANSWERED;
	}
	size_t total = 0;
	int rc = 0;
	for (uint64_t i = 0; i < ARG(2) && rc == 0 && total < MAX_CHUNK; i++) {
		size_t len = iov[i].iov_len < MAX_CHUNK - total ? iov[i].iov_len : MAX_CHUNK - total;
		rc = write_random(th, (uint64_t)(uintptr_t)iov[i].iov_base, len);
		if (rc == 0)
			total += len;
	}
	free(iov);
	*result = total || rc == 0 ? (int64_t)total : rc;
	return ANSWERED;
}

const struct call_rule random_rules[] = {
	{ "getrandom", answer_getrandom, NEVER_BLOCKS },
	{ "read", answer_read, NEVER_BLOCKS },
	{ "pread64", answer_read, NEVER_BLOCKS },
	{ "readv", answer_readv, NEVER_BLOCKS },
	{ NULL, NULL, NEVER_BLOCKS },
};
