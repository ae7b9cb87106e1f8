/*
 * Issuing one recorded call again. Arguments are translated by their kinds in the
 * syscall table: descriptors through the process's map, paths into the sandbox
 * (as /proc/self/fd/N[/name] of a directory or file resolved inside the root),
 * input buffers and structs from the recorded memory, output buffers as scratch
 * space. The few calls that act on descriptors, the cwd or the umask are carried
 * out on replay's own state.
 */
#ifndef REPRISE_REPLAY_EXEC_H
#define REPRISE_REPLAY_EXEC_H

#include <stdint.h>

#include "reprise/trace.h"
#include "replay/fdmap.h"
#include "replay/replay.h"

#define EXEC_MAX_SCRATCH 16

struct exec_result {
	uint8_t replayed;     /* 0: the call was kept in its place only; `skip` says why */
	const char *skip;     /* a string literal, counted by the summary */
	int64_t ret;          /* the replayed result in the recording's terms: -errno, or descriptors as recorded */
	uint64_t args[6];     /* the arguments passed: output memory is readable here until exec_release */
	uint8_t on_stdio;     /* a descriptor the recorded program started with took part */
	uint8_t outside;      /* a descriptor of /proc or /sys took part: the call is kept, not replayed */
	uint8_t device;       /* a descriptor of a file under /dev took part: the data it gives is not compared */
	uint64_t ns;          /* time spent in the call */
	void *allocs[EXEC_MAX_SCRATCH];
	unsigned nallocs;
	int fds[EXEC_MAX_SCRATCH];
	unsigned nfds;
};

void replay_execute(struct replay_ctx *ctx, struct replay_process *proc, const struct replay_rule *rule,
		    const struct rpr_event *enter, const struct rpr_event *exit, struct exec_result *out);
void exec_release(struct exec_result *r);

/*
 * A call kept in its place that made descriptors (socket, eventfd, epoll_create...):
 * placeholders at the recorded numbers, so calls on them are kept too and close finds them.
 */
void replay_keep_descriptors(struct replay_ctx *ctx, struct replay_process *proc, const struct rpr_event *enter,
			     const struct rpr_event *exit);

/* The recorded memory [addr, addr+len) at phase if all of it is there, else NULL. */
const uint8_t *exec_recorded(const struct rpr_event *ev, unsigned phase, uint64_t addr, uint64_t len);
/* A NUL-terminated string recorded at entry, or NULL if not captured whole. */
const char *exec_recorded_string(const struct rpr_event *ev, uint64_t addr);
/* The size of a struct kind's memory for these arguments, or 0 if replay does not know it. */
uint64_t exec_struct_size(const struct sys_arg *arg, const uint64_t args[6]);

#endif
