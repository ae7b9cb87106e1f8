#include "show/show.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "reprise/trace.h"
#include "show/format.h"
#include "show/names.h"
#include "show/structs.h"
#include "sys/select.h"
#include "util/util.h"

/* strace aligns " = result" at this column when the call is shorter. */
enum { RESULT_COLUMN = 40, MAX_PID_FILTERS = 64 };

struct show_options {
	struct show_style style;
	int data;
	int32_t pids[MAX_PID_FILTERS];
	unsigned npids;
	struct sys_set trace_set;
	uint64_t since_ns, until_ns; /* monotonic bounds; until 0 = none */
	const char *path;
};

/* A call that entered and has not returned yet, per thread. */
struct pending {
	int32_t tid;
	struct rpr_event *enter;
	int shown;   /* its "<unfinished ...>" line was printed */
};

struct show_state {
	const struct show_options *opt;
	const struct rpr_header *hdr;
	const struct arch *arch;
	struct pending *pending;
	size_t npending, cap;
	int32_t open_tid;   /* a thread whose entry is held back hoping its exit comes next; 0 if none */
	struct strbuf line;
};

static void usage(FILE *to)
{
	fputs("usage: reprise show [options] TRACE\n"
	      "  -p PID          only this process or thread (repeatable)\n"
	      "  -e trace=SET    only these system calls (strace syntax)\n"
	      "  -s N            show at most N bytes of strings and buffers (default 32)\n"
	      "  -x              show strings with non-ASCII bytes in hex\n"
	      "  --data          hex and ASCII dump of every captured data buffer\n"
	      "  --raw           arguments as raw hex, nothing decoded\n"
	      "  --since T       start at T: seconds from the trace start, or HH:MM:SS[.frac]\n"
	      "  --until T       stop after T\n"
	      "  -h, --help      this help\n",
	      to);
}

/* Ends the program on an output error: quietly when the reader went away (EPIPE). */
static void write_out(const char *s, size_t n)
{
	if (fwrite(s, 1, n, stdout) == n)
		return;
	if (errno == EPIPE)
		exit(0);
	rp_die(1, "standard output: %s", strerror(errno));
}

