/*
 * Reading and writing tracee memory: process_vm_readv/writev in one call where it works; /proc/TID/mem
 * where it does not (e.g. a kernel without CONFIG_CROSS_MEMORY_ATTACH, or pages the
 * call refuses but ptrace access allows).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracer/tasks.h"

static long read_proc_mem(struct task *task, uint64_t addr, void *buf, size_t len)
{
	if (task->mem_fd < 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)task->t.tid);
		task->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (task->mem_fd < 0)
			return -1;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(task->mem_fd, (char *)buf + done, len - done, (off_t)(addr + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done ? (long)done : -1;
}

long tracer_read(struct tracee *t, uint64_t addr, void *buf, size_t len)
{
	struct task *task = (struct task *)((char *)t - offsetof(struct task, t));
	if (len == 0)
		return 0;
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(t->tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return n;
	if (n > 0) {
		/* Short: the range ran into a page process_vm_readv would not read; try the rest the other way. */
		long more = read_proc_mem(task, addr + (uint64_t)n, (char *)buf + n, len - (size_t)n);
		return more > 0 ? n + more : n;
	}
	return read_proc_mem(task, addr, buf, len);
}

static long write_proc_mem(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)tid);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(addr + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	return done ? (long)done : -1;
}

long tracer_write(struct tracee *t, uint64_t addr, const void *buf, size_t len)
{
	if (len == 0)
		return 0;
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_writev(t->tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return n;
	/* /proc/PID/mem also writes pages the program itself may not (read-only mappings). */
	if (n > 0) {
		long more = write_proc_mem(t->tid, addr + (uint64_t)n, (const char *)buf + n, len - (size_t)n);
		return more > 0 ? n + more : n;
	}
	return write_proc_mem(t->tid, addr, buf, len);
}
