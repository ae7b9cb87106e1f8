/* Sleeps the number of seconds in argv[1] and prints how long that took by the clock it sees. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned secs = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;
	struct timespec a, b;
	if (clock_gettime(CLOCK_MONOTONIC, &a) < 0)
		return 1;
	time_t wall = time(NULL);
	if (sleep(secs) != 0)
		return 1;
	if (clock_gettime(CLOCK_MONOTONIC, &b) < 0)
		return 1;
	double elapsed = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("slept %.6f s from %lld to %lld\n", elapsed, (long long)wall, (long long)time(NULL));
	return 0;
}
