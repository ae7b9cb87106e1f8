/*
 * Signal family: SIGUSR1 sent to self with kill (handled once, then again after
 * being blocked and unblocked with sigprocmask); SIGALRM from alarm(1) interrupting
 * a blocking pipe read (EINTR without SA_RESTART); the same with SA_RESTART, whose
 * handler writes "w" into the pipe so the restarted read returns it; SIGUSR2
 * handled on an alternate stack set with sigaltstack.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>

#include "check.h"

static volatile sig_atomic_t usr1_count, alarm_count, usr2_on_alt_stack;
static int wake_pipe[2];
static char alt_stack[64 * 1024];

static void on_usr1(int signo)
{
	if (signo == SIGUSR1)
		usr1_count++;
}

static void on_alarm(int signo)
{
	(void)signo;
	alarm_count++;
}

static void on_alarm_wake(int signo)
{
	(void)signo;
	alarm_count++;
	if (write(wake_pipe[1], "w", 1) != 1)
		_exit(2);
}

static void on_usr2(int signo)
{
	(void)signo;
	char here;
	uintptr_t p = (uintptr_t)&here, lo = (uintptr_t)alt_stack;
	stack_t now;
	usr2_on_alt_stack = p >= lo && p < lo + sizeof(alt_stack) && sigaltstack(NULL, &now) == 0 &&
			    (now.ss_flags & SS_ONSTACK);
}

static void install(int signo, void (*handler)(int), int flags)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = flags };
	CHECK(sigemptyset(&sa.sa_mask) == 0);
	CHECK(sigaction(signo, &sa, NULL) == 0);
}

static void self_kill_and_mask(void)
{
	install(SIGUSR1, on_usr1, 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(usr1_count == 1);

	sigset_t usr1, old, pending;
	CHECK(sigemptyset(&usr1) == 0 && sigaddset(&usr1, SIGUSR1) == 0);
	CHECK(sigprocmask(SIG_BLOCK, &usr1, &old) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(usr1_count == 1);
	CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) == 1);
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	CHECK(usr1_count == 2);

	struct sigaction current;
	CHECK(sigaction(SIGUSR1, NULL, &current) == 0 && current.sa_handler == on_usr1);
}

static void alarm_interrupts_read(void)
{
	char c;
	install(SIGALRM, on_alarm, 0);
	alarm(1);
	CHECK(read(wake_pipe[0], &c, 1) == -1 && errno == EINTR);
	CHECK(alarm_count == 1);

	install(SIGALRM, on_alarm_wake, SA_RESTART);
	alarm(1);
	CHECK(read(wake_pipe[0], &c, 1) == 1 && c == 'w');
	CHECK(alarm_count == 2);
}

static void alternate_stack(void)
{
	stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof(alt_stack), .ss_flags = 0 }, old;
	CHECK(sigaltstack(&ss, &old) == 0);
	CHECK(old.ss_flags & SS_DISABLE);
	install(SIGUSR2, on_usr2, SA_ONSTACK);
	CHECK(raise(SIGUSR2) == 0);
	CHECK(usr2_on_alt_stack);
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	CHECK(pipe(wake_pipe) == 0);
	self_kill_and_mask();
	alarm_interrupts_read();
	alternate_stack();
	return 0;
}
