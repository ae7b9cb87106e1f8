/*
 * The interception engine: starts or attaches to programs with ptrace, follows every
 * thread, fork, vfork, clone and exec, and reports each stop to a handler. It knows
 * nothing about traces; `record` and `emulate` are handlers over it.
 */
#ifndef REPRISE_TRACER_H
#define REPRISE_TRACER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/select.h"

struct tracee {
	pid_t tid;
	pid_t pid;            /* thread group id */
	int in_syscall;       /* between a reported entry and its exit */
	uint32_t nr;          /* the call in progress, when in_syscall */
	uint64_t args[6];
	uint64_t sp;          /* the stack pointer at the call's entry */
	void *user;           /* the handler's per-thread state */
};

/* Why a tracee appeared; values match enum rpr_task_origin. */
enum tracer_origin { TO_ROOT = 0, TO_ATTACHED, TO_FORK, TO_VFORK, TO_CLONE, TO_THREAD };

/* tracer_handler.syscall_exit flags; values match RPR_EXIT_*. */
enum { TX_NO_RETURN = 1u << 0, TX_KILLED = 1u << 1, TX_DETACHED = 1u << 2 };

struct tracer_handler {
	void *ctx;
	void (*syscall_enter)(void *ctx, struct tracee *t, uint64_t ts);
	void (*syscall_exit)(void *ctx, struct tracee *t, int64_t ret, unsigned flags, uint64_t ts);
	void (*task_new)(void *ctx, struct tracee *t, enum tracer_origin how, pid_t parent_tid, uint64_t clone_flags, uint64_t ts);
	void (*exec)(void *ctx, struct tracee *t, pid_t former_tid, uint64_t ts);
	void (*signal)(void *ctx, struct tracee *t, const siginfo_t *si, uint64_t ts);
	void (*group_stop)(void *ctx, struct tracee *t, int signo, uint64_t ts);
	void (*task_exit)(void *ctx, struct tracee *t, int status, uint64_t ts);
	void (*detach)(void *ctx, struct tracee *t, uint64_t ts);
};

struct tracer_config {
	char *const *argv;     /* start this command ... */
	const pid_t *attach;   /* ... or attach to these processes (all their threads) */
	size_t nattach;
	/* Calls to stop at; NULL = all. A narrower set is enforced in the kernel with a seccomp filter when starting a command. */
	const struct sys_set *trace;
	int no_seccomp;        /* stop at every call and filter in user space instead (for measuring) */
};

/*
 * Runs until every tracee has exited or been detached. Returns the started command's
 * wait status (attach mode: 0), or -1 after printing a one-line error.
 */
int tracer_run(const struct tracer_config *cfg, const struct tracer_handler *h);

/* Reads tracee memory; returns bytes read (short at an unmapped page), or -1 if none could be read. */
long tracer_read(struct tracee *t, uint64_t addr, void *buf, size_t len);

/* CLOCK_MONOTONIC in nanoseconds, the timestamps handlers receive. */
uint64_t tracer_now(void);

#endif
