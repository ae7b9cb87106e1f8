#include "replay/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/util.h"

int sandbox_open(struct sandbox *sb, const char *dir, char *err, unsigned errlen)
{
	sb->root = realpath(dir, NULL);
	if (!sb->root) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	sb->root_fd = open(sb->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sb->root_fd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(sb->root);
		sb->root = NULL;
		return -1;
	}
	return 0;
}

void sandbox_close(struct sandbox *sb)
{
	if (sb->root_fd >= 0)
		close(sb->root_fd);
	sb->root_fd = -1;
	free(sb->root);
	sb->root = NULL;
}

char *sandbox_join(const char *base, const char *path)
{
	const char *dir = path[0] == '/' || !base ? "" : base;
	size_t dir_len = strlen(dir), path_len = strlen(path), cap = dir_len + path_len + 3;
	/* by hand: snprintf cost more than the rest of the join, on every path a replayed call takes */
	char *joined = rp_malloc(cap);
	memcpy(joined, dir, dir_len);
	joined[dir_len] = '/';
	memcpy(joined + dir_len + 1, path, path_len + 1);
	char *out = rp_malloc(cap);
	size_t len = 0;
	for (char *p = joined; *p;) {
		while (*p == '/')
			p++;
		char *end = p;
		while (*end && *end != '/')
			end++;
		size_t n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p = end;
	}
	if (!len)
		out[len++] = '/';
	out[len] = 0;
	free(joined);
	return out;
}

int sandbox_openat2(const struct sandbox *sb, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct open_how how = { .flags = flags | O_CLOEXEC, .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
				.resolve = resolve | RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	long fd = syscall(SYS_openat2, sb->root_fd, path[0] ? path : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int sandbox_resolve(const struct sandbox *sb, const char *path)
{
	return sandbox_openat2(sb, path, O_PATH, 0, 0);
}

int sandbox_split(const struct sandbox *sb, const char *path, int *dir_fd, const char **base)
{
	size_t end = strlen(path);
	while (end > 0 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t len = end - start;
	if (len == 0 || (len == 1 && path[start] == '.') || (len == 2 && path[start] == '.' && path[start + 1] == '.')) {
		*base = NULL;
		*dir_fd = sandbox_resolve(sb, path);
		return *dir_fd < 0 ? *dir_fd : 0;
	}
	char *dir = rp_strndup(path, start);
	*dir_fd = sandbox_openat2(sb, dir[0] ? dir : "/", O_PATH | O_DIRECTORY, 0, 0);
	free(dir);
	*base = path + start;
	return *dir_fd < 0 ? *dir_fd : 0;
}

int sandbox_mkdirs(const struct sandbox *sb, const char *path)
{
	char *copy = rp_strdup(path);
	int rc = 0;
	for (char *slash = copy + 1;; slash++) {
		if (*slash != '/' && *slash)
			continue;
		char saved = *slash;
		*slash = 0;
		int dir;
		const char *base;
		rc = sandbox_split(sb, copy, &dir, &base);
		if (rc == 0 && base && mkdirat(dir, base, 0755) < 0 && errno != EEXIST)
			rc = -errno;
		if (dir >= 0)
			close(dir);
		*slash = saved;
		if (rc < 0 || !saved)
			break;
	}
	free(copy);
	return rc;
}
