/*
 * reprise replay: the ordering watermark, the worker pool, the sandbox, descriptor maps, --data, the call rules,
 * the on-disk state record.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "replay/datafill.h"
#include "replay/fdmap.h"
#include "replay/rules.h"
#include "replay/sandbox.h"
#include "replay/sched.h"
#include "replay/shadow.h"
#include "replay/task.h"

static void test_watermark_advances_over_the_completed_prefix(void **state)
{
	(void)state;
	struct watermark w;
	watermark_init(&w);
	assert_int_equal(watermark_wait(&w, 0), 0);
	watermark_complete(&w, 2);
	watermark_complete(&w, 1);
	assert_int_equal(watermark_done(&w), 0);
	watermark_complete(&w, 0);
	assert_int_equal(watermark_done(&w), 3);
	/* far ahead of the prefix: the ring widens and keeps what it held */
	watermark_complete(&w, 5000);
	watermark_complete(&w, 4);
	assert_int_equal(watermark_done(&w), 3);
	for (uint64_t r = 3; r < 5000; r++)
		if (r != 4)
			watermark_complete(&w, r);
	assert_int_equal(watermark_done(&w), 5001);
	watermark_destroy(&w);
}

struct waiter {
	struct watermark *w;
	uint64_t need;
	int rc;
};

static void *wait_for(void *arg)
{
	struct waiter *x = arg;
	x->rc = watermark_wait(x->w, x->need);
	return NULL;
}

static void test_watermark_wakes_waiters_and_stops(void **state)
{
	(void)state;
	struct watermark w;
	watermark_init(&w);
	struct waiter a = { .w = &w, .need = 2, .rc = 9 }, b = { .w = &w, .need = 100, .rc = 9 };
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, wait_for, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, wait_for, &b), 0);
	watermark_complete(&w, 1);
	watermark_complete(&w, 0);
	pthread_join(ta, NULL);
	assert_int_equal(a.rc, 0);
	watermark_stop(&w);
	pthread_join(tb, NULL);
	assert_int_equal(b.rc, -1);
	watermark_destroy(&w);
}

/* Recycled items come back cleared, with their event memory, and copies stay exact. */
static void test_item_pool_recycles_items_and_stores(void **state)
{
	(void)state;
	uint8_t payload[300];
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	struct rpr_region region = { .phase = RPR_PHASE_ENTER, .addr = 0x1000, .size = sizeof(payload),
				     .stored = sizeof(payload), .data = payload };
	struct rpr_event ev = { .kind = RPR_EV_SYSCALL_ENTER, .tid = 42, .seq = 7, .nregions = 1, .regions = &region };
	struct item_pool pool = { 0 };
	struct replay_item *item = item_pool_get(&pool, ITEM_CALL);
	struct rpr_event *copy = replay_item_store(item, 0, &ev);
	assert_ptr_equal(item->enter, copy);
	assert_int_equal(copy->seq, 7);
	assert_ptr_not_equal(copy->regions[0].data, payload);
	assert_memory_equal(copy->regions[0].data, payload, sizeof(payload));
	item->rank = 3;
	void *mem = item->enter_store.mem;
	item_pool_put(&pool, item);
	assert_int_equal(pool.count, 1);

	struct replay_item *again = item_pool_get(&pool, ITEM_END);
	assert_ptr_equal(again, item);
	assert_int_equal(again->kind, ITEM_END);
	assert_int_equal(again->rank, NO_RANK);
	assert_null(again->enter);
	assert_ptr_equal(again->enter_store.mem, mem);
	ev.seq = 8;
	copy = replay_item_store(again, 1, &ev);
	assert_ptr_equal(again->exit, copy);
	assert_int_equal(copy->seq, 8);
	item_pool_put(&pool, again);
	item_pool_free(&pool);
	assert_int_equal(pool.count, 0);
	assert_null(pool.free);
}

struct job_state {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int released, running;
};

