/*
 * Hiding the vDSO from a freshly exec'd program. The kernel maps the vDSO and announces it
 * in the auxiliary vector; the C library then reads the clock there without a system
 * call, which no tracer can intercept. With the entry turned into AT_IGNORE the library
 * believes there is no vDSO and makes real calls. The vector sits above the new stack
 * pointer: argc, argv[] and its NULL, envp[] and its NULL, then (type, value) pairs.
 */
#include <elf.h>
#include <errno.h>

#include "arch/arch.h"
#include "tracer/tracer.h"

/* Programs with more argument and environment words than this keep their vDSO. */
#define MAX_STACK_WORDS (1u << 20)

static int read_word(struct tracee *t, uint64_t addr, uint64_t *word)
{
	if (tracer_read(t, addr, word, sizeof(*word)) != (long)sizeof(*word)) {
		errno = EFAULT;
		return -1;
	}
	return 0;
}

int tracer_hide_vdso(struct tracee *t)
{
	uint64_t sp, word;
	if (arch_stack_pointer(t->tid, &sp) < 0 || read_word(t, sp, &word) < 0)
		return -1;
	uint64_t addr = sp + 8 * (word + 2); /* past argc, argv[] and argv's NULL */
	for (unsigned n = 0;; n++, addr += 8) {
		if (n == MAX_STACK_WORDS || read_word(t, addr, &word) < 0) {
			errno = EFAULT;
			return -1;
		}
		if (word == 0)
			break;
	}
	for (addr += 8;; addr += 16) {
		if (read_word(t, addr, &word) < 0)
			return -1;
		if (word == AT_NULL)
			return 0;
		if (word == AT_SYSINFO_EHDR) {
			uint64_t ignore = AT_IGNORE;
			return tracer_write(t, addr, &ignore, sizeof(ignore)) == (long)sizeof(ignore) ? 0 : -1;
		}
	}
}
