/*
 * One system call in strace's syntax, driven by the syscall table's argument kinds:
 * the arguments (whole, or split around "<unfinished ...>"), the result and the
 * data dumps of --data.
 */
#ifndef REPRISE_SHOW_FORMAT_H
#define REPRISE_SHOW_FORMAT_H

#include <stdint.h>

#include "reprise/trace.h"
#include "show/style.h"
#include "sys/table.h"
#include "util/util.h"

struct call {
	const struct arch *arch;
	const struct sys_entry *entry; /* NULL for numbers the table does not know */
	uint32_t nr;
	const uint64_t *args;          /* as the call entered */
	const struct rpr_event *enter;
	const struct rpr_event *exit;  /* NULL while the call has not returned */
};

/* Memory the call touched at `phase`; NULL if it was not captured. */
const uint8_t *call_mem(const struct call *c, unsigned phase, uint64_t addr, uint64_t len, uint64_t *avail);

/* 1 if the call returned and failed: the kernel's result is -errno. */
int call_failed(const struct call *c);

/* NULL, or the address in hex. */
void fmt_address(struct strbuf *sb, uint64_t addr);

/* "openat", or "syscall_0x1c8" for numbers without a name. */
void fmt_call_name(struct strbuf *sb, const struct call *c);

/* Which arguments to print: the part strace knows at entry, the part it prints on return, or all. */
enum fmt_part { FMT_ALL, FMT_AT_ENTRY, FMT_AT_EXIT };

/*
 * The arguments of part, without parentheses. FMT_AT_ENTRY ends with ", " when arguments
 * remain for the exit; the two parts joined equal FMT_ALL.
 */
void fmt_call_args(struct strbuf *sb, const struct call *c, enum fmt_part part, const struct show_style *st);

/* "= 3", "= -1 ENOENT (No such file or directory)", "= ?", with any "(...)" note strace adds. */
void fmt_call_result(struct strbuf *sb, const struct call *c, const struct show_style *st);

/* Hex dumps of the data buffers the call read or wrote (--data). */
void fmt_call_data(struct strbuf *sb, const struct call *c);

#endif
