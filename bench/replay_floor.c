/*
 * The floor under `reprise replay`'s speed, for bench/replay.py: the calls replay would
 * issue from a single-threaded trace, decoded into memory first, then issued back to back
 * exactly as recorded - no sandbox, descriptor map, ordering, timing, verification or
 * accounting. Whatever a replay adds to this time is its own overhead; what this adds to
 * the native run is the price of issuing recorded calls at all (the written bytes come
 * from the trace, not from a buffer the program just filled).
 *
 * It runs in the directory the program ran in, whose initial files the caller restores,
 * so recorded paths and descriptor numbers hold as they are. It is not a replayer: it
 * writes where the program wrote, outside any root. Usage: replay_floor TRACE
 * Prints "calls N differing D wall_ns T" (D: results other than the recorded ones).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "replay/exec.h"
#include "replay/rules.h"
#include "reprise/trace.h"
#include "sys/table.h"

enum { ARENA_CHUNK = 64 << 20, MAX_IOVECS = 1024 };

struct floor_call {
	uint32_t nr;
	uint64_t args[6];
	int64_t recorded;
};

struct floor_plan {
	struct floor_call *calls;
	size_t n, cap;
	/* recorded input bytes, in chunks that never move (pointers into them are arguments) */
	uint8_t *chunk;
	size_t chunk_used;
	/* what the kernel fills: one buffer for every output argument, as large as the largest */
	uint64_t output_size;
	/* output arguments to point at that buffer once its size is known: (call, argument) */
	struct out_ref { size_t call; uint8_t arg; uint8_t iov; uint64_t len; } *outs;
	size_t nouts, outs_cap;
};

static void die(const char *fmt, const char *what)
{
	fprintf(stderr, "replay_floor: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	exit(1);
}

static void *grow(void *p, size_t *cap, size_t elem)
{
	*cap = *cap ? *cap * 2 : 4096;
	p = realloc(p, *cap * elem);
	if (!p)
		die("%s", "out of memory");
	return p;
}

static void *keep(struct floor_plan *p, const void *bytes, size_t len)
{
	size_t need = (len + 15) & ~(size_t)15;
	if (!p->chunk || p->chunk_used + need > ARENA_CHUNK) {
		size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		/* populated now, so the timed loop takes no page faults on it */
		p->chunk = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p->chunk == MAP_FAILED)
			die("%s", "out of memory");
		p->chunk_used = 0;
	}
	void *at = p->chunk + p->chunk_used;
	memcpy(at, bytes, len);
	p->chunk_used += need;
	return at;
}

static void output(struct floor_plan *p, uint8_t arg, uint8_t iov, uint64_t len)
{
	if (p->nouts == p->outs_cap)
		p->outs = grow(p->outs, &p->outs_cap, sizeof(*p->outs));
	p->outs[p->nouts++] = (struct out_ref){ .call = p->n, .arg = arg, .iov = iov, .len = len };
	if (len > p->output_size)
		p->output_size = len;
}

/* The iovec array of argument i rebuilt in the arena: input buffers copied, output ones marked. 0, or -1. */
static int plan_iovecs(struct floor_plan *p, const struct rpr_event *enter, int i, int64_t n, int in,
		       struct floor_call *c)
{
	if (n < 0 || n > MAX_IOVECS)
		return -1;
	const struct iovec *rec = (const void *)exec_recorded(enter, RPR_PHASE_ENTER, c->args[i],
								(uint64_t)n * sizeof(struct iovec));
	if (!rec)
		return -1;
	struct iovec *iov = keep(p, rec, (size_t)n * sizeof(*iov));
	for (int64_t k = 0; k < n; k++) {
		if (in) {
			const uint8_t *b = exec_recorded(enter, RPR_PHASE_ENTER, (uint64_t)(uintptr_t)iov[k].iov_base,
							 iov[k].iov_len);
			if (!b)
				return -1;
			iov[k].iov_base = keep(p, b, iov[k].iov_len);
		} else if (iov[k].iov_len > p->output_size) {
			p->output_size = iov[k].iov_len;
		}
	}
	c->args[i] = (uint64_t)(uintptr_t)iov;
	if (!in)
		output(p, (uint8_t)i, 1, 0);
	return 0;
}

