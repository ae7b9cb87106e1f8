/*
 * The architecture interface: the only code that knows syscall numbering and
 * register layout. Add an arch by adding a file beside x86_64.c and a row in
 * arch_by_name().
 */
#ifndef REPRISE_ARCH_H
#define REPRISE_ARCH_H

#include <stdint.h>
#include <sys/types.h>

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

/*
 * Register access to a ptrace-stopped thread of the native arch; each returns 0, or -1
 * with errno set.
 */
/* At a syscall-entry stop: the kernel will not run the call (the exit stop still comes). */
int arch_cancel_syscall(pid_t tid);
/*
 * At a syscall-entry stop: the kernel runs call nr with these arguments instead; at the
 * exit stop (nr ignored): puts the program's own argument registers back.
 */
int arch_set_syscall(pid_t tid, int64_t nr, const uint64_t args[6]);
/* At a syscall-exit stop: the value the call returns to the program. */
int arch_set_syscall_return(pid_t tid, int64_t value);
/*
 * At a syscall-exit stop: call nr ends as one the kernel cut short for a signal and may
 * make again: when no handler runs (the signal went to another thread), or when
 * after_handler is set and the handler has SA_RESTART (ERESTARTSYS; else ERESTARTNOHAND),
 * the thread makes the call again; otherwise it sees EINTR.
 */
int arch_interrupt_restartable(pid_t tid, int64_t nr, int after_handler);
/*
 * The kernel's own results for a call a signal cut short that it may make again: a tracer
 * sees them at the exit stop, programs never do (the same numbers on every Linux arch).
 */
enum { ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514, ERESTART_RESTARTBLOCK = 516 };
/* The thread's stack pointer (at an exec stop: where argc, argv, envp and auxv begin). */
int arch_stack_pointer(pid_t tid, uint64_t *sp);

#endif
