/* Writes "reprise-killed: sending SIGKILL to self\n" to stdout, then dies of SIGKILL. */
#define _GNU_SOURCE
#include <signal.h>

#include "check.h"

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	WRITE_STR(1, "reprise-killed: sending SIGKILL to self\n");
	CHECK(kill(getpid(), SIGKILL) == 0);
	fprintf(stderr, "killed: still alive after SIGKILL\n");
	return 1;
}
