/*
 * A non-leader thread calls execve while the leader waits in pause(): the kernel ends the leader,
 * the exec'ing thread takes over the leader's tid, and /bin/echo prints "reprise-thread-exec".
 */
#include <libgen.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static char *program_name;

/* Waits for the leader to be in pause first: exec'ing before it got there would test nothing. */
static void *exec_from_thread(void *arg)
{
	(void)arg;
	const struct timespec first = { 0, 20000000 }, then = { 0, 1000000 };
	CHECK(nanosleep(&first, NULL) == 0);
	/* after pthread_create the leader makes no call but pause() */
	while (!thread_sleeps((int)getpid(), program_name))
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
