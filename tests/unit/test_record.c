/* The recorder's map of each thread's call in progress. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "record/pending.h"

static void test_set_and_take(void **state)
{
	(void)state;
	struct pending_calls pc;
	pending_init(&pc);
	pending_set(&pc, 100, 7);
	pending_set(&pc, 200, 9);
	assert_int_equal(pending_take(&pc, 100), 7);
	assert_int_equal(pending_take(&pc, 100), 0);
	assert_int_equal(pending_take(&pc, 200), 9);
	assert_int_equal(pending_take(&pc, 300), 0);
	pending_set(&pc, 5, 1);
	pending_set(&pc, 5, 2);
	assert_int_equal(pending_take(&pc, 5), 2);
	assert_int_equal(pc.count, 0);
	pending_free(&pc);
}

/* Many threads, interleaved inserts and removals, with colliding home slots: nothing is lost. */
static void test_many_threads(void **state)
{
	(void)state;
	struct pending_calls pc;
	pending_init(&pc);
	enum { N = 5000 };
	for (int32_t tid = 1; tid <= N; tid++)
		pending_set(&pc, tid * 64, (uint64_t)tid * 10);
	for (int32_t tid = 1; tid <= N; tid += 2)
		assert_int_equal(pending_take(&pc, tid * 64), (uint64_t)tid * 10);
	for (int32_t tid = 2; tid <= N; tid += 2)
		assert_int_equal(pending_take(&pc, tid * 64), (uint64_t)tid * 10);
	assert_int_equal(pc.count, 0);
	for (int32_t tid = 1; tid <= N; tid++)
		assert_int_equal(pending_take(&pc, tid * 64), 0);
	pending_free(&pc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_take),
		cmocka_unit_test(test_many_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
