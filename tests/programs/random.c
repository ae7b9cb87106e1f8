/* getrandom of 16 bytes, blocking and GRND_NONBLOCK; the bytes must not all be zero. */
#define _GNU_SOURCE
#include <sys/random.h>

#include "check.h"

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	unsigned char a[16] = { 0 }, b[16] = { 0 };
	CHECK(getrandom(a, sizeof(a), 0) == 16);
	CHECK(getrandom(b, sizeof(b), GRND_NONBLOCK) == 16);
	CHECK(!all_zero(a, sizeof(a)) && !all_zero(b, sizeof(b)));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	return 0;
}
