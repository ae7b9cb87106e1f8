/*
 * The expectation for the client/server example, from SimGrid alone: the time to move
 * argv[4] bytes from host argv[2] to argv[3] and one byte back on platform argv[1].
 */
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>

static char **args;

static void measure(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sg_host_t from = sg_host_by_name(args[2]), to = sg_host_by_name(args[3]);
	double start = simgrid_get_clock();
	sg_host_sendto(from, to, atof(args[4]));
	sg_host_sendto(to, from, 1);
	printf("%.9f\n", simgrid_get_clock() - start);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: route_time PLATFORM FROM TO BYTES\n");
		return 2;
	}
	args = argv;
	simgrid_init(&argc, argv);
	simgrid_load_platform(argv[1]);
	sg_actor_create("measure", sg_host_by_name(argv[2]), measure, 0, NULL);
	simgrid_run();
	return 0;
}