/* The call's arguments with its input memory copied into the arena. 0, or -1 if the trace lacks some. */
static int plan_args(struct floor_plan *p, const struct sys_entry *e, const struct rpr_event *enter,
		     struct floor_call *c)
{
	for (int i = 0; i < e->nargs; i++) {
		const struct sys_arg *a = &e->args[i];
		uint64_t v = c->args[i];
		if (!v && a->kind != AK_BUF_OUT && a->kind != AK_STR_OUT && a->kind != AK_PATH_OUT)
			continue;
		switch (a->kind) {
		case AK_PATH:
		case AK_STR: {
			const char *s = exec_recorded_string(enter, v);
			if (!s)
				return -1;
			c->args[i] = (uint64_t)(uintptr_t)keep(p, s, strlen(s) + 1);
			break;
		}
		case AK_BUF_IN: {
			const uint8_t *b = exec_recorded(enter, RPR_PHASE_ENTER, v, c->args[a->aux]);
			if (!b)
				return -1;
			c->args[i] = (uint64_t)(uintptr_t)keep(p, b, c->args[a->aux]);
			break;
		}
		case AK_BUF_OUT:
		case AK_STR_OUT:
		case AK_PATH_OUT:
			output(p, (uint8_t)i, 0, c->args[a->aux]);
			break;
		case AK_STRUCT_IN:
		case AK_STRUCT_INOUT:
		case AK_STRUCT_OUT: {
			uint64_t size = exec_struct_size(a, c->args);
			const uint8_t *b = a->kind == AK_STRUCT_OUT ? NULL : exec_recorded(enter, RPR_PHASE_ENTER, v, size);
			if (!size || (a->kind != AK_STRUCT_OUT && !b))
				return -1;
			if (b)
				c->args[i] = (uint64_t)(uintptr_t)keep(p, b, size);
			else
				output(p, (uint8_t)i, 0, size);
			break;
		}
		case AK_IOV_IN:
		case AK_IOV_OUT:
			if (plan_iovecs(p, enter, i, (int32_t)c->args[a->aux], a->kind == AK_IOV_IN, c) < 0)
				return -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

static void plan_read(struct floor_plan *p, const char *path)
{
	char err[256];
	struct rpr_reader *r = rpr_reader_open(path, RPR_READ_NO_EXIT_BLOBS, err, sizeof(err));
	if (!r)
		die("%s", err);
	const struct arch *arch = arch_by_name(rpr_reader_header(r)->arch);
	if (!arch || arch != arch_native())
		die("%s: recorded on another architecture", path);
	const struct rpr_event *ev;
	int32_t tid = 0;
	int got, pending = 0;
	size_t outs_before = 0; /* the pending call's output references start here */
	struct floor_call c;
	while ((got = rpr_reader_next(r, &ev)) > 0) {
		if (ev->kind == RPR_EV_TASK_NEW && tid && ev->tid != tid)
			die("%s: more than one thread; the floor takes single-threaded traces", path);
		if (ev->kind == RPR_EV_TASK_NEW)
			tid = ev->tid;
		if (ev->kind == RPR_EV_SYSCALL_ENTER) {
			/* a call that never returned is not issued: its output references go too */
			if (pending)
				p->nouts = outs_before;
			pending = 0;
			const struct replay_rule rule = replay_rule_for(arch, ev->u.enter.nr);
			const struct sys_entry *e = sys_by_nr(arch, ev->u.enter.nr);
			if (rule.how == RH_NONE || !e)
				continue;
			c = (struct floor_call){ .nr = ev->u.enter.nr };
			memcpy(c.args, ev->u.enter.args, sizeof(c.args));
			outs_before = p->nouts;
			pending = plan_args(p, e, ev, &c) == 0;
			if (!pending)
				p->nouts = outs_before;
		} else if (ev->kind == RPR_EV_SYSCALL_EXIT && pending) {
			pending = 0;
			if (ev->u.exit.flags & (RPR_EXIT_NO_RETURN | RPR_EXIT_KILLED | RPR_EXIT_DETACHED)) {
				p->nouts = outs_before;
				continue;
			}
			c.recorded = ev->u.exit.ret;
			if (p->n == p->cap)
				p->calls = grow(p->calls, &p->cap, sizeof(*p->calls));
			p->calls[p->n++] = c;
		}
	}
	if (got < 0)
		die("%s", rpr_reader_error(r));
	rpr_reader_close(r);
}

/* Points every output argument at one buffer, made now that the largest is known. */
static void plan_outputs(struct floor_plan *p)
{
	uint8_t *out = mmap(NULL, p->output_size + 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
			    -1, 0);
	if (out == MAP_FAILED)
		die("%s", "out of memory");
	for (size_t k = 0; k < p->nouts; k++) {
		if (p->outs[k].call >= p->n)
			continue;
		struct floor_call *c = &p->calls[p->outs[k].call];
		if (!p->outs[k].iov) {
			c->args[p->outs[k].arg] = (uint64_t)(uintptr_t)out;
			continue;
		}
		struct iovec *iov = (void *)(uintptr_t)c->args[p->outs[k].arg];
		const struct sys_entry *e = sys_by_nr(arch_native(), c->nr);
		for (int64_t i = 0; i < (int32_t)c->args[e->args[p->outs[k].arg].aux]; i++)
			iov[i].iov_base = out;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		die("%s", "usage: replay_floor TRACE");
	struct floor_plan plan = { 0 };
	plan_read(&plan, argv[1]);
	plan_outputs(&plan);
	/* the program may close or write its standard streams: the result goes out on a descriptor of its own */
	int report = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 1000);
	if (report < 0)
		die("%s", strerror(errno));
	size_t differing = 0;
	uint64_t start = now_ns();
	for (size_t i = 0; i < plan.n; i++) {
		const struct floor_call *c = &plan.calls[i];
		long ret = syscall((long)c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4], c->args[5]);
		differing += (ret < 0 ? -errno : ret) != c->recorded;
	}
	uint64_t wall = now_ns() - start;
	dprintf(report, "calls %zu differing %zu wall_ns %llu\n", plan.n, differing, (unsigned long long)wall);
	return 0;
}
