/*
 * reprise trace library: write and read .rpr traces (docs/FORMAT.md).
 *
 * A trace is a header, then independently compressed blocks of events, then an
 * index. Readers stream events in recording order, can seek by time, and keep
 * working on traces whose recorder died (up to the last complete block).
 */
#ifndef REPRISE_TRACE_H
#define REPRISE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define RPR_FORMAT_MAJOR 1
#define RPR_FORMAT_MINOR 1

enum rpr_event_kind {
	RPR_EV_SYSCALL_ENTER = 1, /* a thread entered a system call */
	RPR_EV_SYSCALL_EXIT = 2,  /* ...and left it (or never will: see flags) */
	RPR_EV_TASK_NEW = 3,      /* a thread or process appeared (clone, fork, vfork, attach) */
	RPR_EV_EXEC = 4,          /* a successful execve/execveat */
	RPR_EV_SIGNAL = 5,        /* a signal was delivered to a thread */
	RPR_EV_TASK_EXIT = 6,     /* a thread or process ended */
	RPR_EV_GROUP_STOP = 7,    /* a thread entered a group-stop (job control) */
	RPR_EV_DETACH = 8,        /* the recorder detached from a thread, leaving it running */
};

/* rpr_event.u.exit.flags */
enum {
	RPR_EXIT_NO_RETURN = 1u << 0, /* the call never returned: exit, exit_group, or the thread died in it */
	RPR_EXIT_KILLED = 1u << 1,    /* the thread was killed by a signal while in the call */
	RPR_EXIT_DETACHED = 1u << 2,  /* the recorder detached while the call was in progress */
};

/* rpr_event.u.task_new.how */
enum rpr_task_origin {
	RPR_TASK_ROOT = 0,    /* the command reprise started */
	RPR_TASK_ATTACHED = 1,
	RPR_TASK_FORK = 2,
	RPR_TASK_VFORK = 3,
	RPR_TASK_CLONE = 4,   /* clone/clone3 creating a process */
	RPR_TASK_THREAD = 5,  /* clone/clone3 with CLONE_THREAD */
};

/* rpr_region.phase: when the memory was read */
enum rpr_phase { RPR_PHASE_ENTER = 0, RPR_PHASE_EXIT = 1 };

/* rpr_region.flags */
enum {
	RPR_REGION_TRUNCATED = 1u << 0, /* only the first `stored` bytes of `size` were kept (-s) */
	RPR_REGION_FAULT = 1u << 1,     /* the memory could not be read (bad address); nothing stored */
};

/*
 * A piece of the tracee's memory that a call read or wrote, at address `addr`.
 * Decoders find struct contents and buffers by address, so one region can hold a
 * buffer, a struct or a string, whatever the syscall table says lives there.
 */
struct rpr_region {
	uint8_t phase;
	uint8_t arg;       /* the argument this region hangs off (0..5), for data dumps */
	uint16_t flags;
	uint64_t addr;
	uint64_t size;     /* bytes at addr that belonged to the call */
	uint64_t stored;   /* bytes kept; < size when truncated */
	uint64_t blob;     /* 0: stored inline in the event; else the id of the content-addressed blob holding it */
	const uint8_t *data; /* the `stored` bytes (blobs resolved), or NULL if none or the reader skips data */
};

struct rpr_event {
	uint16_t kind;
	uint64_t seq;   /* increasing in recording order, unique per trace */
	uint64_t ts_ns; /* CLOCK_MONOTONIC nanoseconds (header.start_* gives the wall-clock offset) */
	int32_t pid;    /* thread group id */
	int32_t tid;
	union {
		struct {
			uint32_t nr;       /* syscall number in the trace's arch */
			uint64_t args[6];
		} enter;
		struct {
			uint32_t nr;
			uint32_t flags;    /* RPR_EXIT_* */
			int64_t ret;       /* raw kernel result: -errno on failure */
			uint64_t enter_seq; /* seq of the matching RPR_EV_SYSCALL_ENTER */
		} exit;
		struct {
			uint32_t how;      /* enum rpr_task_origin */
			int32_t parent_tid; /* 0 for ROOT and ATTACHED */
			uint64_t clone_flags;
		} task_new;
		struct {
			int32_t former_tid; /* a non-leader thread that exec'd takes over the leader's tid */
		} exec;
		struct {
			int32_t signo;
			uint8_t siginfo[128]; /* kernel siginfo_t as the tracee would receive it */
		} signal;
		struct {
			int32_t status;    /* wait(2) status: WIFEXITED/WIFSIGNALED apply */
		} task_exit;
		struct {
			int32_t signo;
		} group_stop;
	} u;
	uint32_t nregions;
	const struct rpr_region *regions; /* valid until the next rpr_reader_next() */
};

struct rpr_header {
	uint16_t format_major, format_minor;
	char reprise_version[32];
	char arch[16];        /* "x86_64" */
	char kernel[128];     /* uname release */
	char hostname[128];
	uint32_t page_size;
	uint64_t start_realtime_ns;  /* wall clock at start */
	uint64_t start_monotonic_ns; /* CLOCK_MONOTONIC at the same instant */
	uint64_t snaplen;     /* -s cap on captured buffers, 0 = none */
	uint32_t flags;       /* RPR_HDR_* */
	uint32_t argc;
	char **argv;          /* the recorded command line (record's CMD, or "-p PID...") */
};

