/*
 * The working directory the recorded program started in, which the trace header
 * does not hold: the first getcwd result of the first process before any chdir,
 * else the PWD its first execve passed, else "/".
 */
#ifndef REPRISE_REPLAY_CWD_H
#define REPRISE_REPLAY_CWD_H

#include "arch/arch.h"

/* Events read at most while looking. */
#define CWD_SCAN_EVENTS 200000

/* A new string; NULL with a one-line reason in err if the trace cannot be read. */
char *infer_initial_cwd(const char *trace, const struct arch *a, char *err, unsigned errlen);

#endif
