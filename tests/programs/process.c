/*
 * Process family: fork + wait4 of a child exiting 3; vfork + execve("/bin/true");
 * posix_spawn("/bin/true"); fork + execve of this program with the extra argument
 * "exec-child", which makes it print "reprise-exec-child\n" and exit 5.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check.h"

extern char **environ;

static int exit_status_of(pid_t child)
{
	int status;
	struct rusage usage;
	CHECK(wait4(child, &status, 0, &usage) == child);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[2], "exec-child") == 0) {
		WRITE_STR(1, "reprise-exec-child\n");
		return 5;
	}
	enter_work_dir(argc, argv);
	block_sigchld();

	pid_t child = fork();
	CHECK(child >= 0);
	if (child == 0)
		_exit(3);
	CHECK(exit_status_of(child) == 3);

	char *true_argv[] = { "/bin/true", NULL };
	child = vfork();
	CHECK(child >= 0);
	if (child == 0) {
		execve("/bin/true", true_argv, environ);
		_exit(127);
	}
	CHECK(exit_status_of(child) == 0);

	CHECK(posix_spawn(&child, "/bin/true", NULL, NULL, true_argv, environ) == 0);
	CHECK(exit_status_of(child) == 0);

	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		char *self_argv[] = { argv[0], argc > 1 ? argv[1] : ".", "exec-child", NULL };
		execve("/proc/self/exe", self_argv, environ);
		_exit(127);
	}
	CHECK(exit_status_of(child) == 5);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return 0;
}
