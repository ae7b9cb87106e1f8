#include "stats/report.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util/util.h"

#define NAME_COLUMN_MIN 16

static const double percentiles[] = { 50, 90, 99 };

static double seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

static double usecs(uint64_t ns)
{
	return (double)ns / 1e3;
}

/* strace widens the name column to fit the longest name plus one. */
static int name_column(const struct stats_summary *s, const uint32_t *nrs, size_t n)
{
	int width = NAME_COLUMN_MIN;
	char buf[32];
	for (size_t k = 0; k < n; k++) {
		int len = (int)strlen(stats_syscall_name(s, nrs[k], buf, sizeof(buf))) + 1;
		if (len > width)
			width = len;
	}
	return width;
}

static void dashes(FILE *out, int n)
{
	for (int k = 0; k < n; k++)
		fputc('-', out);
}

static void strace_table(FILE *out, const struct stats_summary *s, const uint32_t *nrs, size_t n, int width)
{
	uint64_t total_ns = 0, total_calls = 0, total_errors = 0;
	for (size_t k = 0; k < n; k++) {
		total_ns += s->calls[nrs[k]].time_ns;
		total_calls += s->calls[nrs[k]].calls;
		total_errors += s->calls[nrs[k]].errors;
	}
	fprintf(out, "%6s %11s %11s %9s %9s %s\n", "% time", "seconds", "usecs/call", "calls", "errors", "syscall");
	fprintf(out, "------ ----------- ----------- --------- --------- ");
	dashes(out, width);
	fputc('\n', out);
	char buf[32];
	for (size_t k = 0; k < n; k++) {
		const struct syscall_summary *c = &s->calls[nrs[k]];
		double percent = total_ns ? 100.0 * (double)c->time_ns / (double)total_ns : 0;
		fprintf(out, "%6.2f %11.6f %11lu %9lu %9.lu %s\n", percent, seconds(c->time_ns),
			(unsigned long)(c->time_ns / c->calls / 1000), (unsigned long)c->calls, (unsigned long)c->errors,
			stats_syscall_name(s, nrs[k], buf, sizeof(buf)));
	}
	fprintf(out, "------ ----------- ----------- --------- --------- ");
	dashes(out, width);
	fputc('\n', out);
	fprintf(out, "%6.2f %11.6f %11lu %9lu %9.lu %s\n", total_ns ? 100.0 : 0.0, seconds(total_ns),
		(unsigned long)(total_calls ? total_ns / total_calls / 1000 : 0), (unsigned long)total_calls,
		(unsigned long)total_errors, "total");
}

static void latency_table(FILE *out, const struct stats_summary *s, const uint32_t *nrs, size_t n, int width)
{
	fprintf(out, "\n%-*s %9s %11s %11s %11s %11s\n", width, "latency (usecs)", "calls", "p50", "p90", "p99", "max");
	char buf[32];
	for (size_t k = 0; k < n; k++) {
		const struct latency_histogram *h = s->calls[nrs[k]].latency;
		fprintf(out, "%-*s %9lu", width, stats_syscall_name(s, nrs[k], buf, sizeof(buf)), (unsigned long)h->count);
		for (size_t q = 0; q < sizeof(percentiles) / sizeof(percentiles[0]); q++)
			fprintf(out, " %11.3f", usecs(latency_histogram_percentile(h, percentiles[q])));
		fprintf(out, " %11.3f\n", usecs(h->max_ns));
	}
}

