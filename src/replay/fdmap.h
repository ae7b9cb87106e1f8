/*
 * A replayed process's view of its descriptors and file-system context. The
 * descriptor map takes each recorded descriptor number to a descriptor of the
 * replayer; maps are shared by processes created with CLONE_FILES and copied
 * (every descriptor dup'ed, so offsets stay shared as fork shares them) otherwise.
 * The fs context (recorded working directory and umask) is shared under CLONE_FS.
 */
#ifndef REPRISE_REPLAY_FDMAP_H
#define REPRISE_REPLAY_FDMAP_H

#include <pthread.h>
#include <stdint.h>

enum {
	FD_ORIGIN_STDIO = 1u << 0,   /* one of the descriptors the recorded program started with */
	FD_ORIGIN_OUTSIDE = 1u << 1, /* what replay does not reproduce (/proc, /sys, descriptors inherited from outside the recording): calls on it are kept, not replayed */
	FD_ORIGIN_DEVICE = 1u << 2,  /* a file under /dev: replayed on the root's stand-in, whose bytes are not the device's */
};

struct fd_slot {
	int replay_fd;     /* -1 when the recorded descriptor is not open */
	uint8_t cloexec;   /* the recorded close-on-exec flag (replay's own descriptors always have it) */
	uint8_t origin;    /* FD_ORIGIN_* bits */
	char *path;        /* the recorded absolute path it was opened by, or NULL */
};

struct fd_map {
	pthread_mutex_t lock;
	pthread_cond_t closed;   /* a descriptor was closed */
	unsigned users;
	uint32_t cap;
	struct fd_slot *slots;
};

/* What a lookup gives: the replayer's descriptor (-1 if none) and a copy of the facts. */
struct fd_view {
	int replay_fd;
	uint8_t origin;
	char *path;  /* owned by the caller, NULL if unknown */
};

struct fd_map *fd_map_new(void);
/* A private copy (fork): every open descriptor dup'ed. */
struct fd_map *fd_map_copy(struct fd_map *m);
struct fd_map *fd_map_share(struct fd_map *m);
/* Drops one user; the last one closes every descriptor. */
void fd_map_release(struct fd_map *m);

/* Recorded fd numbers beyond this are refused (the kernel's default nr_open). */
#define FD_MAP_LIMIT (1 << 20)

struct fd_view fd_map_get(struct fd_map *m, int64_t fd);
/* The same without the path (path NULL): for the many calls that only need the descriptor. */
struct fd_view fd_map_get_fd(struct fd_map *m, int64_t fd);
/* Puts replay_fd at recorded fd, closing what was there; takes ownership of path. 0, or -1 if fd is out of range. */
int fd_map_install(struct fd_map *m, int64_t fd, int replay_fd, int cloexec, uint8_t origin, char *path);
/*
 * Installs at a number the kernel chose (open, pipe): the recording proves the number
 * was free then, so a descriptor still there belongs to a close that overlapped this
 * call in the recording and is not replayed yet. Waits for it up to wait_ms (after which
 * the replay has diverged, and it is replaced as fd_map_install does).
 */
int fd_map_install_fresh(struct fd_map *m, int64_t fd, int replay_fd, int cloexec, uint8_t origin, char *path,
			 unsigned wait_ms);
#define FD_MAP_REUSE_WAIT_MS 2000

/* Closes the recorded descriptor. 0, or -1 if it was not open. */
int fd_map_close(struct fd_map *m, int64_t fd);
/* The recorded close-on-exec flag: 0/1, or -1 if fd is not open. */
int fd_map_get_cloexec(struct fd_map *m, int64_t fd);
int fd_map_set_cloexec(struct fd_map *m, int64_t fd, int cloexec);
/* close_range over recorded numbers first..last: closes them, or with set_cloexec marks them close-on-exec. */
void fd_map_close_range(struct fd_map *m, uint64_t first, uint64_t last, int set_cloexec);
/* An exec: closes the close-on-exec descriptors. */
void fd_map_exec(struct fd_map *m);

struct fs_context {
	pthread_mutex_t lock;
	unsigned users;
	char *cwd;        /* recorded absolute working directory */
	uint32_t umask;
};

struct fs_context *fs_context_new(const char *cwd, uint32_t umask);
struct fs_context *fs_context_copy(struct fs_context *f);
struct fs_context *fs_context_share(struct fs_context *f);
void fs_context_release(struct fs_context *f);
/* A copy of the working directory. */
char *fs_context_cwd(struct fs_context *f);
/* Takes ownership of cwd. */
void fs_context_chdir(struct fs_context *f, char *cwd);
/* Sets the umask, returning the previous one; the read alone with set < 0. */
uint32_t fs_context_umask(struct fs_context *f, int64_t set);

/* A replayed process: what its threads share. */
struct replay_process {
	pthread_mutex_t lock;
	unsigned threads;
	struct fd_map *fds;
	struct fs_context *fs;
};

struct replay_process *replay_process_new(struct fd_map *fds, struct fs_context *fs);
struct replay_process *replay_process_join(struct replay_process *p);
/* The process after a thread's exec: its descriptor map made private, then close-on-exec applied. */
void replay_process_exec(struct replay_process *p);
void replay_process_leave(struct replay_process *p);

#endif
