/*
 * The recorder: an engine handler that writes every stop it is told about into a trace.
 * `reprise record` runs the engine with it; another handler (emulate) can pass its own
 * stops on to it, with its own timestamps.
 */
#ifndef REPRISE_RECORD_RECORDER_H
#define REPRISE_RECORD_RECORDER_H

#include <stddef.h>

#include "reprise/trace.h"
#include "sys/capture.h"
#include "tracer/tracer.h"

struct recorder;

/* Creates the trace at path (mode 0600). NULL with a one-line reason in err. */
struct recorder *recorder_open(const char *path, const struct rpr_header *hdr, const struct capture_limits *lim,
			       char *err, size_t errlen);

/* The handler that records each event; its ctx is rec. */
struct tracer_handler recorder_handler(struct recorder *rec);

/* Finishes the trace and frees rec; *st gets what was written. 0, or -1 after a one-line error. */
int recorder_close(struct recorder *rec, struct rpr_writer_stats *st);

/* The header fields that describe this machine and moment: versions, arch, kernel, host, page size, start times, argv. */
void recorder_fill_header(struct rpr_header *hdr, int argc, char **argv);

#endif
