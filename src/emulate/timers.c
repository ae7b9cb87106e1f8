/* Timers in simulated time: alarm, interval timers, POSIX timers and timerfds. */
#include "emulate/calls.h"

const struct call_rule timer_rules[] = {
	{ NULL, NULL, NEVER_BLOCKS },
};
