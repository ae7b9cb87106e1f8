#include "tracer/tasks.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/util.h"

#define TOMBSTONE ((struct task *)(uintptr_t)1)

static size_t slot_of(size_t cap, pid_t tid)
{
	return ((uint32_t)tid * 2654435761u) & (cap - 1);
}

void tasks_init(struct task_table *tt)
{
	tt->cap = 64;
	tt->count = tt->used = 0;
	tt->slots = rp_calloc(tt->cap, sizeof(*tt->slots));
}

void tasks_free(struct task_table *tt)
{
	for (size_t i = 0; i < tt->cap; i++)
		if (tt->slots[i] && tt->slots[i] != TOMBSTONE) {
			if (tt->slots[i]->mem_fd >= 0)
				close(tt->slots[i]->mem_fd);
			free(tt->slots[i]);
		}
	free(tt->slots);
	tt->slots = NULL;
}

static void insert(struct task_table *tt, struct task *task)
{
	size_t i = slot_of(tt->cap, task->t.tid);
	while (tt->slots[i] && tt->slots[i] != TOMBSTONE)
		i = (i + 1) & (tt->cap - 1);
	if (!tt->slots[i])
		tt->used++;
	tt->slots[i] = task;
	tt->count++;
}

static void rehash(struct task_table *tt, size_t cap)
{
	struct task **old = tt->slots;
	size_t old_cap = tt->cap;
	tt->slots = rp_calloc(cap, sizeof(*tt->slots));
	tt->cap = cap;
	tt->count = tt->used = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i] && old[i] != TOMBSTONE)
			insert(tt, old[i]);
	free(old);
}

struct task *tasks_find(struct task_table *tt, pid_t tid)
{
	size_t i = slot_of(tt->cap, tid);
	while (tt->slots[i]) {
		if (tt->slots[i] != TOMBSTONE && tt->slots[i]->t.tid == tid)
			return tt->slots[i];
		i = (i + 1) & (tt->cap - 1);
	}
	return NULL;
}

struct task *tasks_add(struct task_table *tt, pid_t tid, pid_t pid)
{
	if ((tt->used + 1) * 4 >= tt->cap * 3)
		rehash(tt, tt->count * 4 >= tt->cap ? tt->cap * 2 : tt->cap);
	struct task *task = rp_calloc(1, sizeof(*task));
	task->t.tid = tid;
	task->t.pid = pid;
	task->mem_fd = -1;
	insert(tt, task);
	return task;
}

static void unlink_task(struct task_table *tt, struct task *task)
{
	size_t i = slot_of(tt->cap, task->t.tid);
	while (tt->slots[i] != task)
		i = (i + 1) & (tt->cap - 1);
	tt->slots[i] = TOMBSTONE;
	tt->count--;
}

void tasks_remove(struct task_table *tt, struct task *task)
{
	unlink_task(tt, task);
	if (task->mem_fd >= 0)
		close(task->mem_fd);
	free(task);
}

void tasks_retid(struct task_table *tt, struct task *task, pid_t tid)
{
	unlink_task(tt, task);
	task->t.tid = tid;
	insert(tt, task);
}

void tasks_each(struct task_table *tt, void (*fn)(struct task *task, void *arg), void *arg)
{
	for (size_t i = 0; i < tt->cap; i++)
		if (tt->slots[i] && tt->slots[i] != TOMBSTONE)
			fn(tt->slots[i], arg);
}

struct task *task_of(struct tracee *t)
{
	return (struct task *)((char *)t - offsetof(struct task, t));
}