static int busier_path(const void *a, const void *b, void *set)
{
	const struct path_set *paths = set;
	const struct path_stats *x = &paths->items[*(const uint32_t *)a], *y = &paths->items[*(const uint32_t *)b];
	uint64_t tx = x->io.read_bytes + x->io.written_bytes, ty = y->io.read_bytes + y->io.written_bytes;
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Indexes of the paths that saw I/O, most bytes first; the caller frees. */
static uint32_t *paths_with_io(const struct stats_summary *s, size_t *n)
{
	uint32_t *order = rp_calloc(s->paths.count, sizeof(*order));
	*n = 0;
	for (size_t k = 0; k < s->paths.count; k++)
		if (s->paths.items[k].io.reads || s->paths.items[k].io.writes)
			order[(*n)++] = (uint32_t)k;
	qsort_r(order, *n, sizeof(*order), busier_path, (void *)&s->paths);
	return order;
}

static void io_tables(FILE *out, const struct stats_summary *s)
{
	fprintf(out, "\n%-20s %14s %14s %9s %9s\n", "bytes by fd type", "read", "written", "reads", "writes");
	for (int t = 0; t < FD_TYPE_COUNT; t++) {
		const struct io_bytes *b = &s->by_type[t];
		if (b->reads || b->writes)
			fprintf(out, "%-20s %14lu %14lu %9lu %9lu\n", fd_type_label((enum fd_type)t),
				(unsigned long)b->read_bytes, (unsigned long)b->written_bytes, (unsigned long)b->reads,
				(unsigned long)b->writes);
	}
	size_t n;
	uint32_t *order = paths_with_io(s, &n);
	fprintf(out, "\n%14s %14s %9s %9s  %s\n", "read", "written", "reads", "writes", "file");
	for (size_t k = 0; k < n; k++) {
		const struct path_stats *p = &s->paths.items[order[k]];
		fprintf(out, "%14lu %14lu %9lu %9lu  %s\n", (unsigned long)p->io.read_bytes,
			(unsigned long)p->io.written_bytes, (unsigned long)p->io.reads, (unsigned long)p->io.writes, p->path);
	}
	free(order);
}

void process_end_text(const struct process_summary *p, char *buf, size_t len)
{
	if (p->end == PROCESS_DETACHED)
		snprintf(buf, len, "detached");
	else if (p->end != PROCESS_EXITED)
		snprintf(buf, len, "running");
	else if (WIFEXITED(p->wait_status))
		snprintf(buf, len, "exited %d", WEXITSTATUS(p->wait_status));
	else if (WIFSIGNALED(p->wait_status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(p->wait_status));
		if (abbrev)
			snprintf(buf, len, "killed by SIG%s%s", abbrev, WCOREDUMP(p->wait_status) ? " (core dumped)" : "");
		else
			snprintf(buf, len, "killed by signal %d", WTERMSIG(p->wait_status));
	} else
		snprintf(buf, len, "status 0x%x", (unsigned)p->wait_status);
}

static int shown_process(const struct stats_summary *s, const struct process_summary *p)
{
	if (!s->npids)
		return 1;
	for (size_t k = 0; k < s->npids; k++)
		if (s->pids[k] == p->pid)
			return 1;
	return 0;
}

static void process_table(FILE *out, const struct stats_summary *s)
{
	fprintf(out, "\n%8s %8s %9s %9s %11s  %-24s %s\n", "pid", "threads", "calls", "errors", "seconds", "end",
		"command");
	char end[64];
	for (size_t k = 0; k < s->nprocs; k++) {
		const struct process_summary *p = &s->procs[k];
		if (!shown_process(s, p))
			continue;
		process_end_text(p, end, sizeof(end));
		fprintf(out, "%8d %8u %9lu %9lu %11.6f  %-24s %s\n", p->pid, p->threads, (unsigned long)p->syscalls,
			(unsigned long)p->errors, seconds(p->time_ns), end, p->command ? p->command : "?");
	}
}

void stats_print_text(FILE *out, const struct stats_summary *s)
{
	uint32_t nrs[SYS_SET_MAX];
	size_t n = stats_summary_ranked(s, nrs);
	int width = name_column(s, nrs, n);
	/* strace -c prints nothing at all when no call finished */
	if (n) {
		strace_table(out, s, nrs, n, width);
		latency_table(out, s, nrs, n, width);
	}
	io_tables(out, s);
	process_table(out, s);
}

/* The length of the valid UTF-8 sequence at p, or 0. */
static size_t utf8_sequence(const unsigned char *p)
{
	size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (!n || p[0] > 0xf4)
		return 0;
	for (size_t k = 1; k < n; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	uint32_t cp = n == 2 ? (p[0] & 0x1fu) : n == 3 ? (p[0] & 0x0fu) : (p[0] & 0x07u);
	for (size_t k = 1; k < n; k++)
		cp = (cp << 6) | (p[k] & 0x3fu);
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_print_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', out);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p == '\n') {
			fputs("\\n", out);
			p++;
		} else if (*p == '\t') {
			fputs("\\t", out);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			fputc(*p++, out);
		} else {
			size_t n = utf8_sequence(p);
			if (n) {
				fwrite(p, 1, n, out);
				p += n;
			} else {
				fprintf(out, "\\u%04x", *p++);
			}
		}
	}
	fputc('"', out);
}

static void json_io(FILE *out, const struct io_bytes *b)
{
	fprintf(out, "{\"read_bytes\":%lu,\"written_bytes\":%lu,\"reads\":%lu,\"writes\":%lu}",
		(unsigned long)b->read_bytes, (unsigned long)b->written_bytes, (unsigned long)b->reads,
		(unsigned long)b->writes);
}