static void blocking_job(void *arg)
{
	struct job_state *s = arg;
	pthread_mutex_lock(&s->lock);
	s->running++;
	pthread_cond_broadcast(&s->cond);
	while (!s->released)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

/* Jobs that wait for each other must each get a thread: a recorded thread never waits for a free worker. */
static void test_pool_gives_every_job_a_thread(void **state)
{
	(void)state;
	struct worker_pool pool;
	worker_pool_init(&pool);
	struct job_state s = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	for (int i = 0; i < 5; i++)
		assert_int_equal(worker_pool_submit(&pool, blocking_job, &s), 0);
	pthread_mutex_lock(&s.lock);
	while (s.running < 5)
		pthread_cond_wait(&s.cond, &s.lock);
	s.released = 1;
	pthread_cond_broadcast(&s.cond);
	pthread_mutex_unlock(&s.lock);
	/* one thread per job that was running at once */
	assert_int_equal(worker_pool_threads(&pool), 5);
	worker_pool_finish(&pool);
}

static void test_join_normalizes_like_getcwd(void **state)
{
	(void)state;
	static const char *const cases[][3] = {
		{ "/a/b", "c", "/a/b/c" },          { "/a/b", "../c", "/a/c" },
		{ "/a", "/x/./y//z/", "/x/y/z" },     { "/a", "../../../../etc/passwd", "/etc/passwd" },
		{ "/", ".", "/" },                    { "/a/b", "..", "/a" },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *joined = sandbox_join(cases[k][0], cases[k][1]);
		assert_string_equal(joined, cases[k][2]);
		free(joined);
	}
}

static char root_dir[64];

static void make_root(struct sandbox *sb)
{
	char err[256];
	snprintf(root_dir, sizeof(root_dir), "/tmp/reprise-test-replay.XXXXXX");
	assert_non_null(mkdtemp(root_dir));
	assert_int_equal(sandbox_open(sb, root_dir, err, sizeof(err)), 0);
}

static void remove_root(struct sandbox *sb)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root_dir);
	sandbox_close(sb);
	assert_int_equal(system(cmd), 0);
}

