#include "replay/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void replay_report_init(struct replay_report *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
}

void replay_report_free(struct replay_report *r)
{
	for (unsigned nr = 0; nr < SYS_SET_MAX; nr++) {
		free(r->by_nr[nr].recorded_ns);
		free(r->by_nr[nr].replayed_ns);
	}
	pthread_mutex_destroy(&r->lock);
}

void replay_report_replayed(struct replay_report *r, uint32_t nr, uint64_t recorded_ns, uint64_t replayed_ns,
			    int mismatch)
{
	if (nr >= SYS_SET_MAX)
		return;
	pthread_mutex_lock(&r->lock);
	struct syscall_figures *f = &r->by_nr[nr];
	if (!f->recorded_ns) {
		f->recorded_ns = rp_calloc(1, sizeof(*f->recorded_ns));
		f->replayed_ns = rp_calloc(1, sizeof(*f->replayed_ns));
	}
	f->replayed++;
	f->mismatches += mismatch != 0;
	f->recorded_sum_ns += recorded_ns;
	f->replayed_sum_ns += replayed_ns;
	latency_histogram_add(f->recorded_ns, recorded_ns);
	latency_histogram_add(f->replayed_ns, replayed_ns);
	pthread_mutex_unlock(&r->lock);
}

void replay_report_kept(struct replay_report *r, uint32_t nr, const char *why)
{
	pthread_mutex_lock(&r->lock);
	if (nr < SYS_SET_MAX)
		r->by_nr[nr].kept++;
	else
		r->unknown_kept++;
	unsigned i = 0;
	while (i < r->nreasons && strcmp(r->reasons[i].why, why) != 0)
		i++;
	/* the reasons are the few fixed sentences replay has: the table only overflows if one is added */
	if (i == r->nreasons && i < KEPT_REASONS_MAX)
		r->reasons[r->nreasons++] = (struct kept_reason){ .why = why };
	if (i < r->nreasons)
		r->reasons[i].calls++;
	pthread_mutex_unlock(&r->lock);
}

void replay_report_totals(const struct replay_report *r, struct replay_totals *t)
{
	*t = (struct replay_totals){ .kept = r->unknown_kept };
	for (unsigned nr = 0; nr < SYS_SET_MAX; nr++) {
		t->replayed += r->by_nr[nr].replayed;
		t->kept += r->by_nr[nr].kept;
		t->mismatches += r->by_nr[nr].mismatches;
	}
}

static const char *name_of(const struct arch *a, unsigned nr, char *buf, size_t len)
{
	const char *name = arch_syscall_name(a, nr);
	if (name)
		return name;
	snprintf(buf, len, "syscall_%u", nr);
	return buf;
}

static double us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

