/*
 * `reprise record`: the tracer handler that turns every stop into trace events.
 * The tracer thread only captures and serializes; compression and disk writes
 * happen on the trace writer's own thread.
 */
#include "record/record.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "reprise/trace.h"
#include "sys/capture.h"
#include "sys/select.h"
#include "sys/table.h"
#include "tracer/tracer.h"
#include "util/util.h"

/* A killed recorder loses at most about this much of the recording. */
#define FLUSH_INTERVAL_NS 1000000000ull

struct recorder {
	struct rpr_writer *w;
	const char *path;
	const struct arch *arch;
	struct capture_limits lim;
	uint64_t seq;
	uint64_t last_flush_ns;
	int failed;             /* the writer failed; the message was printed */
	/* the regions of the event being built; their data lives in `bytes` at data_off */
	struct rpr_region *regions;
	uint64_t *data_off;
	size_t nregions, regions_cap;
	uint8_t *bytes;
	size_t nbytes, bytes_cap;
};

struct capture_ctx {
	struct recorder *rec;
	struct tracee *t;
};

static long capture_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct capture_ctx *c = ctx;
	return tracer_read(c->t, addr, buf, len);
}

static int capture_keep(void *ctx, unsigned phase, unsigned arg, uint64_t addr, uint64_t size,
			const void *data, uint64_t stored, unsigned flags)
{
	struct recorder *rec = ((struct capture_ctx *)ctx)->rec;
	if (rec->nregions == rec->regions_cap) {
		rec->regions_cap = rec->regions_cap ? rec->regions_cap * 2 : 16;
		rec->regions = rp_realloc(rec->regions, rec->regions_cap * sizeof(*rec->regions));
		rec->data_off = rp_realloc(rec->data_off, rec->regions_cap * sizeof(*rec->data_off));
	}
	if (rec->nbytes + stored > rec->bytes_cap) {
		size_t cap = rec->bytes_cap ? rec->bytes_cap : 65536;
		while (cap < rec->nbytes + stored)
			cap *= 2;
		rec->bytes = rp_realloc(rec->bytes, cap);
		rec->bytes_cap = cap;
	}
	struct rpr_region *r = &rec->regions[rec->nregions];
	memset(r, 0, sizeof(*r));
	r->phase = (uint8_t)phase;
	r->arg = (uint8_t)arg;
	r->flags = (uint16_t)flags;
	r->addr = addr;
	r->size = size;
	r->stored = stored;
	rec->data_off[rec->nregions++] = rec->nbytes;
	if (stored)
		memcpy(rec->bytes + rec->nbytes, data, stored);
	rec->nbytes += stored;
	return 0;
}

static void append(struct recorder *rec, struct rpr_event *ev)
{
	if (rec->failed)
		return;
	ev->seq = ++rec->seq;
	for (size_t i = 0; i < rec->nregions; i++)
		rec->regions[i].data = rec->regions[i].stored ? rec->bytes + rec->data_off[i] : NULL;
	ev->nregions = (uint32_t)rec->nregions;
	ev->regions = rec->regions;
	int rc = rpr_writer_append(rec->w, ev);
	if (rc == 0 && ev->ts_ns - rec->last_flush_ns >= FLUSH_INTERVAL_NS) {
		rec->last_flush_ns = ev->ts_ns;
		rc = rpr_writer_flush(rec->w);
	}
	if (rc < 0) {
		rp_error("%s: %s; recording stopped", rec->path, rpr_writer_error(rec->w));
		rec->failed = 1;
	}
}

static void start_event(struct recorder *rec, struct rpr_event *ev, uint16_t kind, struct tracee *t, uint64_t ts)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->ts_ns = ts;
	ev->pid = t->pid;
	ev->tid = t->tid;
	rec->nregions = 0;
	rec->nbytes = 0;
}

static void capture(struct recorder *rec, struct tracee *t, unsigned phase, int64_t ret)
{
	struct capture_ctx ctx = { rec, t };
	struct capture_ops ops = { &ctx, capture_read, capture_keep, t->sp };
	sys_capture(sys_by_nr(rec->arch, t->nr), phase, t->args, ret, &rec->lim, &ops);
}

static void on_syscall_enter(void *ctx, struct tracee *t, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_SYSCALL_ENTER, t, ts);
	ev.u.enter.nr = t->nr;
	memcpy(ev.u.enter.args, t->args, sizeof(ev.u.enter.args));
	capture(rec, t, RPR_PHASE_ENTER, 0);
	append(rec, &ev);
	t->user = (void *)(uintptr_t)rec->seq;
}

static void on_syscall_exit(void *ctx, struct tracee *t, int64_t ret, unsigned flags, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_SYSCALL_EXIT, t, ts);
	ev.u.exit.nr = t->nr;
	ev.u.exit.ret = ret;
	ev.u.exit.flags = flags;
	ev.u.exit.enter_seq = (uint64_t)(uintptr_t)t->user;
	if (!flags)
		capture(rec, t, RPR_PHASE_EXIT, ret);
	append(rec, &ev);
}

