#include "stats/stats.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/report.h"
#include "stats/summary.h"
#include "util/util.h"

struct stats_options {
	int json;
	const char *trace_expr;
	int32_t pids[STATS_MAX_PIDS];
	size_t npids;
	const char *path;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: reprise stats [--json] [-p PID]... [-e trace=SET] TRACE\n"
		     "\n"
		     "Summarizes a trace: the strace -c table, latency percentiles per system call,\n"
		     "bytes read and written per file and per descriptor type, and one line per process.\n"
		     "\n"
		     "  --json        print everything as one JSON object\n"
		     "  -p PID        count only this process (repeatable)\n"
		     "  -e trace=SET  count only these calls (names and %%classes, as strace)\n");
}

static int summarize(const struct stats_options *o)
{
	char err[512];
	struct rpr_reader *r = rpr_reader_open(o->path, 0, err, sizeof(err));
	if (!r) {
		rp_error("%s: %s", o->path, err);
		return 1;
	}
	const struct rpr_header *hdr = rpr_reader_header(r);
	const struct arch *a = arch_by_name(hdr->arch);
	if (!a) {
		rp_error("%s: recorded on architecture %s, which this build cannot decode", o->path, hdr->arch);
		rpr_reader_close(r);
		return 1;
	}
	struct stats_summary *s = rp_malloc(sizeof(*s));
	stats_summary_init(s, hdr, a);
	int status = 0;
	if (o->trace_expr && sys_set_parse(&s->selected, a, o->trace_expr, err, sizeof(err)) < 0) {
		rp_error("%s", err);
		status = 2;
	}
	memcpy(s->pids, o->pids, sizeof(s->pids));
	s->npids = o->npids;
	const struct rpr_event *ev;
	int got = 0;
	while (!status && (got = rpr_reader_next(r, &ev)) > 0)
		stats_summary_add(s, ev);
	if (!status && got < 0) {
		rp_error("%s: %s", o->path, rpr_reader_error(r));
		status = 1;
	}
	if (!status) {
		struct rpr_reader_info info;
		rpr_reader_get_info(r, &info);
		if (!info.complete)
			rp_warn_incomplete_trace(o->path, info.lost_bytes, info.valid_end);
		struct report_source src = { .trace_path = o->path, .complete = info.complete };
		if (o->json)
			stats_print_json(stdout, s, &src);
		else
			stats_print_text(stdout, s);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			if (errno != EPIPE)
				rp_error("standard output: %s", strerror(errno));
			status = 1;
		}
	}
	stats_summary_free(s);
	free(s);
	rpr_reader_close(r);
	return status;
}

int cmd_stats(int argc, char **argv)
{
	enum { OPT_JSON = 256 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stats_options o = { 0 };
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:e:h", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_JSON:
			o.json = 1;
			break;
		case 'p':
			if (o.npids == STATS_MAX_PIDS) {
				rp_error("-p: at most %d processes", STATS_MAX_PIDS);
				return 2;
			}
			if (parse_pid(optarg, &o.pids[o.npids]) < 0) {
				rp_error("-p %s: not a process id", optarg);
				return 2;
			}
			o.npids++;
			break;
		case 'e':
			o.trace_expr = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		rp_error("stats: expected one TRACE file (see reprise stats --help)");
		return 2;
	}
	o.path = argv[optind];
	signal(SIGPIPE, SIG_IGN);
	return summarize(&o);
}
