/*
 * Stat family on stat.txt ("reprise-stat\n", 13 bytes, mode 0640, mtime set to
 * 1234567890.000000500) and its symlink stat.link, plus an ENOENT stat of
 * "reprise-missing-file". stat/lstat/fstat go through syscall() because glibc
 * implements them with newfstatat, and the point is to see each call.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "check.h"

static void check_regular(const struct stat *st)
{
	CHECK(S_ISREG(st->st_mode));
	CHECK((st->st_mode & 07777) == 0640);
	CHECK(st->st_size == 13);
	CHECK(st->st_nlink == 1);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	unlink("stat.link");
	int fd = open("stat.txt", O_CREAT | O_TRUNC | O_RDWR, 0600);
	CHECK(fd >= 0);
	WRITE_STR(fd, "reprise-stat\n");
	CHECK(fchmod(fd, 0640) == 0);
	CHECK(symlink("stat.txt", "stat.link") == 0);

	struct stat st;
	CHECK(syscall(SYS_stat, "stat.txt", &st) == 0);
	check_regular(&st);
	CHECK(syscall(SYS_lstat, "stat.link", &st) == 0);
	CHECK(S_ISLNK(st.st_mode) && st.st_size == 8);
	CHECK(syscall(SYS_stat, "stat.link", &st) == 0);
	check_regular(&st);
	CHECK(syscall(SYS_fstat, fd, &st) == 0);
	check_regular(&st);
	CHECK(fstatat(AT_FDCWD, "stat.txt", &st, 0) == 0);
	check_regular(&st);
	CHECK(fstatat(AT_FDCWD, "stat.link", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));

	struct statx stx;
	CHECK(statx(AT_FDCWD, "stat.txt", 0, STATX_BASIC_STATS, &stx) == 0);
	CHECK(stx.stx_size == 13 && (stx.stx_mode & 07777) == 0640 && S_ISREG(stx.stx_mode));

	CHECK(access("stat.txt", R_OK | W_OK) == 0);
	CHECK(faccessat(AT_FDCWD, "stat.txt", R_OK, 0) == 0);
	CHECK(access("reprise-missing-file", F_OK) == -1 && errno == ENOENT);

	struct statfs by_path, by_fd;
	CHECK(statfs(".", &by_path) == 0);
	CHECK(fstatfs(fd, &by_fd) == 0);
	CHECK(by_path.f_type == by_fd.f_type && by_path.f_bsize > 0);

	CHECK(chmod("stat.txt", 0600) == 0);
	CHECK(syscall(SYS_stat, "stat.txt", &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(fchmod(fd, 0640) == 0);

	const struct timespec times[2] = { { 1000000000, 0 }, { 1234567890, 500 } };
	CHECK(utimensat(AT_FDCWD, "stat.txt", times, 0) == 0);
	CHECK(syscall(SYS_fstat, fd, &st) == 0);
	CHECK(st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1234567890 && st.st_mtim.tv_nsec == 500);

	CHECK(syscall(SYS_stat, "reprise-missing-file", &st) == -1 && errno == ENOENT);
	CHECK(close(fd) == 0);
	return 0;
}