void replay_report_print(const struct replay_report *r, const struct arch *a, uint64_t mismatches, FILE *out)
{
	struct replay_totals t;
	replay_report_totals(r, &t);
	char buf[32];
	fprintf(out, "replayed %llu calls, kept %llu in place without replaying them, %llu mismatches\n",
		(unsigned long long)t.replayed, (unsigned long long)t.kept, (unsigned long long)mismatches);
	fprintf(out, "wall time: recorded %.6f s, replay %.6f s (%.2fx); %llu recorded threads on %llu replay threads\n",
		(double)r->recorded_wall_ns / 1e9, (double)r->replay_wall_ns / 1e9,
		r->recorded_wall_ns ? (double)r->replay_wall_ns / (double)r->recorded_wall_ns : 0.0,
		(unsigned long long)r->threads, (unsigned long long)r->os_threads);
	if (r->state) {
		fprintf(out, "on-disk state: %llu written files checked, %llu differ, %zu not checkable\n",
			(unsigned long long)r->state->checked, (unsigned long long)r->state->differing,
			r->state->nunchecked);
		for (size_t i = 0; i < r->state->nunchecked; i++)
			fprintf(out, "  not checkable: %s: %s\n", r->state->unchecked[i].path, r->state->unchecked[i].reason);
	}
	if (t.replayed) {
		fprintf(out, "\n%-18s %9s %10s | %10s %10s %10s | %10s %10s %10s\n", "replayed", "calls", "mismatch",
			"rec mean", "rec p50", "rec p99", "mean us", "p50 us", "p99 us");
		for (unsigned nr = 0; nr < SYS_SET_MAX; nr++) {
			const struct syscall_figures *f = &r->by_nr[nr];
			if (!f->replayed)
				continue;
			fprintf(out, "%-18s %9llu %10llu | %10.1f %10.1f %10.1f | %10.1f %10.1f %10.1f\n",
				name_of(a, nr, buf, sizeof(buf)), (unsigned long long)f->replayed,
				(unsigned long long)f->mismatches, us(f->recorded_sum_ns) / (double)f->replayed,
				us(latency_histogram_percentile(f->recorded_ns, 50)),
				us(latency_histogram_percentile(f->recorded_ns, 99)), us(f->replayed_sum_ns) / (double)f->replayed,
				us(latency_histogram_percentile(f->replayed_ns, 50)),
				us(latency_histogram_percentile(f->replayed_ns, 99)));
		}
	}
	if (t.kept) {
		fprintf(out, "\n%-18s %9s\n", "not replayed", "calls");
		for (unsigned nr = 0; nr < SYS_SET_MAX; nr++)
			if (r->by_nr[nr].kept)
				fprintf(out, "%-18s %9llu\n", name_of(a, nr, buf, sizeof(buf)),
					(unsigned long long)r->by_nr[nr].kept);
		if (r->unknown_kept)
			fprintf(out, "%-18s %9llu\n", "(unknown)", (unsigned long long)r->unknown_kept);
		fprintf(out, "\n%9s  %s\n", "calls", "why not replayed");
		for (unsigned i = 0; i < r->nreasons; i++)
			fprintf(out, "%9llu  %s\n", (unsigned long long)r->reasons[i].calls, r->reasons[i].why);
	}
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_latency(FILE *out, const char *key, const struct latency_histogram *h, uint64_t sum, uint64_t n)
{
	fprintf(out, "\"%s\": {\"mean_ns\": %.1f, \"p50_ns\": %llu, \"p99_ns\": %llu}", key, (double)sum / (double)n,
		(unsigned long long)latency_histogram_percentile(h, 50),
		(unsigned long long)latency_histogram_percentile(h, 99));
}

int replay_report_write_json(const struct replay_report *r, const struct arch *a, uint64_t mismatches,
			     const char *root, const char *path)
{
	FILE *out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!out)
		return -1;
	struct replay_totals t;
	replay_report_totals(r, &t);
	char buf[32];
	fputs("{\"root\": ", out);
	json_string(out, root);
	fprintf(out, ", \"replayed\": %llu, \"not_replayed\": %llu, \"mismatches\": %llu,"
		     " \"recorded_wall_ns\": %llu, \"replay_wall_ns\": %llu, \"threads\": %llu, \"os_threads\": %llu,"
		     "\n \"syscalls\": {",
		(unsigned long long)t.replayed, (unsigned long long)t.kept, (unsigned long long)mismatches,
		(unsigned long long)r->recorded_wall_ns,
		(unsigned long long)r->replay_wall_ns, (unsigned long long)r->threads, (unsigned long long)r->os_threads);
	const char *sep = "";
	for (unsigned nr = 0; nr < SYS_SET_MAX; nr++) {
		const struct syscall_figures *f = &r->by_nr[nr];
		if (!f->replayed)
			continue;
		fprintf(out, "%s\n  ", sep);
		json_string(out, name_of(a, nr, buf, sizeof(buf)));
		fprintf(out, ": {\"calls\": %llu, \"mismatches\": %llu, ", (unsigned long long)f->replayed,
			(unsigned long long)f->mismatches);
		json_latency(out, "recorded", f->recorded_ns, f->recorded_sum_ns, f->replayed);
		fputs(", ", out);
		json_latency(out, "replayed", f->replayed_ns, f->replayed_sum_ns, f->replayed);
		fputc('}', out);
		sep = ",";
	}
	fputs("},\n \"not_replayed_calls\": {", out);
	sep = "";
	for (unsigned nr = 0; nr < SYS_SET_MAX; nr++) {
		if (!r->by_nr[nr].kept)
			continue;
		fprintf(out, "%s", sep);
		json_string(out, name_of(a, nr, buf, sizeof(buf)));
		fprintf(out, ": %llu", (unsigned long long)r->by_nr[nr].kept);
		sep = ", ";
	}
	fputs("},\n \"not_replayed_reasons\": {", out);
	for (unsigned i = 0; i < r->nreasons; i++) {
		fputs(i ? ", " : "", out);
		json_string(out, r->reasons[i].why);
		fprintf(out, ": %llu", (unsigned long long)r->reasons[i].calls);
	}
	fputc('}', out);
	if (r->state) {
		fprintf(out, ",\n \"on_disk_state\": {\"checked\": %llu, \"differing\": %llu, \"not_checkable\": [",
			(unsigned long long)r->state->checked, (unsigned long long)r->state->differing);
		for (size_t i = 0; i < r->state->nunchecked; i++) {
			fputs(i ? ", {\"path\": " : "{\"path\": ", out);
			json_string(out, r->state->unchecked[i].path);
			fputs(", \"reason\": ", out);
			json_string(out, r->state->unchecked[i].reason);
			fputc('}', out);
		}
		fputs("]}", out);
	}
	fputs("}\n", out);
	if (out == stdout)
		return fflush(out) == EOF ? -1 : 0;
	int failed = ferror(out);
	if (fclose(out) == EOF || failed) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
