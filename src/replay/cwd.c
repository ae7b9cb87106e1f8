#include "replay/cwd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/exec.h"
#include "reprise/trace.h"
#include "util/util.h"

/* PWD=... among the environment strings execve passed, or NULL. */
static char *pwd_of_exec(const struct rpr_event *enter)
{
	uint64_t envp = enter->u.enter.args[2];
	for (uint64_t k = 0; envp && k < 4096; k++) {
		const uint8_t *slot = exec_recorded(enter, RPR_PHASE_ENTER, envp + k * 8, 8);
		uint64_t addr;
		if (!slot)
			return NULL;
		memcpy(&addr, slot, 8);
		if (!addr)
			return NULL;
		const char *s = exec_recorded_string(enter, addr);
		if (s && strncmp(s, "PWD=/", 5) == 0)
			return rp_strdup(s + 4);
	}
	return NULL;
}

char *infer_initial_cwd(const char *trace, const struct arch *a, char *err, unsigned errlen)
{
	struct rpr_reader *r = rpr_reader_open(trace, 0, err, errlen);
	if (!r)
		return NULL;
	int getcwd_nr = arch_syscall_nr(a, "getcwd"), execve_nr = arch_syscall_nr(a, "execve");
	int chdir_nr = arch_syscall_nr(a, "chdir"), fchdir_nr = arch_syscall_nr(a, "fchdir");
	int32_t first_pid = 0;
	char *from_env = NULL, *found = NULL;
	const struct rpr_event *ev;
	for (unsigned n = 0; n < CWD_SCAN_EVENTS && !found && rpr_reader_next(r, &ev) > 0; n++) {
		if (!first_pid)
			first_pid = ev->pid;
		if (ev->pid != first_pid)
			continue;
		if (ev->kind == RPR_EV_SYSCALL_ENTER && (int)ev->u.enter.nr == execve_nr && !from_env)
			from_env = pwd_of_exec(ev);
		if (ev->kind != RPR_EV_SYSCALL_EXIT || ev->u.exit.ret < 0)
			continue;
		if ((int)ev->u.exit.nr == chdir_nr || (int)ev->u.exit.nr == fchdir_nr)
			break;
		if ((int)ev->u.exit.nr == getcwd_nr) {
			for (uint32_t i = 0; i < ev->nregions && !found; i++) {
				const struct rpr_region *reg = &ev->regions[i];
				if (reg->phase == RPR_PHASE_EXIT && reg->data && reg->stored && reg->data[0] == '/' &&
				    memchr(reg->data, 0, reg->stored))
					found = rp_strdup((const char *)reg->data);
			}
		}
	}
	rpr_reader_close(r);
	if (found) {
		free(from_env);
		return found;
	}
	return from_env ? from_env : rp_strdup("/");
}
