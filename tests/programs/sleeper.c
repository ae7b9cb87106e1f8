/*
 * Runs until killed: writes "reprise-sleeper\n" to stdout, then sleeps 100 ms, again
 * and again. A plain target for attaching to and detaching from.
 */
#define _GNU_SOURCE
#include <time.h>

#include "check.h"

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	const struct timespec tenth = { 0, 100 * 1000 * 1000 };
	for (;;) {
		WRITE_STR(1, "reprise-sleeper\n");
		CHECK(nanosleep(&tenth, NULL) == 0);
	}
}