static void put_prefix(struct show_state *s, int32_t tid, uint64_t ts_ns)
{
	int64_t offset = (int64_t)(ts_ns - s->hdr->start_monotonic_ns);
	int64_t real = (int64_t)s->hdr->start_realtime_ns + offset;
	time_t secs = (time_t)(real / 1000000000);
	long usec = (long)(real % 1000000000) / 1000;
	if (usec < 0) {
		usec += 1000000;
		secs--;
	}
	struct tm tm;
	if (!localtime_r(&secs, &tm))
		memset(&tm, 0, sizeof(tm));
	sb_printf(&s->line, "%-5d %02d:%02d:%02d.%06ld ", tid, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
}

/* The line buffer holds just the line being built, so its length is the column. */
static void pad_to_result(struct strbuf *line)
{
	if (line->len + 1 >= RESULT_COLUMN) {
		sb_putc(line, ' ');
		return;
	}
	while (line->len < RESULT_COLUMN)
		sb_putc(line, ' ');
}

static void flush_line(struct show_state *s)
{
	write_out(s->line.buf ? s->line.buf : "", s->line.len);
	sb_reset(&s->line);
}

static struct pending *find_pending(struct show_state *s, int32_t tid)
{
	for (size_t i = 0; i < s->npending; i++)
		if (s->pending[i].tid == tid)
			return &s->pending[i];
	return NULL;
}

static void drop_pending(struct show_state *s, struct pending *p)
{
	rpr_event_free(p->enter);
	*p = s->pending[--s->npending];
}

static void call_from(struct show_state *s, struct call *c, const struct rpr_event *enter, const struct rpr_event *exit)
{
	c->arch = s->arch;
	c->nr = enter ? enter->u.enter.nr : exit->u.exit.nr;
	c->entry = s->arch ? sys_by_nr(s->arch, c->nr) : NULL;
	c->args = enter ? enter->u.enter.args : NULL;
	c->enter = enter;
	c->exit = exit;
}

static void put_timing(struct show_state *s, const struct rpr_event *enter, const struct rpr_event *exit)
{
	if (exit->u.exit.flags & (RPR_EXIT_NO_RETURN | RPR_EXIT_KILLED | RPR_EXIT_DETACHED))
		return;
	uint64_t d = exit->ts_ns >= enter->ts_ns ? exit->ts_ns - enter->ts_ns : 0;
	sb_printf(&s->line, " <%llu.%06llu>", (unsigned long long)(d / 1000000000),
		  (unsigned long long)(d % 1000000000 / 1000));
}

/* Prints the held-back entry of the open thread as "name(args <unfinished ...>". */
static void close_open_line(struct show_state *s)
{
	if (!s->open_tid)
		return;
	struct pending *p = find_pending(s, s->open_tid);
	s->open_tid = 0;
	if (!p || p->shown)
		return;
	struct call c;
	call_from(s, &c, p->enter, NULL);
	put_prefix(s, p->tid, p->enter->ts_ns);
	fmt_call_name(&s->line, &c);
	sb_putc(&s->line, '(');
	fmt_call_args(&s->line, &c, FMT_AT_ENTRY, &s->opt->style);
	sb_puts(&s->line, " <unfinished ...>\n");
	flush_line(s);
	p->shown = 1;
}

static int wanted_task(const struct show_options *o, const struct rpr_event *ev)
{
	if (!o->npids)
		return 1;
	for (unsigned i = 0; i < o->npids; i++)
		if (o->pids[i] == ev->pid || o->pids[i] == ev->tid)
			return 1;
	return 0;
}

static void finish_call_line(struct show_state *s, const struct call *c)
{
	sb_putc(&s->line, ')');
	pad_to_result(&s->line);
	fmt_call_result(&s->line, c, &s->opt->style);
	if (c->enter && c->exit)
		put_timing(s, c->enter, c->exit);
	sb_putc(&s->line, '\n');
	if (s->opt->data && c->enter)
		fmt_call_data(&s->line, c);
	flush_line(s);
}

static void on_enter(struct show_state *s, const struct rpr_event *ev)
{
	close_open_line(s);
	struct pending *p = find_pending(s, ev->tid);
	if (p)
		drop_pending(s, p);
	if (s->npending == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->pending = rp_realloc(s->pending, s->cap * sizeof(*s->pending));
	}
	struct rpr_event *copy = rpr_event_dup(ev);
	if (!copy)
		rp_die(1, "out of memory");
	s->pending[s->npending++] = (struct pending){ .tid = ev->tid, .enter = copy, .shown = 0 };
	s->open_tid = ev->tid;
}

static void on_exit_event(struct show_state *s, const struct rpr_event *ev)
{
	struct pending *p = find_pending(s, ev->tid);
	if (p && p->enter->seq != ev->u.exit.enter_seq)
		p = NULL;
	struct call c;
	if (p && !p->shown && s->open_tid == ev->tid) {
		s->open_tid = 0;
		call_from(s, &c, p->enter, ev);
		put_prefix(s, ev->tid, p->enter->ts_ns);
		fmt_call_name(&s->line, &c);
		sb_putc(&s->line, '(');
		int killed = (ev->u.exit.flags & (RPR_EXIT_KILLED | RPR_EXIT_DETACHED)) != 0;
		fmt_call_args(&s->line, &c, killed ? FMT_AT_ENTRY : FMT_ALL, &s->opt->style);
		if (killed)
			sb_puts(&s->line, " <unfinished ...>");
		finish_call_line(s, &c);
		drop_pending(s, p);
		return;
	}
	close_open_line(s);
	call_from(s, &c, p ? p->enter : NULL, ev);
	put_prefix(s, ev->tid, ev->ts_ns);
	sb_puts(&s->line, "<... ");
	fmt_call_name(&s->line, &c);
	sb_puts(&s->line, " resumed>");
	if (p)
		fmt_call_args(&s->line, &c, FMT_AT_EXIT, &s->opt->style);
	finish_call_line(s, &c);
	if (p)
		drop_pending(s, p);
}

static void on_signal(struct show_state *s, const struct rpr_event *ev)
{
	put_prefix(s, ev->tid, ev->ts_ns);
	sb_puts(&s->line, "--- ");
	fmt_signal(&s->line, ev->u.signal.signo);
	sb_putc(&s->line, ' ');
	fmt_siginfo(&s->line, ev->u.signal.siginfo, sizeof(ev->u.signal.siginfo));
	sb_puts(&s->line, " ---\n");
	flush_line(s);
}

static void on_task_exit(struct show_state *s, const struct rpr_event *ev)
{
	int status = ev->u.task_exit.status;
	put_prefix(s, ev->tid, ev->ts_ns);
	if (WIFSIGNALED(status)) {
		sb_puts(&s->line, "+++ killed by ");
		fmt_signal(&s->line, WTERMSIG(status));
		sb_puts(&s->line, WCOREDUMP(status) ? " (core dumped) +++\n" : " +++\n");
	} else {
		sb_printf(&s->line, "+++ exited with %d +++\n", WEXITSTATUS(status));
	}
	flush_line(s);
	struct pending *p = find_pending(s, ev->tid);
	if (p)
		drop_pending(s, p);
}

static void show_event(struct show_state *s, const struct rpr_event *ev)
{
	const struct show_options *o = s->opt;
	switch (ev->kind) {
	case RPR_EV_SYSCALL_ENTER:
		if (sys_set_has(&o->trace_set, ev->u.enter.nr))
			on_enter(s, ev);
		return;
	case RPR_EV_SYSCALL_EXIT:
		if (sys_set_has(&o->trace_set, ev->u.exit.nr))
			on_exit_event(s, ev);
		return;
	case RPR_EV_EXEC: {
		/* A thread that exec'd now goes by the leader's tid; its execve returns there. */
		if (ev->u.exec.former_tid != ev->tid) {
			close_open_line(s);
			put_prefix(s, ev->tid, ev->ts_ns);
			sb_printf(&s->line, "+++ superseded by execve in pid %d +++\n", (int)ev->u.exec.former_tid);
			flush_line(s);
		}
		struct pending *p = find_pending(s, ev->u.exec.former_tid);
		if (p && ev->u.exec.former_tid != ev->tid) {
			struct pending *old = find_pending(s, ev->tid);
			if (old)
				drop_pending(s, old);
			p = find_pending(s, ev->u.exec.former_tid);
			p->tid = ev->tid;
			if (s->open_tid == ev->u.exec.former_tid)
				s->open_tid = ev->tid;
		}
		return;
	}
	case RPR_EV_SIGNAL:
		close_open_line(s);
		on_signal(s, ev);
		return;
	case RPR_EV_TASK_EXIT:
		close_open_line(s);
		on_task_exit(s, ev);
		return;
	case RPR_EV_GROUP_STOP:
		close_open_line(s);
		put_prefix(s, ev->tid, ev->ts_ns);
		sb_puts(&s->line, "--- stopped by ");
		fmt_signal(&s->line, ev->u.group_stop.signo);
		sb_puts(&s->line, " ---\n");
		flush_line(s);
		return;
	case RPR_EV_DETACH: {
		close_open_line(s);
		struct pending *p = find_pending(s, ev->tid);
		if (p)
			drop_pending(s, p);
		return;
	}
	default:
		return;
	}
}

/* T as seconds from the start ("1.5") or a wall-clock time of the trace's day ("12:30:05.25"). */
static int parse_time(const char *text, const struct rpr_header *hdr, uint64_t *mono_ns)
{
	char *end;
	if (!strchr(text, ':')) {
		errno = 0;
		double secs = strtod(text, &end);
		if (errno || end == text || *end || secs < 0 || secs > 1e9)
			return -1;
		*mono_ns = hdr->start_monotonic_ns + (uint64_t)(secs * 1e9);
		return 0;
	}
	unsigned h, m;
	double sec;
	int used = 0;
	if (sscanf(text, "%u:%u:%lf%n", &h, &m, &sec, &used) != 3 || text[used] || h > 23 || m > 59 || sec < 0 ||
	    sec >= 61)
		return -1;
	time_t start = (time_t)(hdr->start_realtime_ns / 1000000000);
	struct tm tm;
	if (!localtime_r(&start, &tm))
		return -1;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)m;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t day_minute = mktime(&tm);
	if (day_minute == (time_t)-1)
		return -1;
	double real_ns = ((double)day_minute + sec) * 1e9;
	double offset = real_ns - (double)hdr->start_realtime_ns;
	double mono = (double)hdr->start_monotonic_ns + offset;
	*mono_ns = mono < 0 ? 0 : (uint64_t)mono;
	return 0;
}

