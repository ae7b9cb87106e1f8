/*
 * Shared by the test programs: each one is also a self-check, so any unexpected
 * result ends it with one line naming the failed condition and a non-zero status.
 */
#ifndef REPRISE_TEST_PROGRAM_CHECK_H
#define REPRISE_TEST_PROGRAM_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void check_failed(const char *file, int line, const char *what, int saved_errno)
{
	fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n", file, line, what, saved_errno,
		strerror(saved_errno));
	exit(1);
}

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond))                                              \
			check_failed(__FILE__, __LINE__, #cond, errno);   \
	} while (0)

/* Every program creates its files in argv[1] when given, else in the current directory. */
static inline void enter_work_dir(int argc, char **argv)
{
	if (argc > 1)
		CHECK(chdir(argv[1]) == 0);
}

/*
 * Blocks SIGCHLD. A child's exit notification would otherwise land wherever the scheduler puts
 * it; blocked, every run makes the same calls in the same order (the strace oracle compares them),
 * and wait4 works all the same.
 */
static inline void block_sigchld(void)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	CHECK(sigprocmask(SIG_BLOCK, &chld, NULL) == 0);
}

/*
 * Whether thread `tid` of this process sleeps (state S): a thread that makes one blocking call
 * and nothing else is then in that call. Read as the one byte at the state's offset in its stat
 * line ("TID (COMM) STATE ..."; COMM is the program's name, at most 15 bytes), so that a trace
 * shows the same bytes every run (the strace oracle compares them).
 */
static inline int thread_sleeps(int tid, const char *program_name)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	off_t state_at = snprintf(NULL, 0, "%d", tid) + 2 + (off_t)strnlen(program_name, 15) + 2;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	char state;
	CHECK(pread(fd, &state, 1, state_at) == 1);
	CHECK(close(fd) == 0);
	return state == 'S';
}

/* Writes a whole constant string, so a short write counts as a failure. */
#define WRITE_STR(fd, s) CHECK(write((fd), (s), strlen(s)) == (ssize_t)strlen(s))

#endif
