#include "replay/rules.h"

#include <fcntl.h>
#include <stddef.h>
#include <string.h>

/* name, how, follow, flag argument and bit, literal path argument, mode argument */
#define RULE(n, h, fo, fa, fb, lit, mode) { #n, { .how = (h), .follow = (fo), .flag_arg = (fa), .flag_bit = (fb), \
					 .literal_arg = (lit), .mode_arg = (mode) } }
#define IO(n) RULE(n, RH_GENERIC, FOLLOW_NEVER, -1, 0, -1, -1)
#define OWN(n, h) RULE(n, h, FOLLOW_NEVER, -1, 0, -1, -1)
#define FOLLOWS(n) RULE(n, RH_GENERIC, FOLLOW_ALWAYS, -1, 0, -1, -1)
#define NOFOLLOW_FLAG(n, arg) RULE(n, RH_GENERIC, FOLLOW_UNLESS_FLAG, arg, AT_SYMLINK_NOFOLLOW, -1, -1)
#define CREATES(n, h, mode) RULE(n, h, FOLLOW_NEVER, -1, 0, -1, mode)

static const struct {
	const char *name;
	struct replay_rule rule;
} rules[] = {
	/* data and descriptor calls: only descriptors and buffers to translate */
	IO(read), IO(pread64), IO(readv), IO(preadv), IO(preadv2),
	IO(write), IO(pwrite64), IO(writev), IO(pwritev), IO(pwritev2),
	IO(lseek), IO(fsync), IO(fdatasync), IO(sync_file_range), IO(ftruncate), IO(fallocate),
	IO(fadvise64), IO(flock), IO(syncfs), IO(sync), IO(fstatfs), IO(fstat), IO(getdents64),
	IO(fchmod), IO(fchown), IO(fsetxattr), IO(fgetxattr), IO(flistxattr), IO(fremovexattr),
	IO(copy_file_range), IO(sendfile), IO(splice), IO(tee),
	/* calls on paths that act on what a final symlink points at */
	FOLLOWS(stat), FOLLOWS(truncate), FOLLOWS(access), FOLLOWS(faccessat), FOLLOWS(chown),
	FOLLOWS(utime), FOLLOWS(utimes), FOLLOWS(futimesat), FOLLOWS(statfs),
	FOLLOWS(setxattr), FOLLOWS(getxattr), FOLLOWS(listxattr), FOLLOWS(removexattr),
	FOLLOWS(chmod), FOLLOWS(fchmodat),
	NOFOLLOW_FLAG(newfstatat, 3), NOFOLLOW_FLAG(statx, 2), NOFOLLOW_FLAG(faccessat2, 3),
	NOFOLLOW_FLAG(fchownat, 4), NOFOLLOW_FLAG(utimensat, 3),
	/* calls that name the link itself */
	IO(lstat), IO(lchown), IO(readlink), IO(readlinkat), IO(rmdir), IO(unlink), IO(unlinkat),
	IO(rename), IO(renameat), IO(renameat2), IO(link),
	IO(lsetxattr), IO(lgetxattr), IO(llistxattr), IO(lremovexattr),
	RULE(linkat, RH_GENERIC, FOLLOW_IF_FLAG, 4, AT_SYMLINK_FOLLOW, -1, -1),
	RULE(symlink, RH_GENERIC, FOLLOW_NEVER, -1, 0, 0, -1), RULE(symlinkat, RH_GENERIC, FOLLOW_NEVER, -1, 0, 0, -1),
	CREATES(mkdir, RH_GENERIC, 1), CREATES(mkdirat, RH_GENERIC, 2),
	CREATES(mknod, RH_GENERIC, 1), CREATES(mknodat, RH_GENERIC, 2),
	/* calls on replay's own per-process state */
	CREATES(open, RH_OPEN, 2), CREATES(openat, RH_OPEN, 3), CREATES(creat, RH_OPEN, 1), OWN(openat2, RH_OPEN),
	OWN(close, RH_CLOSE), OWN(dup, RH_DUP), OWN(dup2, RH_DUP), OWN(dup3, RH_DUP), OWN(fcntl, RH_FCNTL),
	OWN(pipe, RH_PIPE), OWN(pipe2, RH_PIPE), OWN(chdir, RH_CHDIR), OWN(fchdir, RH_FCHDIR),
	OWN(getcwd, RH_GETCWD), OWN(umask, RH_UMASK), OWN(close_range, RH_CLOSE_RANGE),
};

struct replay_rule replay_rule_for(const struct arch *a, uint32_t nr)
{
	const char *name = arch_syscall_name(a, nr);
	for (size_t i = 0; name && i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].name, name) == 0)
			return rules[i].rule;
	return (struct replay_rule){ .how = RH_NONE, .flag_arg = -1, .literal_arg = -1, .mode_arg = -1 };
}

int replay_rule_follows(const struct replay_rule *r, const uint64_t args[6])
{
	switch (r->follow) {
	case FOLLOW_ALWAYS:
		return 1;
	case FOLLOW_UNLESS_FLAG:
		return (args[r->flag_arg] & r->flag_bit) == 0;
	case FOLLOW_IF_FLAG:
		return (args[r->flag_arg] & r->flag_bit) != 0;
	default:
		return 0;
	}
}
