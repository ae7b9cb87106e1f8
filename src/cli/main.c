/* reprise: the command dispatcher. */
#include <stdio.h>
#include <string.h>

#include "emulate/emulate.h"
#include "record/record.h"
#include "replay/replay.h"
#include "show/show.h"
#include "stats/stats.h"
#include "util/util.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "record", cmd_record, "record a program's system calls and their data into a trace" },
	{ "show", cmd_show, "print a trace in strace's syntax" },
	{ "stats", cmd_stats, "summarize a trace: strace -c table, latencies, bytes per file, processes" },
	{ "replay", cmd_replay, "issue a trace's file calls again under a sandbox root, verified and timed" },
	{ "emulate", cmd_emulate, "run programs as hosts of a SimGrid-simulated platform: simulated time and network" },
};

static void print_usage(FILE *out)
{
	fprintf(out, "usage: reprise COMMAND [OPTIONS] ...\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'reprise COMMAND --help' describes a command; 'man reprise' has the whole manual.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		print_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("reprise %s\n", REPRISE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	rp_error("unknown command '%s' (try 'reprise --help')", argv[1]);
	return 2;
}
