/*
 * Memory family: a 2-page anonymous mapping filled with 'A'/'B' pages, the first
 * made read-only with mprotect, the second zeroed by madvise(MADV_DONTNEED), grown
 * to 4 pages with mremap; and a shared mapping of map.txt (one page) into which
 * "reprise-mmap\n" is written and msync'd, then read back with pread.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>

#include "check.h"

static void anonymous(size_t page)
{
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 'A', page);
	memset(p + page, 'B', page);
	CHECK(mprotect(p, page, PROT_READ) == 0);
	CHECK(p[0] == 'A' && p[page - 1] == 'A');
	CHECK(madvise(p + page, page, MADV_DONTNEED) == 0);
	CHECK(p[page] == 0 && p[2 * page - 1] == 0);
	CHECK(mprotect(p, page, PROT_READ | PROT_WRITE) == 0);
	p[page] = 'C';
	char *grown = mremap(p, 2 * page, 4 * page, MREMAP_MAYMOVE);
	CHECK(grown != MAP_FAILED);
	CHECK(grown[0] == 'A' && grown[page] == 'C');
	grown[4 * page - 1] = 'D';
	CHECK(munmap(grown, 4 * page) == 0);
}

static void file_backed(size_t page)
{
	int fd = open("map.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, (off_t)page) == 0);
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	memcpy(p, "reprise-mmap\n", 13);
	CHECK(msync(p, page, MS_SYNC) == 0);
	CHECK(munmap(p, page) == 0);
	char buf[13];
	CHECK(pread(fd, buf, sizeof(buf), 0) == 13 && memcmp(buf, "reprise-mmap\n", 13) == 0);
	CHECK(close(fd) == 0);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	long page = sysconf(_SC_PAGESIZE);
	CHECK(page > 0);
	anonymous((size_t)page);
	file_backed((size_t)page);
	return 0;
}
