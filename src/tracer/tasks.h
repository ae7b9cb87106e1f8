/* The engine's table of traced threads, by tid. */
#ifndef REPRISE_TRACER_TASKS_H
#define REPRISE_TRACER_TASKS_H

#include "tracer/tracer.h"

struct task {
	struct tracee t;          /* what handlers see */
	int hidden;               /* the started child before its first execve: not reported */
	int announced;            /* task_new was reported */
	int initial_stop_pending; /* a new tracee's first ptrace stop has not been seen yet */
	int held;                 /* stopped, waiting for its parent's clone event before it may run */
	int detaching;            /* interrupted so that it can be detached */
	int mem_fd;               /* /proc/TID/mem for the fallback reader, -1 until needed */
	int hold;                 /* the handler keeps it stopped until tracer_release */
	int held_signal;          /* the signal to deliver when it is released */
	int skipped;              /* the call in progress was cancelled at its entry */
	int64_t skip_result;      /* what the cancelled call returns */
	int rewritten;            /* the call in progress runs with other arguments; restore at exit */
};

struct task_table {
	struct task **slots;      /* open addressing on tid; NULL = empty, TOMBSTONE = deleted */
	size_t cap, count, used;
};

void tasks_init(struct task_table *tt);
void tasks_free(struct task_table *tt);
struct task *tasks_find(struct task_table *tt, pid_t tid);
/* Adds a zeroed task for tid (which must not be present). */
struct task *tasks_add(struct task_table *tt, pid_t tid, pid_t pid);
/* Removes and frees the task. */
void tasks_remove(struct task_table *tt, struct task *task);
/* Changes a task's tid (a non-leader thread that exec'd takes over the leader's tid). */
void tasks_retid(struct task_table *tt, struct task *task, pid_t tid);
/* Calls fn for every task; fn must not add or remove tasks. */
/* The task around a tracee that handlers were given. */
struct task *task_of(struct tracee *t);

void tasks_each(struct task_table *tt, void (*fn)(struct task *task, void *arg), void *arg);

#endif
