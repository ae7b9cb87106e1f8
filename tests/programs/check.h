/*
 * Shared by the test programs: each one is also a self-check, so any unexpected
 * result ends it with one line naming the failed condition and a non-zero status.
 */
#ifndef REPRISE_TEST_PROGRAM_CHECK_H
#define REPRISE_TEST_PROGRAM_CHECK_H

#include <errno.h>
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

/* Writes a whole constant string, so a short write counts as a failure. */
#define WRITE_STR(fd, s) CHECK(write((fd), (s), strlen(s)) == (ssize_t)strlen(s))

#endif
