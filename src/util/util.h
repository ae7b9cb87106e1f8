/* Small shared helpers: one-line user-facing errors and a growable string buffer. */
#ifndef REPRISE_UTIL_H
#define REPRISE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Prints "reprise: <message>\n" to stderr. */
void rp_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "reprise: warning: <message>\n" to stderr. */
void rp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one warning every reader of a trace gives when its recorder did not finish it. */
void rp_warn_incomplete_trace(const char *path, uint64_t lost_bytes, uint64_t valid_end);
/* rp_error, then exit(status). */
void rp_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* malloc/calloc/realloc that end the program with a one-line error when memory runs out. */
void *rp_malloc(size_t n);
void *rp_calloc(size_t n, size_t size);
void *rp_realloc(void *p, size_t n);
char *rp_strdup(const char *s);
char *rp_strndup(const char *s, size_t n);

struct strbuf {
	char *buf;   /* always NUL-terminated once anything was added */
	size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);

/* Parses a process or thread id (a positive decimal int); returns 0 or -1. */
int parse_pid(const char *s, int32_t *out);

/* Parses a size like 4096, 64k, 1M; returns 0 or -1. */
int parse_size(const char *s, uint64_t *out);

#endif
