/*
 * Host names inside the emulation. A hosts file listing every platform host with its
 * address is written at the start; a program opening /etc/hosts (as the C library's
 * resolver does for getaddrinfo and gethostbyname) opens that file instead, so
 * getaddrinfo("bob") gives bob's simulated address. The new path is written in the
 * program's stack below its red zone, which the program may not rely on during a call,
 * and the call runs with that path; the program's registers are restored at its exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emulate/calls.h"
#include "emulate/net.h"
#include "util/util.h"

#define SYSTEM_HOSTS "/etc/hosts"
/* The x86-64 red zone is 128 bytes; the path goes well below it. */
#define SCRATCH_BELOW_SP 1024

static char hosts_path[64];

static int write_hosts(FILE *f)
{
	sg_host_t *hosts = sg_host_list();
	size_t n = sg_host_count();
	int rc = fprintf(f, "127.0.0.1\tlocalhost\n") < 0 ? -1 : 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct in_addr a = { .s_addr = htonl(net_host_ip(hosts[i])) };
		char ip[INET_ADDRSTRLEN];
		if (!inet_ntop(AF_INET, &a, ip, sizeof(ip)) || fprintf(f, "%s\t%s\n", ip, sg_host_get_name(hosts[i])) < 0)
			rc = -1;
	}
	free(hosts);
	return rc;
}

int names_init(char *err, size_t errlen)
{
	snprintf(hosts_path, sizeof(hosts_path), "%s/reprise-hosts.XXXXXX", P_tmpdir);
	int fd = mkstemp(hosts_path);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a hosts file in %s: %s", P_tmpdir, strerror(errno));
		hosts_path[0] = '\0';
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	int ok = f && fchmod(fd, 0644) == 0 && write_hosts(f) == 0;
	int saved = errno;
	if ((f ? fclose(f) : close(fd)) != 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		snprintf(err, errlen, "cannot write the hosts file %s: %s", hosts_path, strerror(saved));
		names_free();
		return -1;
	}
	return 0;
}

void names_free(void)
{
	if (hosts_path[0] && unlink(hosts_path) < 0)
		rp_warn("emulate: cannot remove %s: %s", hosts_path, strerror(errno));
	hosts_path[0] = '\0';
}

/* The call's path argument number path_arg names /etc/hosts: it opens the generated file instead. */
static enum verdict redirect_hosts(struct emu_thread *th, int path_arg)
{
	char path[sizeof(SYSTEM_HOSTS)];
	if (!hosts_path[0] || tracer_read(th->t, th->t->args[path_arg], path, sizeof(path)) != (long)sizeof(path) ||
	    memcmp(path, SYSTEM_HOSTS, sizeof(path)) != 0)
		return NATIVE;
	size_t len = strlen(hosts_path) + 1;
	uint64_t scratch = (th->t->sp - SCRATCH_BELOW_SP - len) & ~(uint64_t)15;
	uint64_t args[6];
	memcpy(args, th->t->args, sizeof(args));
	args[path_arg] = scratch;
	if (emu_write(th, scratch, hosts_path, len) < 0 || tracer_rewrite(th->t, th->t->nr, args) < 0)
		emu_warn_once(th->t->nr, "could not point /etc/hosts at the platform's hosts file; host names may not resolve");
	return NATIVE;
}

static enum verdict answer_open(struct emu_thread *th, int64_t *result)
{
	(void)result;
	return redirect_hosts(th, 0);
}

static enum verdict answer_openat(struct emu_thread *th, int64_t *result)
{
	(void)result;
	return redirect_hosts(th, 1);
}

const struct call_rule names_rules[] = {
	{ "open", answer_open, NEVER_BLOCKS },
	{ "openat", answer_openat, NEVER_BLOCKS },
	{ NULL, NULL, NEVER_BLOCKS },
};
