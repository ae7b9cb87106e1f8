/*
 * The architecture interface: the only code that knows syscall numbering and
 * register layout. Add an arch by adding a file beside x86_64.c and a row in
 * arch_by_name().
 */
#ifndef REPRISE_ARCH_H
#define REPRISE_ARCH_H

#include <stdint.h>

struct arch {
	const char *name;          /* as written in trace headers: "x86_64" */
	uint32_t audit_arch;       /* AUDIT_ARCH_* that PTRACE_GET_SYSCALL_INFO reports */
	unsigned nr_count;         /* numbers 0..nr_count-1 may have names */
	const char *const *names;  /* names[nr], NULL where the number is unused */
	/*
	 * Where rt_sigreturn finds the signal mask to restore: its offset from the stack
	 * pointer at the syscall's entry, inside the signal frame the kernel built.
	 */
	uint32_t sigframe_mask_offset;
};

/* The arch this binary runs on. */
const struct arch *arch_native(void);

/* An arch by trace-header name, or NULL if this build does not know it. */
const struct arch *arch_by_name(const char *name);

/* The syscall's name, or NULL for numbers the arch does not name. */
const char *arch_syscall_name(const struct arch *a, uint32_t nr);

/* The number of a named syscall, or -1 if this arch has no such call. */
int arch_syscall_nr(const struct arch *a, const char *name);

#endif
