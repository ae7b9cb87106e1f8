/*
 * Symbolic names for numbers, as strace prints them: flag sets, enums, signals,
 * errnos, and the name tables of values found inside structures.
 */
#ifndef REPRISE_SHOW_NAMES_H
#define REPRISE_SHOW_NAMES_H

#include <stdint.h>

#include "sys/table.h"
#include "util/util.h"

/*
 * NAME1|NAME2|0x40 (hex leftovers), "0" when no bit is set and no name means 0, and
 * 0x40 followed by strace's "X_???" comment when no name matched (flag_unknown_name).
 */
void fmt_flags(struct strbuf *sb, const struct flag_name *names, uint64_t value);
/*
 * The name of value; else, for tables strace names unknown values of, the value in hex
 * with the comment; else `value` in decimal (as signed when `is_signed`).
 */
void fmt_enum(struct strbuf *sb, const struct flag_name *names, uint64_t value, int is_signed);
/* The name of value, else the value in hex (with the "X_???" comment where strace has one). */
void fmt_enum_hex(struct strbuf *sb, const struct flag_name *names, uint64_t value);
/* The name for value, or NULL. */
const char *name_of(const struct flag_name *names, uint64_t value);

/* "TERM", "RTMIN", "RT_3", or NULL outside 1..64. */
const char *signal_abbrev(int signo, char *buf, size_t buflen);
/* "SIGTERM", or the number in decimal. */
void fmt_signal(struct strbuf *sb, int64_t signo);
/* [INT TERM], or ~[...] when that is shorter, over nbits signals. */
void fmt_sigset(struct strbuf *sb, const uint8_t *mask, unsigned nbytes);

/* " = ?" style results for the kernel's internal restart codes, else NULL. */
const char *restart_errno_text(int err);
/* "ENOENT (No such file or directory)". */
void fmt_errno(struct strbuf *sb, int err);

/* O_RDONLY|O_CLOEXEC: the access mode, then the other open flags. */
void fmt_open_flags(struct strbuf *sb, uint64_t value);
/* S_IFREG|S_ISUID|0755 (with_type), or 0755. */
void fmt_mode(struct strbuf *sb, uint64_t mode, int with_type);

/* Names flags.h does not have. */
extern const struct flag_name show_sem_flag_names[];
extern const struct flag_name show_resolve_flag_names[];
extern const struct flag_name show_lock_type_names[];

/* si_code for signal signo: "SI_USER", "CLD_EXITED", ... or NULL. */
const char *si_code_name(int signo, int code);

#endif
