#include "tracer/filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/arch.h"
#include "util/util.h"

struct filter {
	scmp_filter_ctx ctx;
};

struct filter *filter_build(const struct sys_set *set, char *err, size_t errlen)
{
	struct filter *f = rp_malloc(sizeof(*f));
	f->ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!f->ctx) {
		free(f);
		snprintf(err, errlen, "cannot create a seccomp filter (libseccomp)");
		return NULL;
	}
	const struct arch *a = arch_native();
	for (unsigned nr = 0; nr < a->nr_count && nr < SYS_SET_MAX; nr++) {
		if (!a->names[nr] || !sys_set_has(set, nr))
			continue;
		int rc = seccomp_rule_add(f->ctx, SCMP_ACT_TRACE(0), (int)nr, 0);
		if (rc < 0 && rc != -EDOM) {
			snprintf(err, errlen, "cannot add %s to the seccomp filter: %s", a->names[nr], strerror(-rc));
			filter_free(f);
			return NULL;
		}
	}
	/* Root may keep setuid binaries working; others need no_new_privs to install a filter. */
	int rc = seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, geteuid() == 0 ? 0 : 1);
	if (rc < 0) {
		snprintf(err, errlen, "cannot configure the seccomp filter: %s", strerror(-rc));
		filter_free(f);
		return NULL;
	}
	return f;
}

int filter_install(struct filter *f)
{
	return seccomp_load(f->ctx);
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	seccomp_release(f->ctx);
	free(f);
}
