#include "arch/arch.h"

#include <string.h>

extern const struct arch arch_x86_64;

static const struct arch *const known_arches[] = { &arch_x86_64 };

const struct arch *arch_native(void)
{
#if defined(__x86_64__)
	return &arch_x86_64;
#else
#error "reprise has no arch description for this machine yet (see src/arch/arch.h)"
#endif
}

const struct arch *arch_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(known_arches) / sizeof(known_arches[0]); i++)
		if (strcmp(known_arches[i]->name, name) == 0)
			return known_arches[i];
	return NULL;
}

const char *arch_syscall_name(const struct arch *a, uint32_t nr)
{
	return nr < a->nr_count ? a->names[nr] : NULL;
}

int arch_syscall_nr(const struct arch *a, const char *name)
{
	for (unsigned nr = 0; nr < a->nr_count; nr++)
		if (a->names[nr] && strcmp(a->names[nr], name) == 0)
			return (int)nr;
	return -1;
}
