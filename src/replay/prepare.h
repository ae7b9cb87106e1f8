/*
 * --prepare: the file tree the recording found, rebuilt under the root before the
 * replay. One pass over the trace decides, for every path the program named,
 * whether it existed before the program changed it (opened, read, listed or
 * stat'ed successfully; not created by the program), with the type, mode, owner and
 * size the recording saw, symlink targets it read and the bytes it read at the
 * offsets it read them; regions never read are filled per --data. Bytes go straight
 * into the prepared files, so memory holds only per-path facts.
 */
#ifndef REPRISE_REPLAY_PREPARE_H
#define REPRISE_REPLAY_PREPARE_H

#include <stddef.h>

#include "arch/arch.h"
#include "replay/datafill.h"
#include "replay/sandbox.h"

/* 0, or -1 with a one-line reason in err. */
int prepare_tree(const struct sandbox *sb, const char *trace, const struct arch *a, const char *cwd,
		 const struct data_fill *fill, char *err, size_t errlen);

#endif
