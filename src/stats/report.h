/* Printing a finished summary: the text tables (the first one exactly strace -c's) or one JSON object. */
#ifndef REPRISE_STATS_REPORT_H
#define REPRISE_STATS_REPORT_H

#include <stdio.h>

#include "stats/summary.h"

struct report_source {
	const char *trace_path;
	int complete; /* the trace was closed properly */
};

void stats_print_text(FILE *out, const struct stats_summary *s);
void stats_print_json(FILE *out, const struct stats_summary *s, const struct report_source *src);

/* A JSON string literal for the bytes of s: escapes as JSON requires, invalid UTF-8 bytes as \u00XX. */
void json_print_string(FILE *out, const char *s);

/* "exited 3", "killed by SIGKILL", "running"... for a process's end. */
void process_end_text(const struct process_summary *p, char *buf, size_t len);

#endif
