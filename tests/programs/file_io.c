/*
 * File I/O family with fixed contents: data.txt holds "reprise-file-io\n" (16 bytes),
 * vec.txt holds "alpha-beta-gamma\n" written as three iovecs, created.txt is made by
 * creat() and truncated to 3 bytes. Also built statically (static_hello).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/uio.h>

#include "check.h"

#define DATA "reprise-file-io\n"

static void plain_and_positional_io(void)
{
	char buf[64];
	int fd = open("data.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	WRITE_STR(fd, DATA);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 16 && memcmp(buf, DATA, 16) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(lseek(fd, 7, SEEK_SET) == 7);
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "-file", 5) == 0);
	CHECK(pread(fd, buf, 4, 8) == 4 && memcmp(buf, "file", 4) == 0);
	CHECK(pwrite(fd, "IO", 2, 13) == 2);
	CHECK(pread(fd, buf, 16, 0) == 16 && memcmp(buf, "reprise-file-IO\n", 16) == 0);
	/* pread/pwrite leave the file offset where read() left it */
	CHECK(lseek(fd, 0, SEEK_CUR) == 12);
	CHECK(fsync(fd) == 0);
	CHECK(fdatasync(fd) == 0);
	CHECK(close(fd) == 0);
}

static void vectored_io(void)
{
	char a[6], b[5], c[6];
	struct iovec out[3] = { { "alpha-", 6 }, { "beta-", 5 }, { "gamma\n", 6 } };
	struct iovec in[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
	int fd = openat(AT_FDCWD, "vec.txt", O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	CHECK(writev(fd, out, 3) == 17);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(readv(fd, in, 3) == 17);
	CHECK(memcmp(a, "alpha-", 6) == 0 && memcmp(b, "beta-", 5) == 0 && memcmp(c, "gamma\n", 6) == 0);
	CHECK(preadv(fd, &in[1], 1, 6) == 5 && memcmp(b, "beta-", 5) == 0);
	struct iovec upper = { "ALPHA-", 6 };
	CHECK(pwritev(fd, &upper, 1, 0) == 6);
	CHECK(pread(fd, a, 6, 0) == 6 && memcmp(a, "ALPHA-", 6) == 0);
	CHECK(close(fd) == 0);
}

static void creat_and_truncate(void)
{
	int fd = creat("created.txt", 0600);
	CHECK(fd >= 0);
	WRITE_STR(fd, "creat\n");
	CHECK(ftruncate(fd, 3) == 0);
	CHECK(lseek(fd, 0, SEEK_END) == 3);
	CHECK(close(fd) == 0);
}

static void duplication_and_fcntl(void)
{
	int fd = open("data.txt", O_RDWR);
	CHECK(fd >= 0);
	int copy = dup(fd);
	CHECK(copy > fd);
	CHECK(dup2(fd, 10) == 10);
	CHECK(dup3(fd, 11, O_CLOEXEC) == 11);
	CHECK(fcntl(11, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(10, F_GETFD) == 0);
	int high = fcntl(fd, F_DUPFD, 20);
	CHECK(high == 20);
	int flags = fcntl(fd, F_GETFL);
	CHECK(flags >= 0 && (flags & O_ACCMODE) == O_RDWR);
	CHECK(fcntl(fd, F_SETFL, flags | O_APPEND) == 0);
	/* the duplicates share one open file description, so they see O_APPEND too */
	CHECK(fcntl(copy, F_GETFL) & O_APPEND);
	CHECK(write(10, "+", 1) == 1);
	CHECK(lseek(11, 0, SEEK_CUR) == 17);
	CHECK(close(copy) == 0 && close(10) == 0 && close(11) == 0 && close(high) == 0 && close(fd) == 0);
	CHECK(close(fd) == -1 && errno == EBADF);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	plain_and_positional_io();
	vectored_io();
	creat_and_truncate();
	duplication_and_fcntl();
	WRITE_STR(1, "reprise-file-io ok\n");
	return 0;
}