static void json_syscalls(FILE *out, const struct stats_summary *s, const uint32_t *nrs, size_t n)
{
	uint64_t total_ns = 0, total_calls = 0, total_errors = 0;
	for (size_t k = 0; k < n; k++) {
		total_ns += s->calls[nrs[k]].time_ns;
		total_calls += s->calls[nrs[k]].calls;
		total_errors += s->calls[nrs[k]].errors;
	}
	fprintf(out, "\"syscalls\":[");
	char buf[32];
	for (size_t k = 0; k < n; k++) {
		const struct syscall_summary *c = &s->calls[nrs[k]];
		fprintf(out, "%s{\"name\":", k ? "," : "");
		json_print_string(out, stats_syscall_name(s, nrs[k], buf, sizeof(buf)));
		fprintf(out, ",\"nr\":%u,\"calls\":%lu,\"errors\":%lu,\"seconds\":%.9f,\"percent_time\":%.4f",
			nrs[k], (unsigned long)c->calls, (unsigned long)c->errors, seconds(c->time_ns),
			total_ns ? 100.0 * (double)c->time_ns / (double)total_ns : 0.0);
		fprintf(out, ",\"latency_us\":{");
		for (size_t q = 0; q < sizeof(percentiles) / sizeof(percentiles[0]); q++)
			fprintf(out, "\"p%g\":%.3f,", percentiles[q], usecs(latency_histogram_percentile(c->latency, percentiles[q])));
		fprintf(out, "\"max\":%.3f}}", usecs(c->latency->max_ns));
	}
	fprintf(out, "],\"total\":{\"calls\":%lu,\"errors\":%lu,\"seconds\":%.9f}", (unsigned long)total_calls,
		(unsigned long)total_errors, seconds(total_ns));
}

static void json_processes(FILE *out, const struct stats_summary *s)
{
	fprintf(out, ",\"processes\":[");
	int first = 1;
	char end[64];
	for (size_t k = 0; k < s->nprocs; k++) {
		const struct process_summary *p = &s->procs[k];
		if (!shown_process(s, p))
			continue;
		fprintf(out, "%s{\"pid\":%d,\"command\":", first ? "" : ",", p->pid);
		first = 0;
		if (p->command)
			json_print_string(out, p->command);
		else
			fprintf(out, "null");
		process_end_text(p, end, sizeof(end));
		fprintf(out, ",\"syscalls\":%lu,\"errors\":%lu,\"seconds\":%.9f,\"threads\":%u,\"end\":",
			(unsigned long)p->syscalls, (unsigned long)p->errors, seconds(p->time_ns), p->threads);
		json_print_string(out, end);
		if (p->end == PROCESS_EXITED && WIFEXITED(p->wait_status))
			fprintf(out, ",\"exit_code\":%d", WEXITSTATUS(p->wait_status));
		else if (p->end == PROCESS_EXITED && WIFSIGNALED(p->wait_status))
			fprintf(out, ",\"signal\":%d", WTERMSIG(p->wait_status));
		fputc('}', out);
	}
	fputc(']', out);
}

void stats_print_json(FILE *out, const struct stats_summary *s, const struct report_source *src)
{
	uint32_t nrs[SYS_SET_MAX];
	size_t n = stats_summary_ranked(s, nrs);
	fprintf(out, "{\"trace\":");
	json_print_string(out, src->trace_path);
	fprintf(out, ",\"complete\":%s,", src->complete ? "true" : "false");
	json_syscalls(out, s, nrs, n);
	fprintf(out, ",\"bytes_by_type\":{");
	for (int t = 0; t < FD_TYPE_COUNT; t++) {
		fprintf(out, "%s\"%s\":", t ? "," : "", fd_type_key((enum fd_type)t));
		json_io(out, &s->by_type[t]);
	}
	fprintf(out, "},\"bytes_by_path\":[");
	size_t npaths;
	uint32_t *order = paths_with_io(s, &npaths);
	for (size_t k = 0; k < npaths; k++) {
		const struct path_stats *p = &s->paths.items[order[k]];
		fprintf(out, "%s{\"path\":", k ? "," : "");
		json_print_string(out, p->path);
		fprintf(out, ",\"io\":");
		json_io(out, &p->io);
		fputc('}', out);
	}
	free(order);
	fputc(']', out);
	json_processes(out, s);
	fprintf(out, "}\n");
}
