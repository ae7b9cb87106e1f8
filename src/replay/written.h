/*
 * Which recorded calls change a file's bytes, and how, for the on-disk state check:
 * writes (at the offset the replayed descriptor was at, or the one given), opens
 * with O_TRUNC, truncations, unlinks, renames and links update the record; copies
 * between descriptors, fallocate and shared writable mappings make a file's end
 * state unknowable from the trace.
 */
#ifndef REPRISE_REPLAY_WRITTEN_H
#define REPRISE_REPLAY_WRITTEN_H

#include <stdint.h>

#include "replay/exec.h"
#include "replay/replay.h"

/* The kind of every syscall number of arch a, for written_note. */
void written_kinds(const struct arch *a, uint8_t kinds[SYS_SET_MAX]);

/* Records in ctx->shadow what a call the recording completed did to files. */
void written_note(struct replay_ctx *ctx, struct replay_process *proc, const struct rpr_event *enter,
		  const struct rpr_event *exit, const struct exec_result *r);

#endif
