#include "sys/select.h"

#include <stdio.h>
#include <string.h>

#include "sys/table.h"

struct class_name {
	const char *name; /* without the leading '%' */
	uint32_t bits;    /* enum sys_class; a call belongs if it has any of them */
};

static const struct class_name class_names[] = {
	{ "file", SC_FILE },
	{ "desc", SC_DESC },
	{ "network", SC_NETWORK },
	{ "net", SC_NETWORK },
	{ "process", SC_PROCESS },
	{ "memory", SC_MEMORY },
	{ "signal", SC_SIGNAL },
	{ "ipc", SC_IPC },
	{ "creds", SC_CREDS },
	{ "clock", SC_CLOCK },
	{ "stat", SC_STAT_PATH },
	{ "lstat", SC_LSTAT },
	{ "fstat", SC_FSTAT },
	{ "%stat", SC_STAT },
	{ "statfs", SC_STATFS },
	{ "fstatfs", SC_FSTATFS },
	{ "%statfs", SC_STATFS_ANY },
	{ "pure", SC_PURE },
};

void sys_set_fill(struct sys_set *set)
{
	memset(set->bits, 0xff, sizeof(set->bits));
}

static void set_add(struct sys_set *set, uint32_t nr)
{
	if (nr < SYS_SET_MAX)
		set->bits[nr / 64] |= UINT64_C(1) << (nr % 64);
}

static void add_class(struct sys_set *set, const struct arch *a, uint32_t bits)
{
	for (uint32_t nr = 0; nr < a->nr_count; nr++) {
		const struct sys_entry *e = sys_by_nr(a, nr);
		if (e && (e->classes & bits))
			set_add(set, nr);
	}
}

static const struct class_name *find_class(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if (strlen(class_names[i].name) == len && memcmp(class_names[i].name, name, len) == 0)
			return &class_names[i];
	return NULL;
}

/* Adds one comma-separated item; 0, or -1 if nothing by that name exists. */
static int add_item(struct sys_set *set, const struct arch *a, const char *item, size_t len)
{
	if (len == 3 && memcmp(item, "all", 3) == 0) {
		sys_set_fill(set);
		return 0;
	}
	if (len == 4 && memcmp(item, "none", 4) == 0)
		return 0;
	if (len > 1 && item[0] == '%') {
		const struct class_name *c = find_class(item + 1, len - 1);
		if (!c)
			return -1;
		add_class(set, a, c->bits);
		return 0;
	}
	for (uint32_t nr = 0; nr < a->nr_count; nr++) {
		const char *name = a->names[nr];
		if (name && strlen(name) == len && memcmp(name, item, len) == 0) {
			set_add(set, nr);
			return 0;
		}
	}
	return -1;
}

int sys_set_parse(struct sys_set *set, const struct arch *a, const char *expr, char *err, size_t errlen)
{
	memset(set, 0, sizeof(*set));
	const char *p = expr;
	if (strncmp(p, "trace=", 6) == 0)
		p += 6;
	int negate = 0;
	if (*p == '!') {
		negate = 1;
		p++;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (add_item(set, a, p, len) < 0) {
			snprintf(err, errlen, "unknown syscall or class '%.*s' in -e trace=", (int)len, p);
			return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (negate)
		for (size_t i = 0; i < sizeof(set->bits) / sizeof(set->bits[0]); i++)
			set->bits[i] = ~set->bits[i];
	return 0;
}

int sys_set_is_full(const struct sys_set *set, const struct arch *a)
{
	for (uint32_t nr = 0; nr < a->nr_count; nr++)
		if (a->names[nr] && !sys_set_has(set, nr))
			return 0;
	return 1;
}
