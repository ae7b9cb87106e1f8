/*
 * What each system call does to a process's descriptors and which descriptors its
 * result counts bytes for, derived once per trace from the syscall table (argument
 * and result kinds), with names only where the table cannot say (dup, fcntl,
 * close, the calls that move bytes between two descriptors).
 */
#ifndef REPRISE_STATS_FDRULES_H
#define REPRISE_STATS_FDRULES_H

#include <reprise/trace.h>
#include <stdint.h>

#include "arch/arch.h"
#include "stats/fdtable.h"
#include "stats/pathset.h"
#include "sys/select.h"

enum fd_role {
	ROLE_NONE,
	ROLE_OPEN,        /* a new descriptor for the path argument (open, openat, openat2, creat) */
	ROLE_NEW_FD,      /* a new descriptor of the rule's type (socket, accept, epoll_create, eventfd...) */
	ROLE_MEMFD,       /* a new regular file named memfd:NAME */
	ROLE_DUP,         /* a copy of argument 0 (dup, dup2, dup3) */
	ROLE_FCNTL,       /* F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD */
	ROLE_CLOSE,
	ROLE_CLOSE_RANGE,
	ROLE_FD_PAIR,     /* two new descriptors in an int[2] (pipe, pipe2, socketpair) */
	ROLE_READ,        /* the result is bytes read from argument 0 */
	ROLE_WRITE,       /* ...written to argument 0 */
	ROLE_RECV_MMSG,   /* the result counts messages; their msg_len fields count bytes */
	ROLE_SEND_MMSG,
	ROLE_TRANSFER,    /* bytes moved from in_arg to out_arg (sendfile, splice, tee, copy_file_range) */
	ROLE_FSTAT,       /* the struct stat filled for a descriptor tells its type */
	ROLE_FSTATAT,     /* ...when called with AT_EMPTY_PATH and "" */
	ROLE_STATX,
	ROLE_IOCTL,       /* FIOCLEX/FIONCLEX; a successful TCGETS means a terminal */
	ROLE_CHDIR,
	ROLE_FCHDIR,
	ROLE_EXEC,        /* execve/execveat: the path names the new program */
};

struct fd_call_rule {
	uint8_t role;         /* enum fd_role */
	uint8_t new_type;     /* enum fd_type for ROLE_NEW_FD and ROLE_FD_PAIR */
	uint8_t network;      /* a network call: an inherited descriptor it uses is a socket */
	int8_t note_arg;      /* the string argument the entry event's memory gives (path, memfd name), or -1 */
	int8_t dirfd_arg;     /* the directory a relative path is relative to, or -1 (the cwd) */
	int8_t flags_arg;     /* the argument holding the close-on-exec bit, or -1 */
	int8_t how_arg;       /* openat2's struct open_how, or -1 */
	int8_t pair_arg;      /* ROLE_FD_PAIR: the int[2] */
	int8_t in_arg, out_arg; /* ROLE_TRANSFER */
	uint64_t cloexec_bit;
};

struct fd_rules {
	struct fd_call_rule call[SYS_SET_MAX];
};

void fd_rules_init(struct fd_rules *r, const struct arch *a);

/* What the entry event held that the exit needs; free with fd_note_release. */
struct fd_call_note {
	char *text;          /* the rule's note_arg string, or NULL */
	uint64_t how_flags;  /* open_how.flags for openat2 */
};

void fd_note_take(const struct fd_rules *r, const struct rpr_event *enter, struct fd_call_note *note);
void fd_note_release(struct fd_call_note *note);

/* A process's view: its descriptors and working directory (NULL while unknown). */
struct fd_state {
	struct fd_table *fds;
	char *cwd;
};

struct io_transfer {
	uint8_t type;     /* enum fd_type */
	uint8_t written;  /* 0 read, 1 written */
	int32_t path;     /* index in the path set, or -1 */
	uint64_t bytes;
};

/*
 * Applies a finished call (nr, args, ret; `exit` for the memory it wrote) to st,
 * interning new paths in `paths`. Fills out[] with the byte transfers the result
 * stands for and returns how many (0..2).
 */
int fd_rules_apply(const struct fd_rules *r, struct fd_state *st, struct path_set *paths, uint32_t nr,
		   const uint64_t args[6], int64_t ret, const struct fd_call_note *note, const struct rpr_event *exit,
		   struct io_transfer out[2]);

#endif
