/*
 * Computes for argv[1] seconds of CPU time (default 0.3), then prints that request, the CPU
 * time it used and the time that passed by the clock it sees: under `reprise emulate --cpu=...` the
 * latter is simulated, the computation's duration on its host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* About a millisecond of arithmetic between two looks at the CPU clock. */
#define CHUNK 200000

static double seconds(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) < 0) {
		perror("spin: clock_gettime");
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double want = argc > 1 ? strtod(argv[1], NULL) : 0.3;
	double start = seconds(CLOCK_MONOTONIC), cpu_start = seconds(CLOCK_PROCESS_CPUTIME_ID);
	volatile double x = 1.0;
	double cpu;
	do {
		for (int i = 0; i < CHUNK; i++)
			x = x * 0.9999999 + 1e-7;
		cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
	} while (cpu < want);
	double elapsed = seconds(CLOCK_MONOTONIC) - start;
	printf("spin %.3f: cpu %.6f s, elapsed %.6f s\n", want, cpu, elapsed);
	return 0;
}
