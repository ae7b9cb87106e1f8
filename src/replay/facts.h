/*
 * What the recording says about each path before the program changed it: existed
 * or not, type, mode, owner, size, symlink target, and which byte ranges it read.
 * Files that existed are created under the root as soon as bytes for them are
 * known, and completed (sizes, fill, modes, owners, empty directories) at the end.
 */
#ifndef REPRISE_REPLAY_FACTS_H
#define REPRISE_REPLAY_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "replay/datafill.h"
#include "replay/sandbox.h"

enum fact_state { FACT_UNDECIDED, FACT_EXISTED, FACT_ABSENT };

struct extent {
	uint64_t offset, len;
};

struct path_facts {
	char *path;            /* normalized recorded absolute path */
	uint8_t state;         /* enum fact_state */
	uint8_t changed;       /* the program changed it: later observations say nothing of the start */
	uint8_t maybe_created; /* opened with O_CREAT: existed only if it held data before the program wrote */
	uint8_t has_stat;
	uint32_t type;         /* S_IFMT bits, 0 while unknown */
	uint32_t mode, uid, gid;
	uint64_t size, rdev;
	char *target;          /* a symlink's target, once read (or made up: target_made_up) */
	uint8_t target_made_up; /* followed before its target was read: points at a file of replay's own */
	uint8_t made;          /* a regular file was made for it under the root */
	uint8_t executed;      /* a program ran from it: executable, whatever else is unknown */
	int fd;                /* the prepared file while open, else -1 */
	struct extent *extents;
	size_t nextents, cap;
	struct path_facts *next_in_bucket;
};

#define FACT_BUCKETS 65536

struct fact_store {
	const struct sandbox *sb;
	const struct data_fill *fill;
	struct path_facts *buckets[FACT_BUCKETS];
	size_t count;
	/* the one prepared file kept open: a program may read more files than a process may hold open */
	struct path_facts *open_file;
	unsigned made_up_targets;
	char error[512];       /* the first failure to build a file */
};

void fact_store_init(struct fact_store *s, const struct sandbox *sb, const struct data_fill *fill);
void fact_store_free(struct fact_store *s);

/* The facts of a normalized path, created undecided. */
struct path_facts *facts_of(struct fact_store *s, const char *path);

/* Decides the start state if still undecided. */
void facts_decide(struct path_facts *f, uint8_t state);
/* A struct stat (or statx) the recording got for it. */
void facts_note_stat(struct path_facts *f, uint32_t mode, uint32_t uid, uint32_t gid, uint64_t size, uint64_t rdev);
/* Bytes the program read from it at offset, before changing it. */
void facts_note_bytes(struct fact_store *s, struct path_facts *f, uint64_t offset, const uint8_t *data, uint64_t len);

/*
 * The facts of where a symlink points. One the program followed without reading it is
 * given a target of replay's own, under ROOT/.reprise/links, which then holds what
 * following it showed.
 */
struct path_facts *facts_followed(struct fact_store *s, struct path_facts *link);
/* A symlink's target, as readlink returned it; what its made-up target held goes there. */
void facts_note_target(struct fact_store *s, struct path_facts *link, const char *target, size_t len);

/* Builds everything that existed. 0, or -1 with s->error set. */
int facts_build(struct fact_store *s);

#endif
