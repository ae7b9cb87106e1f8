/*
 * The numbers `reprise stats` reports, accumulated one event at a time so a trace
 * of any length is summarized in memory bounded by the number of distinct system
 * calls, processes, threads and file paths (never by the number of calls).
 */
#ifndef REPRISE_STATS_SUMMARY_H
#define REPRISE_STATS_SUMMARY_H

#include <reprise/trace.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "stats/fdrules.h"
#include "stats/histogram.h"
#include "stats/idmap.h"
#include "stats/pathset.h"
#include "sys/select.h"

struct syscall_summary {
	uint64_t calls, errors, time_ns;
	struct latency_histogram *latency; /* allocated on the first call */
};

enum process_end { PROCESS_RUNNING, PROCESS_EXITED, PROCESS_DETACHED };

struct process_summary {
	int32_t pid;
	char *command;
	uint64_t syscalls, errors, time_ns;
	uint32_t threads;     /* every thread the process had, the first one included */
	uint8_t end;          /* enum process_end */
	int32_t wait_status;  /* when PROCESS_EXITED: WIFEXITED/WIFSIGNALED apply */
	uint8_t leader_exited;
	struct fd_state fd;
};

struct task_state {
	uint32_t process;     /* index in procs */
	uint8_t pending;      /* a call entered and has not finished */
	uint32_t nr;
	uint64_t enter_seq, enter_ts;
	uint64_t args[6];
	struct fd_call_note note;
};

#define STATS_MAX_PIDS 64

struct stats_summary {
	const struct arch *arch;
	struct sys_set selected;        /* -e trace=: the calls counted */
	int32_t pids[STATS_MAX_PIDS];   /* -p: the processes counted, all when npids is 0 */
	size_t npids;

	struct syscall_summary calls[SYS_SET_MAX];
	struct io_bytes by_type[FD_TYPE_COUNT];
	struct path_set paths;
	struct process_summary *procs;
	size_t nprocs, procs_cap;

	struct fd_rules rules;
	struct task_state *tasks;
	size_t ntasks, tasks_cap;
	struct idmap pid_index, tid_index;
	char *root_command;
	uint64_t unmatched_exits;       /* exits whose entry the trace does not hold (attached mid-call) */
};

/* Ready to take events of a trace with this header; counts every call and process until told otherwise. */
void stats_summary_init(struct stats_summary *s, const struct rpr_header *hdr, const struct arch *a);
void stats_summary_add(struct stats_summary *s, const struct rpr_event *ev);
void stats_summary_free(struct stats_summary *s);

/* The numbers of the calls made, busiest first (strace -c order): fills nrs, returns how many. */
size_t stats_summary_ranked(const struct stats_summary *s, uint32_t nrs[SYS_SET_MAX]);

/* The syscall's name, or "syscall_NNN" for numbers the arch does not name (buf holds it then). */
const char *stats_syscall_name(const struct stats_summary *s, uint32_t nr, char *buf, size_t len);

#endif
