/*
 * A non-leader thread calls execve while the leader waits in pause(): the kernel ends the leader,
 * the exec'ing thread takes over the leader's tid, and /bin/echo prints "reprise-thread-exec".
 */
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static char *program_name;

/*
 * Whether the leader sleeps: after pthread_create it makes no call but pause(), so it is then
 * in pause. Read as one byte at the state's offset in its stat line ("PID (COMM) STATE ..."),
 * so that the trace shows the same bytes every run (the strace oracle compares them).
 */
static int leader_sleeps(void)
{
	char path[64];
	int pid = (int)getpid();
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", pid);
	off_t state_at = snprintf(NULL, 0, "%d", pid) + 2 + (off_t)strnlen(program_name, 15) + 2;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	char state;
	CHECK(pread(fd, &state, 1, state_at) == 1);
	CHECK(close(fd) == 0);
	return state == 'S';
}

/* Waits for the leader to be in pause first: exec'ing before it got there would test nothing. */
static void *exec_from_thread(void *arg)
{
	(void)arg;
	const struct timespec first = { 0, 20000000 }, then = { 0, 1000000 };
	CHECK(nanosleep(&first, NULL) == 0);
	while (!leader_sleeps())
		CHECK(nanosleep(&then, NULL) == 0);
	char *argv[] = { "/bin/echo", "reprise-thread-exec", NULL };
	execv(argv[0], argv);
	CHECK(!"execv returned");
	return NULL;
}

int main(int argc, char **argv)
{
	program_name = basename(argv[0]);
	enter_work_dir(argc, argv);
	pthread_t thread;
	CHECK(pthread_create(&thread, NULL, exec_from_thread, NULL) == 0);
	pause();
	return 1;
}
