/*
 * Pipe family: the child writes "reprise-pipe\n" into a pipe and the parent reads
 * it; pipe2 with O_CLOEXEC and O_NONBLOCK (an empty read is EAGAIN); tee copies
 * "reprise-tee\n" to a second pipe and splice moves it into splice.txt.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/wait.h>

#include "check.h"

static void across_fork(void)
{
	int p[2];
	char buf[32];
	CHECK(pipe(p) == 0);
	pid_t child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		close(p[0]);
		WRITE_STR(p[1], "reprise-pipe\n");
		_exit(0);
	}
	CHECK(close(p[1]) == 0);
	CHECK(read(p[0], buf, sizeof(buf)) == 13 && memcmp(buf, "reprise-pipe\n", 13) == 0);
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(close(p[0]) == 0);
}

static void pipe2_flags(void)
{
	int p[2];
	char c;
	CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
	CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
	CHECK(read(p[0], &c, 1) == -1 && errno == EAGAIN);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

static void tee_and_splice(void)
{
	int a[2], b[2];
	char buf[32];
	CHECK(pipe(a) == 0 && pipe(b) == 0);
	WRITE_STR(a[1], "reprise-tee\n");
	CHECK(tee(a[0], b[1], 64, 0) == 12);
	int fd = open("splice.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(splice(a[0], NULL, fd, NULL, 64, 0) == 12);
	CHECK(read(b[0], buf, sizeof(buf)) == 12 && memcmp(buf, "reprise-tee\n", 12) == 0);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 12 && memcmp(buf, "reprise-tee\n", 12) == 0);
	CHECK(close(fd) == 0);
	for (int i = 0; i < 2; i++)
		CHECK(close(a[i]) == 0 && close(b[i]) == 0);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	block_sigchld();
	across_fork();
	pipe2_flags();
	tee_and_splice();
	return 0;
}
