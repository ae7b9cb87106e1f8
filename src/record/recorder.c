/*
 * The recorder: a tracer handler that turns every stop into trace events. The tracer
 * thread only captures and serializes; compression and disk writes happen on the trace
 * writer's own thread.
 */
#include "record/recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "record/pending.h"
#include "sys/table.h"
#include "util/util.h"

/* A killed recorder loses at most about this much of the recording. */
#define FLUSH_INTERVAL_NS 1000000000ull

struct recorder {
	struct rpr_writer *w;
	char *path;
	const struct arch *arch;
	struct capture_limits lim;
	uint64_t seq;
	uint64_t last_flush_ns;
	int failed;             /* the writer failed; the message was printed */
	struct pending_calls pending; /* each thread's call in progress: the seq of its enter event */
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
	/* By the real clock: an emulated run's time stamps are simulated time. */
	uint64_t now = tracer_now();
	if (rc == 0 && now - rec->last_flush_ns >= FLUSH_INTERVAL_NS) {
		rec->last_flush_ns = now;
		rc = rpr_writer_submit(rec->w);
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

static void recorder_syscall_enter(void *ctx, struct tracee *t, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_SYSCALL_ENTER, t, ts);
	ev.u.enter.nr = t->nr;
	memcpy(ev.u.enter.args, t->args, sizeof(ev.u.enter.args));
	capture(rec, t, RPR_PHASE_ENTER, 0);
	append(rec, &ev);
	pending_set(&rec->pending, t->tid, rec->seq);
}

static void recorder_syscall_exit(void *ctx, struct tracee *t, int64_t ret, unsigned flags, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_SYSCALL_EXIT, t, ts);
	ev.u.exit.nr = t->nr;
	ev.u.exit.ret = ret;
	ev.u.exit.flags = flags;
	ev.u.exit.enter_seq = pending_take(&rec->pending, t->tid);
	if (!flags)
		capture(rec, t, RPR_PHASE_EXIT, ret);
	append(rec, &ev);
}

static void recorder_task_new(void *ctx, struct tracee *t, enum tracer_origin how, pid_t parent, uint64_t clone_flags, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_TASK_NEW, t, ts);
	ev.u.task_new.how = how;
	ev.u.task_new.parent_tid = parent;
	ev.u.task_new.clone_flags = clone_flags;
	append(rec, &ev);
}

static void recorder_exec(void *ctx, struct tracee *t, pid_t former_tid, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_EXEC, t, ts);
	ev.u.exec.former_tid = former_tid;
	append(rec, &ev);
}

static void recorder_signal(void *ctx, struct tracee *t, const siginfo_t *si, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_SIGNAL, t, ts);
	ev.u.signal.signo = si->si_signo;
	_Static_assert(sizeof(*si) == sizeof(ev.u.signal.siginfo), "siginfo_t is 128 bytes");
	memcpy(ev.u.signal.siginfo, si, sizeof(ev.u.signal.siginfo));
	append(rec, &ev);
}

static void recorder_group_stop(void *ctx, struct tracee *t, int signo, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_GROUP_STOP, t, ts);
	ev.u.group_stop.signo = signo;
	append(rec, &ev);
}

static void recorder_task_exit(void *ctx, struct tracee *t, int status, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_TASK_EXIT, t, ts);
	ev.u.task_exit.status = status;
	append(rec, &ev);
}

static void recorder_detach(void *ctx, struct tracee *t, uint64_t ts)
{
	struct recorder *rec = ctx;
	struct rpr_event ev;
	start_event(rec, &ev, RPR_EV_DETACH, t, ts);
	append(rec, &ev);
}

struct recorder *recorder_open(const char *path, const struct rpr_header *hdr, const struct capture_limits *lim,
			       char *err, size_t errlen)
{
	struct rpr_writer *w = rpr_writer_open(path, hdr, err, errlen);
	if (!w)
		return NULL;
	struct recorder *rec = rp_calloc(1, sizeof(*rec));
	rec->w = w;
	rec->path = rp_strdup(path);
	rec->arch = arch_native();
	rec->lim = *lim;
	rec->last_flush_ns = tracer_now();
	pending_init(&rec->pending);
	return rec;
}

struct tracer_handler recorder_handler(struct recorder *rec)
{
	struct tracer_handler h = {
		.ctx = rec,
		.syscall_enter = recorder_syscall_enter,
		.syscall_exit = recorder_syscall_exit,
		.task_new = recorder_task_new,
		.exec = recorder_exec,
		.signal = recorder_signal,
		.group_stop = recorder_group_stop,
		.task_exit = recorder_task_exit,
		.detach = recorder_detach,
	};
	return h;
}

int recorder_close(struct recorder *rec, struct rpr_writer_stats *st)
{
	char err[512];
	rpr_writer_get_stats(rec->w, st);
	int rc = rpr_writer_close(rec->w, err, sizeof(err));
	if (rc < 0 && !rec->failed)
		rp_error("%s", err);
	rc = rc < 0 || rec->failed ? -1 : 0;
	pending_free(&rec->pending);
	free(rec->regions);
	free(rec->data_off);
	free(rec->bytes);
	free(rec->path);
	free(rec);
	return rc;
}

void recorder_fill_header(struct rpr_header *hdr, int argc, char **argv)
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
}

