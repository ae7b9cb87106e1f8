/*
 * A non-leader thread calls execve while the leader waits in pause(): the kernel ends the leader,
 * the exec'ing thread takes over the leader's tid, and /bin/echo prints "reprise-thread-exec".
 */
#include <pthread.h>
#include <unistd.h>

#include "check.h"

static void *exec_from_thread(void *arg)
{
	(void)arg;
	char *argv[] = { "/bin/echo", "reprise-thread-exec", NULL };
	execv(argv[0], argv);
	CHECK(!"execv returned");
	return NULL;
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	pthread_t thread;
	CHECK(pthread_create(&thread, NULL, exec_from_thread, NULL) == 0);
	pause();
	return 1;
}
