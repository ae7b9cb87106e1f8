#include "arch/arch.h"

#include <linux/audit.h>
#include <stddef.h>
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
