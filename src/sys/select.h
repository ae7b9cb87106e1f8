/* Syscall selection sets: strace's -e trace= expressions over one arch's numbers. */
#ifndef REPRISE_SYS_SELECT_H
#define REPRISE_SYS_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"

#define SYS_SET_MAX 1024

struct sys_set {
	uint64_t bits[SYS_SET_MAX / 64];
};

/*
 * Parses EXPR as strace does: a comma-separated list of syscall names and classes
 * (%file %desc %network %process %memory %signal %ipc %creds %clock %stat %lstat
 * %fstat %%stat %statfs %fstatfs %%statfs %pure), "all" or "none", optionally
 * prefixed by "!" to negate the whole set; "trace=" in front is accepted.
 * 0, or -1 with a one-line reason in err (unknown name or class).
 */
int sys_set_parse(struct sys_set *set, const struct arch *a, const char *expr, char *err, size_t errlen);

void sys_set_fill(struct sys_set *set);

static inline int sys_set_has(const struct sys_set *set, uint32_t nr)
{
	return nr < SYS_SET_MAX && (set->bits[nr / 64] >> (nr % 64)) & 1;
}

/* 1 if every number the arch names is in the set. */
int sys_set_is_full(const struct sys_set *set, const struct arch *a);

#endif
