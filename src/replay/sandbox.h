/*
 * The replay root: every recorded path, absolute or relative, names a file under
 * it. Paths are kept as the recording spelled them, made absolute against the
 * process's recorded working directory, and resolved with openat2(RESOLVE_IN_ROOT)
 * from the root's descriptor, so neither ".." nor a symlink (absolute or relative)
 * reaches outside the root.
 */
#ifndef REPRISE_REPLAY_SANDBOX_H
#define REPRISE_REPLAY_SANDBOX_H

#include <stdint.h>

struct sandbox {
	int root_fd;  /* O_PATH descriptor of the root */
	char *root;   /* its absolute path */
};

/* Opens an existing directory as the root. 0, or -1 with a one-line reason in err. */
int sandbox_open(struct sandbox *sb, const char *dir, char *err, unsigned errlen);
void sandbox_close(struct sandbox *sb);

/*
 * The recorded path made absolute against `base` (a recorded absolute directory) with
 * ".", ".." and repeated slashes removed as the text says, as getcwd shows a directory:
 * a new string. Resolution in the root then never meets a "..".
 */
char *sandbox_join(const char *base, const char *path);

/*
 * openat2 of a recorded absolute path inside the root, with O_CLOEXEC added.
 * A descriptor, or -errno.
 */
int sandbox_openat2(const struct sandbox *sb, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve);

/* An O_PATH descriptor of the path (following a final symlink inside the root), or -errno. */
int sandbox_resolve(const struct sandbox *sb, const char *path);

/*
 * Splits a recorded absolute path into its directory, resolved to an O_PATH
 * descriptor inside the root (*dir_fd), and its last component (*base, pointing into path,
 * trailing slashes kept). 0, or -errno. A last component of "." or ".." or none
 * gives *base = NULL: the path names a directory that resolving the whole of it gives.
 */
int sandbox_split(const struct sandbox *sb, const char *path, int *dir_fd, const char **base);

/* mkdir -p of a recorded absolute directory inside the root. 0 or -errno. */
int sandbox_mkdirs(const struct sandbox *sb, const char *path);

#endif