static int parse_uint(const char *text, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v > 1u << 30)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int run(struct show_options *o, const char *trace_expr, const char *since, const char *until)
{
	char err[512];
	struct rpr_reader *r = rpr_reader_open(o->path, RPR_READ_AHEAD, err, sizeof(err));
	if (!r) {
		rp_error("%s: %s", o->path, err);
		return 1;
	}
	struct show_state s = { .opt = o, .hdr = rpr_reader_header(r), .open_tid = 0 };
	sb_init(&s.line);
	s.arch = arch_by_name(s.hdr->arch);
	if (!s.arch) {
		rp_error("%s: recorded on architecture %s, which this build cannot decode", o->path, s.hdr->arch);
		rpr_reader_close(r);
		return 1;
	}
	int status = 0;
	sys_set_fill(&o->trace_set);
	if (trace_expr && sys_set_parse(&o->trace_set, s.arch, trace_expr, err, sizeof(err)) < 0) {
		rp_error("show: %s", err);
		status = 2;
	} else if (since && parse_time(since, s.hdr, &o->since_ns) < 0) {
		rp_error("--since %s: not a time (seconds from the start, or HH:MM:SS[.frac])", since);
		status = 2;
	} else if (until && parse_time(until, s.hdr, &o->until_ns) < 0) {
		rp_error("--until %s: not a time (seconds from the start, or HH:MM:SS[.frac])", until);
		status = 2;
	} else if (since && rpr_reader_seek_time(r, o->since_ns) < 0) {
		rp_error("%s: %s", o->path, rpr_reader_error(r));
		status = 1;
	}
	const struct rpr_event *ev;
	int got = 0;
	while (!status && (got = rpr_reader_next(r, &ev)) > 0) {
		if (ev->ts_ns < o->since_ns)
			continue;
		if (until && ev->ts_ns > o->until_ns)
			break;
		if (wanted_task(o, ev))
			show_event(&s, ev);
	}
	if (!status) {
		close_open_line(&s);
		if (fflush(stdout) == EOF && errno != EPIPE) {
			rp_error("standard output: %s", strerror(errno));
			status = 1;
		}
	}
	if (!status && got < 0) {
		rp_error("%s: %s", o->path, rpr_reader_error(r));
		status = 1;
	}
	if (!status) {
		struct rpr_reader_info info;
		rpr_reader_get_info(r, &info);
		if (!info.complete)
			rp_warn_incomplete_trace(o->path, info.lost_bytes, info.valid_end);
	}
	for (size_t i = 0; i < s.npending; i++)
		rpr_event_free(s.pending[i].enter);
	free(s.pending);
	sb_free(&s.line);
	rpr_reader_close(r);
	return status;
}

