/* The file paths descriptors were opened with, each once, with the bytes moved through them. */
#ifndef REPRISE_STATS_PATHSET_H
#define REPRISE_STATS_PATHSET_H

#include <stddef.h>
#include <stdint.h>

struct io_bytes {
	uint64_t read_bytes, written_bytes;
	uint64_t reads, writes; /* successful calls that moved the bytes */
};

struct path_stats {
	char *path;
	struct io_bytes io;
};

struct path_set {
	struct path_stats *items;
	size_t count, cap;
	uint32_t *slots; /* open addressing: item index + 1, 0 = empty */
	size_t nslots;
};

/* The index of path, added if new. */
int32_t path_set_intern(struct path_set *s, const char *path);
void path_set_free(struct path_set *s);

/*
 * base + "/" + rel, dropping "." components and repeated slashes ("..": kept, since
 * symlinks make it mean something only the filesystem knows). A new string.
 */
char *path_join(const char *base, const char *rel);

#endif
