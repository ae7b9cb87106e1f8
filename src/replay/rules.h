/*
 * Which recorded system calls replay issues again, and what replay must know about
 * them beyond the syscall table's argument kinds: how a call's paths are resolved in
 * the sandbox (does it follow a final symlink?), which argument is a file's contents
 * rather than a file (symlink's target), which mode the process umask applies to, and
 * the few calls that act on replay's own state (descriptors, cwd, umask).
 */
#ifndef REPRISE_REPLAY_RULES_H
#define REPRISE_REPLAY_RULES_H

#include <stdint.h>

#include "arch/arch.h"
#include "sys/table.h"

enum replay_how {
	RH_NONE = 0,   /* not replayed: keeps its place in the timeline, counted by name */
	RH_GENERIC,    /* arguments translated by their table kinds, the call issued as recorded */
	RH_OPEN,       /* open, openat, creat, openat2: openat2 resolved in the root; a new descriptor */
	RH_CLOSE,
	RH_DUP,        /* dup, dup2, dup3 */
	RH_FCNTL,      /* descriptor duplication and flags; locks on the replayed descriptor */
	RH_PIPE,       /* pipe, pipe2: two new descriptors */
	RH_CHDIR,
	RH_FCHDIR,
	RH_GETCWD,
	RH_UMASK,
	RH_CLOSE_RANGE, /* closes (or marks close-on-exec) a range of the descriptor map */
};

/* Whether the first path argument's last component is followed when it is a symlink. */
enum replay_follow {
	FOLLOW_NEVER = 0,  /* the call names the link itself (lstat, unlink, rename, mkdir...) */
	FOLLOW_ALWAYS,
	FOLLOW_UNLESS_FLAG, /* unless flag_bit is set in flag_arg (AT_SYMLINK_NOFOLLOW) */
	FOLLOW_IF_FLAG,     /* only if flag_bit is set in flag_arg (linkat's AT_SYMLINK_FOLLOW) */
};

struct replay_rule {
	uint8_t how;          /* enum replay_how */
	uint8_t follow;       /* enum replay_follow */
	int8_t flag_arg;
	int8_t literal_arg;   /* a path argument that is data, not a file name, or -1 */
	int8_t mode_arg;      /* permission bits the process umask applies to, or -1 */
	uint32_t flag_bit;
};

/* The rule for a syscall number of arch a; how == RH_NONE for calls not replayed. */
struct replay_rule replay_rule_for(const struct arch *a, uint32_t nr);

/* 1 if follow says a path's last symlink is followed for these arguments. */
int replay_rule_follows(const struct replay_rule *r, const uint64_t args[6]);

#endif