static void test_sandbox_keeps_symlinks_inside(void **state)
{
	(void)state;
	struct sandbox sb;
	make_root(&sb);
	assert_int_equal(sandbox_mkdirs(&sb, "/etc/sub"), 0);
	char path[256];
	snprintf(path, sizeof(path), "%s/etc/escape", root_dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/etc/up", root_dir);
	assert_int_equal(symlink("../../../../..", path), 0);
	/* both resolve inside the root, where there is no passwd */
	assert_int_equal(sandbox_openat2(&sb, "/etc/escape", O_RDONLY, 0, 0), -ENOENT);
	assert_int_equal(sandbox_openat2(&sb, "/etc/up/etc/passwd", O_RDONLY, 0, 0), -ENOENT);
	int fd = sandbox_openat2(&sb, "/etc/up/etc/passwd", O_WRONLY | O_CREAT, 0600, 0);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/etc/passwd", root_dir);
	assert_int_equal(access(path, F_OK), 0);
	int dir;
	const char *base;
	assert_int_equal(sandbox_split(&sb, "/etc/sub/new", &dir, &base), 0);
	assert_string_equal(base, "new");
	close(dir);
	assert_int_equal(sandbox_split(&sb, "/etc/sub/..", &dir, &base), 0);
	assert_null(base);
	close(dir);
	assert_int_equal(sandbox_split(&sb, "/nowhere/new", &dir, &base), -ENOENT);
	remove_root(&sb);
}

static void test_fd_map_fork_dup_and_exec(void **state)
{
	(void)state;
	struct fd_map *m = fd_map_new();
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(fd_map_install(m, 3, p[0], 0, 0, strdup("/x")), 0);
	assert_int_equal(fd_map_install(m, 7, p[1], 1, 0, NULL), 0);
	assert_int_equal(fd_map_install(m, FD_MAP_LIMIT, dup(p[0]), 0, 0, NULL), -1);
	struct fd_map *child = fd_map_copy(m);
	struct fd_view v = fd_map_get(child, 3);
	assert_true(v.replay_fd >= 0 && v.replay_fd != p[0]);
	assert_string_equal(v.path, "/x");
	free(v.path);
	assert_int_equal(fd_map_get_cloexec(child, 7), 1);
	fd_map_exec(child);
	assert_int_equal(fd_map_get_cloexec(child, 7), -1);
	assert_int_equal(fd_map_get_cloexec(child, 3), 0);
	assert_int_equal(fd_map_close(child, 3), 0);
	assert_int_equal(fd_map_close(child, 3), -1);
	/* the parent's descriptors are its own */
	assert_int_equal(fd_map_get_cloexec(m, 3), 0);
	fd_map_release(child);
	struct fd_map *shared = fd_map_share(m);
	fd_map_release(shared);
	assert_int_equal(fd_map_get_cloexec(m, 7), 1);
	fd_map_release(m);
}

struct late_close {
	struct fd_map *map;
	int64_t fd;
};

static void *close_later(void *arg)
{
	struct late_close *c = arg;
	struct timespec pause = { .tv_sec = 0, .tv_nsec = 50 * 1000000 };
	nanosleep(&pause, NULL);
	assert_int_equal(fd_map_close(c->map, c->fd), 0);
	return NULL;
}

/* a number the recording shows reused: the new descriptor goes in only once the late close of the old one ran */
static void test_fd_map_reused_numbers_and_close_range(void **state)
{
	(void)state;
	struct fd_map *m = fd_map_new();
	int old_fd = open("/dev/null", O_RDONLY | O_CLOEXEC), new_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	assert_true(old_fd >= 0 && new_fd >= 0);
	assert_int_equal(fd_map_install(m, 3, old_fd, 0, 0, NULL), 0);
	struct late_close c = { m, 3 };
	pthread_t closer;
	assert_int_equal(pthread_create(&closer, NULL, close_later, &c), 0);
	assert_int_equal(fd_map_install_fresh(m, 3, new_fd, 0, 0, NULL, FD_MAP_REUSE_WAIT_MS), 0);
	assert_int_equal(pthread_join(closer, NULL), 0);
	struct fd_view v = fd_map_get(m, 3);
	assert_int_equal(v.replay_fd, new_fd);
	free(v.path);
	/* a filtered trace may lack the close: no wait, the number is taken over at once */
	int third = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(third >= 0);
	struct timespec before, after;
	clock_gettime(CLOCK_MONOTONIC, &before);
	assert_int_equal(fd_map_install_fresh(m, 3, third, 0, 0, NULL, 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &after);
	assert_true(after.tv_sec - before.tv_sec < 1);
	v = fd_map_get_fd(m, 3);
	assert_int_equal(v.replay_fd, third);
	/* close_range: marked close-on-exec, then closed, to the end of the table */
	int other = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(other >= 0);
	assert_int_equal(fd_map_install(m, 9, other, 0, 0, NULL), 0);
	fd_map_close_range(m, 4, UINT32_MAX, 1);
	assert_int_equal(fd_map_get_cloexec(m, 9), 1);
	assert_int_equal(fd_map_get_cloexec(m, 3), 0);
	fd_map_close_range(m, 4, UINT32_MAX, 0);
	assert_int_equal(fd_map_get_cloexec(m, 9), -1);
	assert_int_equal(fd_map_get_cloexec(m, 3), 0);
	fd_map_release(m);
}

static void test_data_modes(void **state)
{
	(void)state;
	struct data_fill f;
	uint8_t buf[8];
	assert_int_equal(data_fill_parse(&f, "pattern:0x5a"), 0);
	data_fill(&f, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x5a);
	assert_int_equal(data_fill_parse(&f, "recorded"), 0);
	data_fill_input(&f, buf, sizeof(buf), (const uint8_t *)"abc", 3);
	assert_memory_equal(buf, "abc\0\0\0\0\0", 8);
	assert_int_equal(data_fill_parse(&f, "zero"), 0);
	data_fill_input(&f, buf, sizeof(buf), (const uint8_t *)"abcdefgh", 8);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(data_fill_parse(&f, "random"), 0);
	assert_int_equal(data_fill_parse(&f, "urandom"), 0);
	assert_int_equal(data_fill_parse(&f, "pattern:256"), -1);
	assert_int_equal(data_fill_parse(&f, "pattern:"), -1);
	assert_int_equal(data_fill_parse(&f, "ones"), -1);
}

static void test_rules_from_the_table(void **state)
{
	(void)state;
	const struct arch *a = arch_native();
	struct replay_rule r = replay_rule_for(a, (uint32_t)arch_syscall_nr(a, "newfstatat"));
	uint64_t args[6] = { 0 };
	assert_int_equal(r.how, RH_GENERIC);
	assert_true(replay_rule_follows(&r, args));
	args[3] = AT_SYMLINK_NOFOLLOW;
	assert_false(replay_rule_follows(&r, args));
	r = replay_rule_for(a, (uint32_t)arch_syscall_nr(a, "symlink"));
	assert_int_equal(r.literal_arg, 0);
	assert_int_equal(replay_rule_for(a, (uint32_t)arch_syscall_nr(a, "openat")).how, RH_OPEN);
	assert_int_equal(replay_rule_for(a, (uint32_t)arch_syscall_nr(a, "mmap")).how, RH_NONE);
	assert_int_equal(replay_rule_for(a, (uint32_t)arch_syscall_nr(a, "close_range")).how, RH_CLOSE_RANGE);
	assert_int_equal(replay_rule_for(a, (uint32_t)arch_syscall_nr(a, "mkdirat")).mode_arg, 2);
}

/* Writes content into ROOT/name. */
static void put_file(const char *name, const char *content)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root_dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(content, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static const struct shadow_file *shadow_find(struct shadow_store *s, const char *path)
{
	for (unsigned b = 0; b < SHADOW_BUCKETS; b++)
		for (const struct shadow_file *f = s->buckets[b]; f; f = f->next_in_bucket)
			if (strcmp(f->path, path) == 0)
				return f;
	return NULL;
}

/* A sandbox root with its .reprise directory, and an on-disk state record logging there. */
static void open_shadow(struct sandbox *sb, struct shadow_store *s)
{
	make_root(sb);
	assert_int_equal(mkdirat(sb->root_fd, ".reprise", 0755) == 0 || errno == EEXIST, 1);
	char err[256];
	assert_int_equal(shadow_init(s, sb, err, sizeof(err)), 0);
}

static void test_shadow_keeps_the_last_bytes_written(void **state)
{
	(void)state;
	struct sandbox sb;
	struct shadow_store s;
	open_shadow(&sb, &s);
	/* sequential writes coalesce; an overwrite in the middle splits the range in three */
	shadow_truncate(&s, "/d/f", 0);
	shadow_write(&s, "/d/f", 0, (const uint8_t *)"hello", 5);
	shadow_write(&s, "/d/f", 5, (const uint8_t *)" world", 6);
	const struct shadow_file *f = shadow_find(&s, "/d/f");
	assert_non_null(f);
	assert_int_equal(f->content->nextents, 1);
	assert_int_equal(f->content->size, 11);
	shadow_write(&s, "/d/f", 2, (const uint8_t *)"LL", 2);
	assert_int_equal(f->content->nextents, 3);
	assert_int_equal(s.extents, 3);
	/* truncation drops what lies beyond; a rename of the directory carries the file along */
	shadow_truncate(&s, "/d/f", 9);
	assert_int_equal(f->content->size, 9);
	shadow_rename(&s, "/d", "/e", 0);
	assert_null(shadow_find(&s, "/d/f"));
	assert_non_null(shadow_find(&s, "/e/f"));
	shadow_link(&s, "/e/f", "/e/g");
	shadow_write(&s, "/gone", 0, (const uint8_t *)"x", 1);
	shadow_unlink(&s, "/gone");
	assert_null(shadow_find(&s, "/gone"));
	shadow_write(&s, "/lost", 0, NULL, 4);
	shadow_write(&s, "/mapped", 0, (const uint8_t *)"abc", 3);
	shadow_unknowable(&s, "/mapped", "mapped");

	assert_int_equal(mkdirat(sb.root_fd, "e", 0755), 0);
	put_file("e/f", "heLLo wor");
	put_file("e/g", "heLLo wxr");
	struct mismatch_log log;
	mismatch_log_init(&log, MISMATCH_IGNORE);
	struct shadow_outcome out;
	shadow_check(&s, &log, &out);
	assert_int_equal(out.checked, 2);
	assert_int_equal(out.differing, 1);
	assert_int_equal(log.count, 1);
	assert_int_equal(out.nunchecked, 2);
	shadow_outcome_free(&out);

	/* a file shorter than the record, or of another size than a truncation fixed, differs too */
	put_file("e/f", "heLLo");
	put_file("e/g", "heLLo world");
	shadow_check(&s, &log, &out);
	assert_int_equal(out.differing, 2);
	shadow_outcome_free(&out);
	mismatch_log_destroy(&log);
	shadow_free(&s);
	remove_root(&sb);
}

/* The names of a hard-linked file share one record: a write through either is expected through both. */
static void test_shadow_hard_links_share_their_bytes(void **state)
{
	(void)state;
	struct sandbox sb;
	struct shadow_store s;
	open_shadow(&sb, &s);
	shadow_write(&s, "/a", 0, (const uint8_t *)"one", 3);
	shadow_link(&s, "/a", "/b");
	shadow_write(&s, "/b", 0, (const uint8_t *)"ONE", 3);
	/* the file /a named is still there under /b */
	shadow_unlink(&s, "/a");
	assert_null(shadow_find(&s, "/a"));
	assert_int_equal(s.extents, 1);
	/* linked before anything was written to it: writes through the first name count for the second */
	shadow_link(&s, "/old", "/new");
	shadow_write(&s, "/old", 1, (const uint8_t *)"x", 1);
	/* renaming a name onto another name of the same file changes nothing */
	shadow_rename(&s, "/old", "/new", 0);
	assert_non_null(shadow_find(&s, "/old"));
	assert_ptr_equal(shadow_find(&s, "/old")->content, shadow_find(&s, "/new")->content);

	put_file("b", "ONE");
	put_file("old", "_x");
	put_file("new", "_x");
	struct mismatch_log log;
	mismatch_log_init(&log, MISMATCH_IGNORE);
	struct shadow_outcome out;
	shadow_check(&s, &log, &out);
	assert_int_equal(out.checked, 3);
	assert_int_equal(out.differing, 0);
	shadow_outcome_free(&out);
	put_file("new", "_y");
	shadow_check(&s, &log, &out);
	assert_int_equal(out.differing, 1);
	shadow_outcome_free(&out);
	mismatch_log_destroy(&log);
	shadow_free(&s);
	assert_int_equal(s.extents, 0);
	remove_root(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watermark_advances_over_the_completed_prefix),
		cmocka_unit_test(test_watermark_wakes_waiters_and_stops),
		cmocka_unit_test(test_item_pool_recycles_items_and_stores),
		cmocka_unit_test(test_pool_gives_every_job_a_thread),
		cmocka_unit_test(test_join_normalizes_like_getcwd),
		cmocka_unit_test(test_sandbox_keeps_symlinks_inside),
		cmocka_unit_test(test_fd_map_fork_dup_and_exec),
		cmocka_unit_test(test_fd_map_reused_numbers_and_close_range),
		cmocka_unit_test(test_data_modes),
		cmocka_unit_test(test_rules_from_the_table),
		cmocka_unit_test(test_shadow_keeps_the_last_bytes_written),
		cmocka_unit_test(test_shadow_hard_links_share_their_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
