/* The seccomp-bpf filter that lets calls outside the traced set run without a ptrace stop. */
#ifndef REPRISE_TRACER_FILTER_H
#define REPRISE_TRACER_FILTER_H

#include <stddef.h>

#include "sys/select.h"

struct filter;

/* Builds (in the tracer, before fork) a filter that returns SECCOMP_RET_TRACE for the set and ALLOW otherwise. */
struct filter *filter_build(const struct sys_set *set, char *err, size_t errlen);
/* Installs it in the calling process (the child, between attach and exec). 0 or -errno. */
int filter_install(struct filter *f);
void filter_free(struct filter *f);

#endif
