/*
 * Thread hand-off family: a second thread blocks reading a pipe until the main
 * thread, once the reader sleeps in that read, writes "reprise-handoff\n" into it;
 * the thread writes what it read to handoff.txt. The read is in flight while the
 * write is issued, so a replay issuing calls one at a time would wait for ever.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "check.h"

static int pipe_fds[2];
static atomic_int reader_tid;

static void *reader(void *arg)
{
	(void)arg;
	atomic_store(&reader_tid, (int)gettid());
	char buf[32];
	ssize_t n = read(pipe_fds[0], buf, sizeof(buf));
	CHECK(n == 16 && memcmp(buf, "reprise-handoff\n", 16) == 0);
	int fd = open("handoff.txt", O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, buf, (size_t)n) == n);
	CHECK(close(fd) == 0);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *program_name = basename(argv[0]);
	enter_work_dir(argc, argv);
	CHECK(pipe(pipe_fds) == 0);
	pthread_t thread;
	CHECK(pthread_create(&thread, NULL, reader, NULL) == 0);
	struct timespec wait = { .tv_sec = 0, .tv_nsec = 50 * 1000 * 1000 };
	CHECK(nanosleep(&wait, NULL) == 0);
	/* once its tid is known the reader makes no call but the read */
	while (!atomic_load(&reader_tid) || !thread_sleeps(atomic_load(&reader_tid), program_name))
		CHECK(nanosleep(&wait, NULL) == 0);
	WRITE_STR(pipe_fds[1], "reprise-handoff\n");
	CHECK(pthread_join(thread, NULL) == 0);
	CHECK(close(pipe_fds[0]) == 0 && close(pipe_fds[1]) == 0);
	return 0;
}
