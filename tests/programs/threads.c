/*
 * Thread family: 4 pthreads, thread i writes "reprise-thread-i\n" to thread-i.txt
 * and reports its gettid(); main joins them (futex waits) and checks the tids are
 * distinct, differ from the process id, and the files hold the strings.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>

#include "check.h"

#define THREADS 4

struct worker {
	pthread_t thread;
	int index;
	pid_t tid;
};

static void expected_line(int index, char *buf, size_t len)
{
	CHECK(snprintf(buf, len, "reprise-thread-%d\n", index) == 17);
}

static void file_name(int index, char *buf, size_t len)
{
	CHECK(snprintf(buf, len, "thread-%d.txt", index) > 0);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	char name[32], line[32];
	w->tid = gettid();
	file_name(w->index, name, sizeof(name));
	expected_line(w->index, line, sizeof(line));
	int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0);
	WRITE_STR(fd, line);
	CHECK(close(fd) == 0);
	return NULL;
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	struct worker workers[THREADS];
	for (int i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){ .index = i };
		CHECK(pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0);
	}
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_join(workers[i].thread, NULL) == 0);
	for (int i = 0; i < THREADS; i++) {
		CHECK(workers[i].tid > 0 && workers[i].tid != getpid());
		for (int j = 0; j < i; j++)
			CHECK(workers[i].tid != workers[j].tid);
		char name[32], line[32], got[32];
		file_name(i, name, sizeof(name));
		expected_line(i, line, sizeof(line));
		int fd = open(name, O_RDONLY);
		CHECK(fd >= 0);
		CHECK(read(fd, got, sizeof(got)) == 17 && memcmp(got, line, 17) == 0);
		CHECK(close(fd) == 0);
	}
	CHECK(gettid() == getpid());
	return 0;
}