int cmd_show(int argc, char **argv)
{
	enum { OPT_DATA = 256, OPT_RAW, OPT_SINCE, OPT_UNTIL };
	static const struct option longopts[] = {
		{ "data", no_argument, NULL, OPT_DATA },   { "raw", no_argument, NULL, OPT_RAW },
		{ "since", required_argument, NULL, OPT_SINCE }, { "until", required_argument, NULL, OPT_UNTIL },
		{ "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
	};
	struct show_options o = { .style = { .strsize = 32 } };
	const char *trace_expr = NULL, *since = NULL, *until = NULL;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:e:s:xh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': {
			unsigned pid;
			if (parse_uint(optarg, &pid) < 0 || pid == 0) {
				rp_error("-p %s: not a process id", optarg);
				return 2;
			}
			if (o.npids == MAX_PID_FILTERS) {
				rp_error("-p: at most %d processes", MAX_PID_FILTERS);
				return 2;
			}
			o.pids[o.npids++] = (int32_t)pid;
			break;
		}
		case 'e':
			trace_expr = optarg;
			break;
		case 's':
			if (parse_uint(optarg, &o.style.strsize) < 0) {
				rp_error("-s %s: not a size", optarg);
				return 2;
			}
			break;
		case 'x':
			o.style.hex_strings = 1;
			break;
		case OPT_DATA:
			o.data = 1;
			break;
		case OPT_RAW:
			o.style.raw = 1;
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_UNTIL:
			until = optarg;
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
		rp_error("show: expected one TRACE file (see reprise show --help)");
		return 2;
	}
	o.path = argv[optind];
	signal(SIGPIPE, SIG_IGN);
	return run(&o, trace_expr, since, until);
}
