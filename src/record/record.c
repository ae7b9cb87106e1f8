/* `reprise record`: options, the trace header, and the engine run with the recorder as its handler. */
#include "record/record.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "arch/arch.h"
#include "record/recorder.h"
#include "sys/select.h"
#include "tracer/tracer.h"
#include "util/util.h"

static const char usage[] =
	"usage: reprise record [-o FILE] [-e trace=SET] [-s BYTES | --no-data] [-v] -- CMD [ARGS...]\n"
	"       reprise record [-o FILE] [-e trace=SET] [-s BYTES | --no-data] [-v] -p PID [-p PID...]\n"
	"\n"
	"Records every system call of CMD (or of the running processes PID), with all their\n"
	"threads and children, and the memory each call read or wrote, into a trace.\n"
	"\n"
	"  -o FILE         trace file to write (default: reprise.rpr); created with mode 0600\n"
	"  -p PID          attach to a running process and all its threads (repeatable);\n"
	"                  SIGINT or SIGTERM detaches and leaves it running\n"
	"  -e trace=SET    record only these calls: names and classes (%file %desc %network\n"
	"                  %process %memory %signal %ipc %creds %clock ...), '!' negates;\n"
	"                  other calls then run without stopping (seccomp-bpf)\n"
	"  -s BYTES        keep at most BYTES of each data buffer (default: all, up to 64M); 64k, 1M...\n"
	"  --no-data       keep no data buffers (paths, strings and structs are still kept)\n"
	"  --no-seccomp    stop at every call even with -e (filtering in reprise instead)\n"
	"  -v              print a summary of what was recorded when done\n"
	"  -h, --help      this help\n"
	"\n"
	"reprise exits with the command's exit status (128+N if a signal N killed it).\n";

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-data", no_argument, NULL, 'N' },
		{ "no-seccomp", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "reprise.rpr";
	const char *expr = NULL;
	pid_t *pids = NULL;
	size_t npids = 0;
	struct capture_limits lim = { 0 };
	int verbose = 0, no_seccomp = 0;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:p:e:s:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': path = optarg; break;
		case 'p':
			pids = rp_realloc(pids, (npids + 1) * sizeof(*pids));
			if (parse_pid(optarg, &pids[npids]) < 0)
				rp_die(2, "record: -p wants a process id, not '%s'", optarg);
			npids++;
			break;
		case 'e': expr = optarg; break;
		case 's':
			if (parse_size(optarg, &lim.snaplen) < 0)
				rp_die(2, "record: -s wants a byte count such as 4096 or 64k, not '%s'", optarg);
			break;
		case 'N': lim.no_data = 1; break;
		case 'S': no_seccomp = 1; break;
		case 'v': verbose = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	char **cmd = argv + optind;
	int ncmd = argc - optind;
	if ((ncmd == 0) == (npids == 0)) {
		rp_error(ncmd ? "record: give a command or -p PID, not both" : "record: nothing to record: give a command or -p PID");
		fputs(usage, stderr);
		free(pids);
		return 2;
	}

	struct sys_set set;
	if (expr) {
		char err[256];
		if (sys_set_parse(&set, arch_native(), expr, err, sizeof(err)) < 0) {
			free(pids);
			rp_die(2, "record: %s", err);
		}
	}

	struct rpr_header hdr;
	struct strbuf attach_desc;
	sb_init(&attach_desc);
	char *attach_argv[1];
	if (npids) {
		for (size_t i = 0; i < npids; i++)
			sb_printf(&attach_desc, "%s-p %d", i ? " " : "", (int)pids[i]);
		attach_argv[0] = attach_desc.buf;
		recorder_fill_header(&hdr, 1, attach_argv);
		hdr.flags |= RPR_HDR_ATTACHED;
	} else {
		recorder_fill_header(&hdr, ncmd, cmd);
	}
	hdr.snaplen = lim.snaplen;
	if (lim.no_data)
		hdr.flags |= RPR_HDR_NO_DATA;
	if (expr)
		hdr.flags |= RPR_HDR_FILTERED;

	char err[512];
	struct recorder *rec = recorder_open(path, &hdr, &lim, err, sizeof(err));
	sb_free(&attach_desc);
	if (!rec) {
		free(pids);
		rp_die(1, "%s", err);
	}

	struct tracer_config cfg = {
		.argv = npids ? NULL : cmd,
		.attach = pids,
		.nattach = npids,
		.trace = expr ? &set : NULL,
		.no_seccomp = no_seccomp,
	};
	struct tracer_handler h = recorder_handler(rec);
	int status = tracer_run(&cfg, &h);
	free(pids);

	struct rpr_writer_stats st;
	int failed = recorder_close(rec, &st) < 0;
	struct stat sb;
	if (verbose && stat(path, &sb) == 0)
		fprintf(stderr, "reprise: %s: %llu events, %llu bytes before compression, %llu bytes of trace\n", path,
			(unsigned long long)st.events, (unsigned long long)st.bytes_in, (unsigned long long)sb.st_size);
	if (status < 0 || failed)
		return 1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 0;
}
