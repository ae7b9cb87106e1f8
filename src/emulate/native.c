/*
 * Readiness of a program's descriptors that reprise does not mediate (pipes, files,
 * terminals, the kernel part of an epoll set), asked of the kernel from reprise's side so
 * the program need not run a call for it.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "emulate/calls.h"

short native_poll(pid_t pid, int fd, short events)
{
	int pidfd = pidfd_open(pid, 0);
	if (pidfd < 0)
		return POLLNVAL;
	int copy = pidfd_getfd(pidfd, fd, 0);
	close(pidfd);
	if (copy < 0)
		return POLLNVAL;
	struct pollfd p = { .fd = copy, .events = events };
	int rc = poll(&p, 1, 0);
	close(copy);
	return rc < 0 ? POLLERR : p.revents;
}

int native_epoll_kind(pid_t pid, int fd)
{
	char path[64], target[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	return strcmp(target, "anon_inode:[eventpoll]") == 0;
}

int native_epoll_watches(pid_t pid, int epfd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, epfd);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[256];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, "tfd:", 4) == 0;
	fclose(f);
	return found;
}