static void on_task_new(void *ctx, struct tracee *t, enum tracer_origin how, pid_t parent, uint64_t clone_flags, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_TASK_NEW, t, ts);
	ev.u.task_new.how = how;
	ev.u.task_new.parent_tid = parent;
	ev.u.task_new.clone_flags = clone_flags;
	append(rec, &ev);
}

static void on_exec(void *ctx, struct tracee *t, pid_t former_tid, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_EXEC, t, ts);
	ev.u.exec.former_tid = former_tid;
	append(rec, &ev);
}

static void on_signal(void *ctx, struct tracee *t, const siginfo_t *si, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_SIGNAL, t, ts);
	ev.u.signal.signo = si->si_signo;
	_Static_assert(sizeof(*si) == sizeof(ev.u.signal.siginfo), "siginfo_t is 128 bytes");
	memcpy(ev.u.signal.siginfo, si, sizeof(ev.u.signal.siginfo));
	append(rec, &ev);
}

static void on_group_stop(void *ctx, struct tracee *t, int signo, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_GROUP_STOP, t, ts);
	ev.u.group_stop.signo = signo;
	append(rec, &ev);
}

static void on_task_exit(void *ctx, struct tracee *t, int status, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_TASK_EXIT, t, ts);
	ev.u.task_exit.status = status;
	append(rec, &ev);
}

static void on_detach(void *ctx, struct tracee *t, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_DETACH, t, ts);
	append(rec, &ev);
}

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

static void fill_header(struct rpr_header *hdr, int argc, char **argv, int attached)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->format_major = RPR_FORMAT_MAJOR;
	hdr->format_minor = RPR_FORMAT_MINOR;
	snprintf(hdr->reprise_version, sizeof(hdr->reprise_version), "%s", REPRISE_VERSION);
	snprintf(hdr->arch, sizeof(hdr->arch), "%s", arch_native()->name);
	struct utsname un;
	if (uname(&un) == 0)
		snprintf(hdr->kernel, sizeof(hdr->kernel), "%s", un.release);
	if (gethostname(hdr->hostname, sizeof(hdr->hostname) - 1) < 0)
		hdr->hostname[0] = '\0';
	hdr->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	struct timespec rt, mono;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	hdr->start_realtime_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
	hdr->start_monotonic_ns = (uint64_t)mono.tv_sec * 1000000000u + (uint64_t)mono.tv_nsec;
	hdr->argc = (uint32_t)argc;
	hdr->argv = argv;
	if (attached)
		hdr->flags |= RPR_HDR_ATTACHED;
}

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
	struct recorder rec;
	memset(&rec, 0, sizeof(rec));
	rec.arch = arch_native();
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
			if (parse_size(optarg, &rec.lim.snaplen) < 0)
				rp_die(2, "record: -s wants a byte count such as 4096 or 64k, not '%s'", optarg);
			break;
		case 'N': rec.lim.no_data = 1; break;
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
		if (sys_set_parse(&set, rec.arch, expr, err, sizeof(err)) < 0) {
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
		fill_header(&hdr, 1, attach_argv, 1);
	} else {
		fill_header(&hdr, ncmd, cmd, 0);
	}
	hdr.snaplen = rec.lim.snaplen;
	if (rec.lim.no_data)
		hdr.flags |= RPR_HDR_NO_DATA;
	if (expr)
		hdr.flags |= RPR_HDR_FILTERED;

	char err[512];
	rec.path = path;
	rec.w = rpr_writer_open(path, &hdr, err, sizeof(err));
	sb_free(&attach_desc);
	if (!rec.w) {
		free(pids);
		rp_die(1, "%s", err);
	}
	rec.last_flush_ns = tracer_now();

	struct tracer_config cfg = {
		.argv = npids ? NULL : cmd,
		.attach = pids,
		.nattach = npids,
		.trace = expr ? &set : NULL,
		.no_seccomp = no_seccomp,
	};
	struct tracer_handler h = {
		.ctx = &rec,
		.syscall_enter = on_syscall_enter,
		.syscall_exit = on_syscall_exit,
		.task_new = on_task_new,
		.exec = on_exec,
		.signal = on_signal,
		.group_stop = on_group_stop,
		.task_exit = on_task_exit,
		.detach = on_detach,
	};
	int status = tracer_run(&cfg, &h);
	free(pids);

	struct rpr_writer_stats st;
	rpr_writer_get_stats(rec.w, &st);
	int close_rc = rpr_writer_close(rec.w, err, sizeof(err));
	free(rec.regions);
	free(rec.data_off);
	free(rec.bytes);
	if (close_rc < 0 && !rec.failed) {
		rp_error("%s", err);
		rec.failed = 1;
	}
	struct stat sb;
	if (verbose && stat(path, &sb) == 0)
		fprintf(stderr, "reprise: %s: %llu events, %llu bytes before compression, %llu bytes of trace\n", path,
			(unsigned long long)st.events, (unsigned long long)st.bytes_in, (unsigned long long)sb.st_size);
	if (status < 0 || rec.failed)
		return 1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 0;
}
