/*
 * The on-disk state check: what the recording says every file the program wrote
 * ended with. For each written regular file (by its recorded absolute paths: hard
 * links share one record) an interval map of the byte ranges the recorded writes determine, whose bytes live
 * in one log file under ROOT/.reprise (so memory holds only the ranges, never the
 * data), and the final size when the trace determines it (the file was truncated
 * or created empty). At the end the replayed files are compared with it. Files
 * whose bytes the trace cannot determine are set aside as not checkable, with why.
 */
#ifndef REPRISE_REPLAY_SHADOW_H
#define REPRISE_REPLAY_SHADOW_H

#include <pthread.h>
#include <stdint.h>

#include "replay/sandbox.h"
#include "replay/verify.h"

/* Ranges held in memory over all files at most; a file that would need more is declared not checkable. */
#define SHADOW_MAX_EXTENTS (1u << 20)
#define SHADOW_BUCKETS 4096

struct shadow_extent {
	uint64_t offset, len, log_offset;
};

/* What the recording says a file holds: one for all the names of a hard-linked file. */
struct shadow_content {
	const char *unchecked;   /* why the trace cannot determine its bytes, or NULL */
	uint8_t size_known;
	uint64_t size;
	struct shadow_extent *extents; /* sorted by offset, not overlapping */
	size_t nextents, cap;
	unsigned names;          /* names that lead to it */
};

/* A name of a written file. */
struct shadow_file {
	char *path;
	struct shadow_content *content;
	struct shadow_file *next_in_bucket;
};

struct shadow_store {
	pthread_mutex_t lock;
	const struct sandbox *sb;
	int log_fd;
	uint64_t log_end;
	size_t extents;          /* over all files */
	struct shadow_file *buckets[SHADOW_BUCKETS];
};

/* What the check found, for the summary. */
struct shadow_outcome {
	uint64_t checked, differing;
	struct shadow_unchecked {
		char *path;
		const char *reason;
	} *unchecked;
	size_t nunchecked;
};

/* 0, or -1 with a one-line reason in err (the log could not be made). */
int shadow_init(struct shadow_store *s, const struct sandbox *sb, char *err, unsigned errlen);
void shadow_free(struct shadow_store *s);

/* The recorded bytes written at offset; data NULL when the trace did not keep them. */
void shadow_write(struct shadow_store *s, const char *path, uint64_t offset, const uint8_t *data, uint64_t len);
void shadow_truncate(struct shadow_store *s, const char *path, uint64_t size);
/* The file was changed in a way the trace does not show byte by byte. */
void shadow_unknowable(struct shadow_store *s, const char *path, const char *reason);
void shadow_unlink(struct shadow_store *s, const char *path);
void shadow_rename(struct shadow_store *s, const char *from, const char *to, int exchange);
/*
 * A second name for a file: it starts with the first name's record. Writes through
 * one name later are not copied to the other (a limit of the check, documented).
 */
void shadow_link(struct shadow_store *s, const char *from, const char *to);

/* Compares the replayed files with the record; each difference goes to log as a mismatch. */
void shadow_check(struct shadow_store *s, struct mismatch_log *log, struct shadow_outcome *out);
void shadow_outcome_free(struct shadow_outcome *o);

#endif
