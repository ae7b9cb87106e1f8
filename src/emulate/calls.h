/*
 * How the emulator answers a call stopped at its entry. Each rule names a syscall; the
 * driver finds its number through the arch table and calls `answer`, which either
 * returns ANSWERED with the result the program will see (the kernel never runs the call)
 * or NATIVE to let the kernel run it.
 */
#ifndef REPRISE_EMULATE_CALLS_H
#define REPRISE_EMULATE_CALLS_H

#include <stdint.h>
#include <sys/types.h>

#include "emulate/world.h"

enum verdict { NATIVE, ANSWERED };

/*
 * Whether a natively run call may wait in the kernel for another traced program, in
 * increasing order of caution: when several rules let a call through, the most cautious wins.
 */
enum blocking { NEVER_BLOCKS, BLOCKS_ON_FD0, MAY_BLOCK };

struct call_rule {
	const char *name;
	enum verdict (*answer)(struct emu_thread *th, int64_t *result);
	enum blocking blocking;
};

extern const struct call_rule vtime_rules[];
extern const struct call_rule timer_rules[];
extern const struct call_rule net_rules[];
extern const struct call_rule translate_rules[];
extern const struct call_rule random_rules[];
extern const struct call_rule multiplex_rules[];
extern const struct call_rule names_rules[];

/*
 * The entry of table (n entries of size bytes, each starting with a syscall's name) for
 * the call the thread makes, or NULL: how a rule answering several calls tells them apart.
 */
const void *emu_call_entry(const struct emu_thread *th, const void *table, size_t n, size_t size);

/* Reads or writes the thread's memory whole; 0, or -1 (the call then fails with EFAULT). */
int emu_read(struct emu_thread *th, uint64_t addr, void *buf, size_t len);
int emu_write(struct emu_thread *th, uint64_t addr, const void *buf, size_t len);

/*
 * The poll(2) bits descriptor fd of process pid has now in the kernel (a copy of it taken
 * with pidfd_getfd, polled without waiting); POLLNVAL when pid has no such descriptor.
 */
short native_poll(pid_t pid, int fd, short events);
/* Whether fd of process pid is an epoll set: 1, 0, or -1 when there is no such descriptor. */
int native_epoll_kind(pid_t pid, int fd);
/* Whether the kernel's epoll set epfd of process pid watches any descriptor. */
int native_epoll_watches(pid_t pid, int epfd);

/*
 * Writes the hosts file that opens of /etc/hosts are given (after net_init): 0, or -1
 * with a message in err. names_free removes it.
 */
int names_init(char *err, size_t errlen);
void names_free(void);

/* Frees the generators getrandom used. */
void random_free(void);

/* Simulated seconds since the start. */
double emu_clock(void);

/*
 * A program asking again, at once, what it was just told while nothing it watches
 * changed is busy-looping (iperf3 does, polling a writable socket while it waits for its
 * peer's word). On a real machine each turn takes time; here a turn that takes none
 * would stop simulated time for good. So a wait on several descriptors whose answer,
 * summed up by signature, repeats the process's last one waits for a change or a
 * microsecond, doubling while the loop goes on; returns whether it waited (the caller
 * then looks again). signature 0 says the call had to wait, which ends the loop.
 */
int emu_busy_turn(struct emu_thread *th, uint64_t signature);
/* One step of the hash that sums up an answer. */
uint64_t emu_mix(uint64_t h, uint64_t v);

/*
 * Whether the thread has a pending signal that would end a wait in the kernel now; worth
 * asking again when emu_signals_sent (signals of timers and programs, and deaths) changed.
 */
int emu_signal_interrupts(struct emu_thread *th);
uint64_t emu_signals_sent(void);
/*
 * For a wait that started when emu_signals_sent was *checked: whether a signal sent since
 * would end it in the kernel now (*checked is brought up to date). Signals pending at the
 * call's entry were delivered before it.
 */
int emu_signal_since(struct emu_thread *th, uint64_t *checked);

/*
 * What a call a signal cut short answers when the kernel may make it again: when no handler
 * runs (another thread took the signal), and for EMU_EINTR_RESTART also after a handler with
 * SA_RESTART. Socket calls without a timeout answer EMU_EINTR_RESTART, as Linux's
 * sock_intr_errno; waits on several descriptors without a timeout EMU_EINTR_NOHAND.
 */
#define EMU_EINTR_RESTART 512
#define EMU_EINTR_NOHAND 514
/*
 * Makes the answered call ending with one of those end as the kernel's would: the handler
 * runs and the call is made again if that says so, or the program sees EINTR. Returns the
 * result to answer with.
 */
int64_t emu_interrupted_answer(struct emu_thread *th, int64_t result);

/* Timers end with their process; an exec ends its POSIX timers. timers_free frees what is left. */
void timers_exec(struct emu_process *p);
void timers_process_ended(struct emu_process *p);
void timers_free(void);

#endif
