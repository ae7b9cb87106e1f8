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

/*
 * A session: several commands started side by side, each of whose threads is waited on
 * by tid, so that a caller (emulate) decides which tracee advances next. tracer_run is
 * the same engine driven by one loop over every tracee.
 */
struct tracer;

/* A session without a command yet; every call of its tracees stops. */
struct tracer *tracer_open(const struct tracer_handler *h);

/*
 * Starts a command (searched in PATH as execvp does) with envp (NULL: reprise's own
 * environment) in directory cwd (NULL: reprise's own). Returns its pid, or -1 after
 * printing a one-line error.
 */
pid_t tracer_start(struct tracer *tr, char *const argv[], char *const envp[], const char *cwd);

/*
 * Waits for the next stop or death of thread tid and reports it to the handler. Returns 1
 * when something was reported, 0 when nohang is set and tid is still running (or tid is
 * unknown), -1 after printing a one-line error.
 */
int tracer_step(struct tracer *tr, pid_t tid, int nohang);

/* The tracee with this tid, or NULL. */
struct tracee *tracer_find(struct tracer *tr, pid_t tid);

/* Kills every remaining tracee, waits for them, and frees the session. */
void tracer_close(struct tracer *tr);

/* Finds a program as execvp would: 0 with its path in out, or -1 with errno set. */
int tracer_find_program(const char *name, char *out, size_t outlen);

/*
 * Controls for handlers that answer calls themselves. Called from a handler callback,
 * tracer_hold leaves the reported tracee stopped when the callback returns; it runs again
 * at tracer_release, which may come much later (a thread parked in simulated time).
 */
void tracer_hold(struct tracee *t);
void tracer_release(struct tracer *tr, struct tracee *t);

/*
 * At a syscall-entry stop: the kernel does not run the call, and the program sees result
 * (a value or -errno) as its return. Calling it again before release changes the result.
 * Returns 0, or -1 with errno set.
 */
int tracer_skip(struct tracee *t, int64_t result);

/*
 * At a syscall-entry stop: the kernel runs call nr with args instead; the program's own
 * argument registers are put back at the exit stop. 0, or -1 with errno set.
 */
int tracer_rewrite(struct tracee *t, uint32_t nr, const uint64_t args[6]);

/* At a syscall-exit stop: replaces the value the call returns. 0, or -1 with errno set. */
int tracer_set_return(struct tracee *t, int64_t result);

/* Writes tracee memory; returns bytes written, or -1 if none could be written. */
long tracer_write(struct tracee *t, uint64_t addr, const void *buf, size_t len);

/*
 * At an exec stop: removes the vDSO's entry (AT_SYSINFO_EHDR) from the new program's
 * auxiliary vector, so its C library makes real system calls for the time, which the
 * handler then sees. 0, or -1 with errno set.
 */
int tracer_hide_vdso(struct tracee *t);

#endif
