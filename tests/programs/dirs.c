/*
 * Directory family: builds tree/ with sub/ and a.txt, lists it with readdir and a
 * raw getdents64, renames a.txt -> b.txt -> c.txt (renameat2 RENAME_NOREPLACE, then
 * an EEXIST one), makes link -> c.txt and hard, walks in and out with chdir/fchdir,
 * and removes everything again.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "check.h"

struct linux_dirent64_header {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Bit per expected name: ".", "..", "sub", "a.txt". */
static unsigned name_bit(const char *name)
{
	static const char *const expected[] = { ".", "..", "sub", "a.txt" };
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(name, expected[i]) == 0)
			return 1u << i;
	check_failed(__FILE__, __LINE__, name, 0);
	return 0;
}

static void list_with_readdir(void)
{
	DIR *d = opendir("tree");
	CHECK(d != NULL);
	unsigned seen = 0;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d)) != NULL)
		seen |= name_bit(e->d_name);
	CHECK(errno == 0);
	CHECK(seen == 0xf);
	CHECK(closedir(d) == 0);
}

static void list_with_getdents64(void)
{
	char buf[4096];
	int fd = open("tree", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	unsigned seen = 0, entries = 0;
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64_header *d = (struct linux_dirent64_header *)(buf + off);
			seen |= name_bit(d->d_name);
			if (strcmp(d->d_name, "sub") == 0)
				CHECK(d->d_type == DT_DIR);
			entries++;
			off += d->d_reclen;
		}
	}
	CHECK(n == 0);
	CHECK(seen == 0xf && entries == 4);
	CHECK(close(fd) == 0);
}

static void rename_and_links(void)
{
	char target[64];
	CHECK(rename("tree/a.txt", "tree/b.txt") == 0);
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "tree/b.txt", AT_FDCWD, "tree/c.txt", RENAME_NOREPLACE) == 0);
	int fd = creat("tree/other.txt", 0644);
	CHECK(fd >= 0 && close(fd) == 0);
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "tree/other.txt", AT_FDCWD, "tree/c.txt", RENAME_NOREPLACE) == -1);
	CHECK(errno == EEXIST);
	CHECK(unlink("tree/other.txt") == 0);
	CHECK(symlink("c.txt", "tree/link") == 0);
	CHECK(readlink("tree/link", target, sizeof(target)) == 5 && memcmp(target, "c.txt", 5) == 0);
	CHECK(link("tree/c.txt", "tree/hard") == 0);
	struct stat st;
	CHECK(stat("tree/hard", &st) == 0 && st.st_nlink == 2 && st.st_size == 15);
}

static void walk_in_and_out(void)
{
	char start[PATH_MAX], inside[PATH_MAX];
	CHECK(getcwd(start, sizeof(start)) != NULL);
	int start_fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(start_fd >= 0);
	CHECK(chdir("tree") == 0);
	CHECK(getcwd(inside, sizeof(inside)) != NULL);
	CHECK(strlen(inside) == strlen(start) + (strcmp(start, "/") == 0 ? 4 : 5));
	CHECK(strcmp(inside + strlen(inside) - 5, "/tree") == 0);
	CHECK(access("c.txt", F_OK) == 0);
	CHECK(fchdir(start_fd) == 0);
	CHECK(getcwd(inside, sizeof(inside)) != NULL && strcmp(inside, start) == 0);
	CHECK(close(start_fd) == 0);
}

static void remove_everything(void)
{
	int tree = open("tree", O_RDONLY | O_DIRECTORY);
	CHECK(tree >= 0);
	CHECK(unlink("tree/hard") == 0);
	CHECK(unlinkat(tree, "link", 0) == 0);
	CHECK(unlinkat(tree, "c.txt", 0) == 0);
	CHECK(unlinkat(AT_FDCWD, "tree/sub", AT_REMOVEDIR) == 0);
	CHECK(close(tree) == 0);
	CHECK(rmdir("tree") == 0);
	CHECK(rmdir("tree") == -1 && errno == ENOENT);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	CHECK(mkdir("tree", 0755) == 0);
	CHECK(mkdirat(AT_FDCWD, "tree/sub", 0750) == 0);
	int fd = open("tree/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	WRITE_STR(fd, "reprise-dirs-a\n");
	CHECK(close(fd) == 0);
	list_with_readdir();
	list_with_getdents64();
	rename_and_links();
	walk_in_and_out();
	remove_everything();
	return 0;
}
