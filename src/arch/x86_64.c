#include "arch/arch.h"

#include <linux/audit.h>
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <ucontext.h>

static const char *const x86_64_names[] = {
#define SYSCALL_NAME(nr, name) [nr] = #name,
#include "arch/x86_64_names.h"
#undef SYSCALL_NAME
};

const struct arch arch_x86_64 = {
	.name = "x86_64",
	.audit_arch = AUDIT_ARCH_X86_64,
	.nr_count = sizeof(x86_64_names) / sizeof(x86_64_names[0]),
	.names = x86_64_names,
	/*
	 * The handler's return popped the frame's pretcode, so the stack pointer is at the
	 * frame's struct ucontext, whose layout glibc's ucontext_t repeats on x86_64.
	 */
	.sigframe_mask_offset = offsetof(ucontext_t, uc_sigmask),
};

#if defined(__x86_64__)
static int poke_register(pid_t tid, size_t offset, uint64_t value)
{
	return ptrace(PTRACE_POKEUSER, tid, (void *)offset, (void *)(uintptr_t)value) < 0 ? -1 : 0;
}

int arch_cancel_syscall(pid_t tid)
{
	/* The kernel runs no call for number -1 and leaves rax for the exit stop to set. */
	return poke_register(tid, offsetof(struct user_regs_struct, orig_rax), (uint64_t)-1);
}

int arch_set_syscall(pid_t tid, int64_t nr, const uint64_t args[6])
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) < 0)
		return -1;
	regs.orig_rax = (uint64_t)nr;
	regs.rdi = args[0];
	regs.rsi = args[1];
	regs.rdx = args[2];
	regs.r10 = args[3];
	regs.r8 = args[4];
	regs.r9 = args[5];
	return ptrace(PTRACE_SETREGS, tid, 0, &regs) < 0 ? -1 : 0;
}

int arch_set_syscall_return(pid_t tid, int64_t value)
{
	return poke_register(tid, offsetof(struct user_regs_struct, rax), (uint64_t)value);
}

int arch_interrupt_restartable(pid_t tid, int64_t nr, int after_handler)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) < 0)
		return -1;
	/* The kernel's signal delivery restarts a call from orig_rax, which the skipped call left at -1. */
	regs.orig_rax = (uint64_t)nr;
	regs.rax = (uint64_t)-(after_handler ? ERESTARTSYS : ERESTARTNOHAND);
	return ptrace(PTRACE_SETREGS, tid, 0, &regs) < 0 ? -1 : 0;
}

int arch_stack_pointer(pid_t tid, uint64_t *sp)
{
	errno = 0;
	long v = ptrace(PTRACE_PEEKUSER, tid, (void *)offsetof(struct user_regs_struct, rsp), 0);
	if (v == -1 && errno)
		return -1;
	*sp = (uint64_t)v;
	return 0;
}
#endif