enum {
	RPR_HDR_NO_DATA = 1u << 0,  /* buffers were not captured (--no-data) */
	RPR_HDR_ATTACHED = 1u << 1, /* processes were attached to, not started */
	RPR_HDR_FILTERED = 1u << 2, /* -e trace= narrowed the recorded set */
	RPR_HDR_EMULATED = 1u << 3, /* `reprise emulate` ran the programs: time stamps and answered calls are simulated */
};

/* ---- writing ---- */

struct rpr_writer;

/*
 * Creates `path` (mode 0600, truncating) and writes the header. Compression and
 * disk writes happen on a background thread fed through a bounded queue.
 * On failure returns NULL and puts a one-line reason in err.
 */
struct rpr_writer *rpr_writer_open(const char *path, const struct rpr_header *hdr, char *err, size_t errlen);

/* Copies the event (and the bytes of its regions) into the trace. 0, or -1 with err set. */
int rpr_writer_append(struct rpr_writer *w, const struct rpr_event *ev);

/* Writes everything appended so far to the file, and waits until it is there. 0, or -1 with the error set. */
int rpr_writer_flush(struct rpr_writer *w);

/*
 * Hands everything appended so far to the writer thread without waiting for the disk
 * (a recorder calls it periodically, so that a killed recorder loses little). 0, or -1.
 */
int rpr_writer_submit(struct rpr_writer *w);

/* Flushes, writes the index and closes. 0, or -1 with the error in err. Frees w either way. */
int rpr_writer_close(struct rpr_writer *w, char *err, size_t errlen);

const char *rpr_writer_error(const struct rpr_writer *w);

struct rpr_writer_stats {
	uint64_t events, blocks, bytes_in, bytes_out, blobs_stored, blobs_deduplicated, bytes_deduplicated;
};
void rpr_writer_get_stats(const struct rpr_writer *w, struct rpr_writer_stats *out);

/* ---- reading ---- */

struct rpr_reader;

enum {
	RPR_READ_NO_DATA = 1u << 0, /* do not load region bytes (faster when only metadata is needed) */
	/*
	 * Leave out the bulk of what calls returned: exit-phase regions stored as blobs (file
	 * data read, directory listings) come with data NULL; small ones stored inline (structures,
	 * descriptor pairs) keep theirs. Saves gathering and copying bytes nobody looks at.
	 */
	RPR_READ_NO_EXIT_BLOBS = 1u << 1,
	/*
	 * Read, check and decompress the next blocks on a background thread, for a consumer
	 * that does heavy work of its own between events (replay issuing the calls).
	 */
	RPR_READ_AHEAD = 1u << 2,
};

/*
 * Opens a trace. NULL with a one-line reason in err if it is not a readable trace
 * (missing, not a trace, a newer major format version, corrupt header).
 */
struct rpr_reader *rpr_reader_open(const char *path, unsigned flags, char *err, size_t errlen);

const struct rpr_header *rpr_reader_header(const struct rpr_reader *r);

/* 1: *ev is the next event; 0: end of trace; -1: error (rpr_reader_error). */
int rpr_reader_next(struct rpr_reader *r, const struct rpr_event **ev);

/*
 * Checks every block's checksum and header against the index, without decompressing or
 * moving the read position: a tool that must not act on half a trace (replay) refuses a
 * damaged one up front. 0, or -1 (rpr_reader_error names the block and its offset).
 */
int rpr_reader_verify(struct rpr_reader *r);

/* Positions the reader at the first block that may hold events at or after ts_ns (monotonic). 0 or -1. */
int rpr_reader_seek_time(struct rpr_reader *r, uint64_t ts_ns);

/* A deep copy of an event that outlives rpr_reader_next(); NULL if out of memory. */
struct rpr_event *rpr_event_dup(const struct rpr_event *ev);
void rpr_event_free(struct rpr_event *ev);
/*
 * The same copy into memory the caller manages (a consumer reusing buffers avoids an
 * allocation per event): rpr_event_copy_size is the bytes needed, SIZE_MAX if too many;
 * rpr_event_copy fills buf (that many bytes, aligned as malloc aligns) and returns it.
 */
size_t rpr_event_copy_size(const struct rpr_event *ev);
struct rpr_event *rpr_event_copy(const struct rpr_event *ev, void *buf);

/*
 * The tracee memory [addr, addr+len) as captured in ev at `phase`, or NULL if no region
 * holds addr. *avail gets how many of the len bytes are there (less when truncated).
 */
const uint8_t *rpr_event_mem(const struct rpr_event *ev, unsigned phase, uint64_t addr, uint64_t len, uint64_t *avail);

const char *rpr_reader_error(const struct rpr_reader *r);

struct rpr_reader_info {
	uint64_t blocks;          /* complete blocks found */
	uint64_t events;          /* events in them (from the index, or counted so far if there is none) */
	uint64_t first_ts_ns, last_ts_ns;
	int complete;             /* 1 if the trace was closed properly (index present and valid) */
	uint64_t lost_bytes;      /* bytes after the last complete block that could not be used */
	uint64_t valid_end;       /* file offset where usable data ends */
};
void rpr_reader_get_info(const struct rpr_reader *r, struct rpr_reader_info *out);

void rpr_reader_close(struct rpr_reader *r);

#endif
