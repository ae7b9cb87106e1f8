/*
 * The ptrace loop. Tracees are seized (PTRACE_SEIZE) so that group-stops can be told
 * apart from signal deliveries and job control keeps working (PTRACE_LISTEN), and
 * syscall arguments and results come from PTRACE_GET_SYSCALL_INFO so that no register
 * layout is needed here. When only some calls are traced, a seccomp filter installed in
 * the child before exec stops just those (PTRACE_EVENT_SECCOMP), and the rest run at
 * native speed.
 */
#include "tracer/tracer.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "tracer/filter.h"
#include "tracer/tasks.h"
#include "util/util.h"

#define SYSCALL_STOP (SIGTRAP | 0x80)

struct tracer {
	const struct tracer_config *cfg;
	struct tracer_config session_cfg; /* a session's (tracer_open) configuration: defaults */
	const struct tracer_handler *h;
	struct task_table tasks;
	int seccomp;          /* stops come from the seccomp filter (PTRACE_CONT between calls) */
	int detaching;        /* detach from everything, leaving it running */
	pid_t root;           /* the started command, 0 when attaching */
	int root_status;
	int nr_execve, nr_execveat, nr_clone, nr_clone3;
};

static volatile sig_atomic_t pending_signal;

static void note_signal(int sig)
{
	pending_signal = sig;
}

uint64_t tracer_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static pid_t read_tgid(pid_t tid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return tid;
	pid_t tgid = tid;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

static void detach_now(struct tracer *tr, struct task *task, int sig, uint64_t ts)
{
	if (task->t.in_syscall && tr->h->syscall_exit)
		tr->h->syscall_exit(tr->h->ctx, &task->t, 0, TX_DETACHED, ts);
	if (ptrace(PTRACE_DETACH, task->t.tid, 0, (void *)(long)sig) < 0 && errno != ESRCH)
		rp_warn("cannot detach from %d: %s", (int)task->t.tid, strerror(errno));
	if (tr->h->detach && !task->hidden)
		tr->h->detach(tr->h->ctx, &task->t, ts);
	tasks_remove(&tr->tasks, task);
}

static void resume(struct tracer *tr, struct task *task, int sig, uint64_t ts)
{
	if (task->hold) {
		task->held_signal = sig;
		return;
	}
	if (task->detaching) {
		detach_now(tr, task, sig, ts);
		return;
	}
	int req = (!tr->seccomp || task->t.in_syscall) ? PTRACE_SYSCALL : PTRACE_CONT;
	if (ptrace(req, task->t.tid, 0, (void *)(long)sig) < 0 && errno != ESRCH)
		rp_warn("cannot resume %d: %s", (int)task->t.tid, strerror(errno));
}

static void announce(struct tracer *tr, struct task *task, enum tracer_origin how, pid_t parent, uint64_t flags, uint64_t ts)
{
	task->announced = 1;
	if (tr->h->task_new)
		tr->h->task_new(tr->h->ctx, &task->t, how, parent, flags, ts);
}

static void unhide(struct tracer *tr, struct task *task, uint64_t ts)
{
	task->hidden = 0;
	announce(tr, task, TO_ROOT, 0, 0, ts);
}

static void on_syscall_stop(struct tracer *tr, struct task *task, uint64_t ts)
{
	struct __ptrace_syscall_info info;
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, task->t.tid, sizeof(info), &info) <= 0) {
		if (errno != ESRCH)
			rp_warn("cannot read syscall state of %d: %s", (int)task->t.tid, strerror(errno));
		return;
	}
	struct tracee *t = &task->t;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY || info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		uint32_t nr = (uint32_t)info.entry.nr; /* seccomp.nr and .args share entry's layout */
		if (task->hidden) {
			if ((int)nr != tr->nr_execve && (int)nr != tr->nr_execveat)
				return;
			unhide(tr, task, ts);
		}
		if (tr->cfg->trace && !tr->seccomp && !sys_set_has(tr->cfg->trace, nr))
			return;
		t->in_syscall = 1;
		t->nr = nr;
		memcpy(t->args, info.entry.args, sizeof(t->args));
		t->sp = info.stack_pointer;
		if (tr->h->syscall_enter)
			tr->h->syscall_enter(tr->h->ctx, t, ts);
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && t->in_syscall) {
		t->in_syscall = 0;
		int64_t ret = info.exit.rval;
		if (task->rewritten) {
			task->rewritten = 0;
			if (arch_set_syscall(t->tid, t->nr, t->args) < 0 && errno != ESRCH)
				rp_warn("cannot restore the arguments of %d's call: %s", (int)t->tid, strerror(errno));
		}
		if (task->skipped) {
			task->skipped = 0;
			ret = task->skip_result;
			if (arch_set_syscall_return(t->tid, ret) < 0 && errno != ESRCH)
				rp_warn("cannot set the result of %d's call: %s", (int)t->tid, strerror(errno));
		}
		if (tr->h->syscall_exit)
			tr->h->syscall_exit(tr->h->ctx, t, ret, 0, ts);
	}
}

static uint64_t clone_flags_of(struct tracer *tr, struct task *parent)
{
	struct tracee *t = &parent->t;
	if (!t->in_syscall)
		return 0;
	if ((int)t->nr == tr->nr_clone)
		return t->args[0];
	uint64_t flags = 0;
	if ((int)t->nr == tr->nr_clone3 && tracer_read(t, t->args[0], &flags, sizeof(flags)) != sizeof(flags))
		flags = 0;
	return flags;
}

static void on_new_child(struct tracer *tr, struct task *parent, int event, uint64_t ts)
{
	unsigned long msg = 0;
	if (ptrace(PTRACE_GETEVENTMSG, parent->t.tid, 0, &msg) < 0)
		return;
	pid_t tid = (pid_t)msg;
	struct task *child = tasks_find(&tr->tasks, tid);
	if (!child) {
		child = tasks_add(&tr->tasks, tid, read_tgid(tid));
		child->initial_stop_pending = 1;
	}
	child->detaching = tr->detaching;
	enum tracer_origin how = event == PTRACE_EVENT_VFORK ? TO_VFORK
			       : event == PTRACE_EVENT_FORK  ? TO_FORK
			       : child->t.pid == parent->t.pid ? TO_THREAD
							       : TO_CLONE;
	if (!parent->hidden)
		announce(tr, child, how, parent->t.tid, clone_flags_of(tr, parent), ts);
	else
		child->hidden = 1;
	if (child->held) {
		child->held = 0;
		resume(tr, child, 0, ts);
	}
}

static struct task *on_exec(struct tracer *tr, struct task *task, uint64_t ts)
{
	unsigned long msg = 0;
	pid_t former = task->t.tid;
	if (ptrace(PTRACE_GETEVENTMSG, task->t.tid, 0, &msg) == 0)
		former = (pid_t)msg;
	if (former != task->t.tid) {
		/* A non-leader thread exec'd: the kernel gave it the leader's tid; the old leader is gone. */
		struct task *execer = tasks_find(&tr->tasks, former);
		if (execer) {
			pid_t leader = task->t.tid;
			if (task->t.in_syscall && tr->h->syscall_exit)
				tr->h->syscall_exit(tr->h->ctx, &task->t, 0, TX_NO_RETURN, ts);
			tasks_remove(&tr->tasks, task);
			tasks_retid(&tr->tasks, execer, leader);
			task = execer;
		}
	}
	if (task->hidden)
		unhide(tr, task, ts);
	if (tr->h->exec)
		tr->h->exec(tr->h->ctx, &task->t, former, ts);
	return task;
}

static int is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_stop(struct tracer *tr, struct task *task, int status, uint64_t ts)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;

	if (sig == SYSCALL_STOP) {
		on_syscall_stop(tr, task, ts);
		resume(tr, task, 0, ts);
		return;
	}
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_syscall_stop(tr, task, ts);
		resume(tr, task, 0, ts);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_child(tr, task, event, ts);
		resume(tr, task, 0, ts);
		return;
	case PTRACE_EVENT_EXEC:
		task = on_exec(tr, task, ts);
		resume(tr, task, 0, ts);
		return;
	case PTRACE_EVENT_STOP:
		if (task->initial_stop_pending) {
			task->initial_stop_pending = 0;
			resume(tr, task, 0, ts);
		} else if (is_stop_signal(sig)) {
			if (!task->hidden && tr->h->group_stop)
				tr->h->group_stop(tr->h->ctx, &task->t, sig, ts);
			if (task->detaching)
				detach_now(tr, task, 0, ts);
			else if (ptrace(PTRACE_LISTEN, task->t.tid, 0, 0) < 0 && errno != ESRCH)
				rp_warn("cannot keep %d in its group-stop: %s", (int)task->t.tid, strerror(errno));
		} else {
			resume(tr, task, 0, ts);
		}
		return;
	case 0:
		break;
	default:
		resume(tr, task, 0, ts);
		return;
	}
	/* A signal is about to be delivered: record it and let it through unchanged. */
	siginfo_t si;
	if (ptrace(PTRACE_GETSIGINFO, task->t.tid, 0, &si) < 0) {
		resume(tr, task, sig, ts);
		return;
	}
	if (!task->hidden && tr->h->signal)
		tr->h->signal(tr->h->ctx, &task->t, &si, ts);
	resume(tr, task, sig, ts);
}

static void on_death(struct tracer *tr, struct task *task, int status, uint64_t ts)
{
	if (task->t.in_syscall && tr->h->syscall_exit)
		tr->h->syscall_exit(tr->h->ctx, &task->t, 0, TX_NO_RETURN | (WIFSIGNALED(status) ? TX_KILLED : 0), ts);
	if (!task->hidden && tr->h->task_exit)
		tr->h->task_exit(tr->h->ctx, &task->t, status, ts);
	if (task->t.tid == tr->root)
		tr->root_status = status;
	tasks_remove(&tr->tasks, task);
}

/* A stop or death of a tid we do not know yet: a new child reported before its parent's clone event. */
static void on_unknown(struct tracer *tr, pid_t tid, int status)
{
	if (!WIFSTOPPED(status))
		return;
	struct task *task = tasks_add(&tr->tasks, tid, read_tgid(tid));
	task->held = 1;
	task->detaching = tr->detaching;
}

static void interrupt_for_detach(struct task *task, void *arg)
{
	(void)arg;
	task->detaching = 1;
	if (ptrace(PTRACE_INTERRUPT, task->t.tid, 0, 0) < 0 && errno != ESRCH)
		rp_warn("cannot interrupt %d to detach: %s", (int)task->t.tid, strerror(errno));
}

static int install_signal_handlers(struct tracer *tr)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = note_signal; /* no SA_RESTART: waitpid must return EINTR */
	sigemptyset(&sa.sa_mask);
	int forwarded[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		/* A started command gets Ctrl-C and Ctrl-\ from the terminal itself; reprise just outlives it. */
		if (tr->root && (forwarded[i] == SIGINT || forwarded[i] == SIGQUIT)) {
			if (signal(forwarded[i], SIG_IGN) == SIG_ERR)
				return -1;
			continue;
		}
		if (sigaction(forwarded[i], &sa, NULL) < 0)
			return -1;
	}
	return 0;
}

static void handle_pending_signal(struct tracer *tr)
{
	int sig = pending_signal;
	if (!sig)
		return;
	pending_signal = 0;
	if (tr->root) {
		if (kill(tr->root, sig) < 0 && errno != ESRCH)
			rp_warn("cannot pass signal %d to %d: %s", sig, (int)tr->root, strerror(errno));
	} else if (!tr->detaching) {
		tr->detaching = 1;
		tasks_each(&tr->tasks, interrupt_for_detach, NULL);
	}
}

static int seize_thread(struct tracer *tr, pid_t pid, pid_t tid, unsigned long opts)
{
	if (ptrace(PTRACE_SEIZE, tid, 0, (void *)opts) < 0) {
		if (errno == ESRCH && tid != pid)
			return 0; /* the thread ended meanwhile */
		rp_error("cannot attach to %d: %s", (int)tid, strerror(errno));
		return -1;
	}
	struct task *task = tasks_add(&tr->tasks, tid, pid);
	task->initial_stop_pending = 1;
	announce(tr, task, TO_ATTACHED, 0, 0, tracer_now());
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0 && errno != ESRCH) {
		rp_error("cannot stop %d after attaching: %s", (int)tid, strerror(errno));
		return -1;
	}
	return 0;
}

/* Seizes every thread of pid, rescanning until no new thread appears while we do. */
static int attach_process(struct tracer *tr, pid_t pid, unsigned long opts)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	for (int added = 1; added;) {
		added = 0;
		DIR *dir = opendir(path);
		if (!dir) {
			rp_error("cannot attach to %d: %s", (int)pid, errno == ENOENT ? "no such process" : strerror(errno));
			return -1;
		}
		struct dirent *de;
		while ((de = readdir(dir))) {
			pid_t tid = (pid_t)atoi(de->d_name);
			if (tid <= 0 || tasks_find(&tr->tasks, tid))
				continue;
			if (seize_thread(tr, pid, tid, opts) < 0) {
				closedir(dir);
				return -1;
			}
			added = 1;
		}
		closedir(dir);
	}
	return 0;
}

/*
 * Finds the program as execvp would, but before forking, so that the trace starts with
 * the one execve that runs it rather than one failed attempt per PATH entry.
 */
int tracer_find_program(const char *name, char *out, size_t outlen)
{
	if (strchr(name, '/')) {
		snprintf(out, outlen, "%s", name);
		return 0;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int err = ENOENT;
	while (*path) {
		size_t len = strcspn(path, ":");
		snprintf(out, outlen, "%.*s%s%s", (int)len, path, len ? "/" : "", name);
		if (access(out, X_OK) == 0) {
			struct stat st;
			if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
				return 0;
		} else if (errno == EACCES) {
			err = EACCES;
		}
		path += len + (path[len] == ':');
	}
	errno = err;
	return -1;
}

/* The started pid; 0: could not be run, *status says how; -1: error. */
static pid_t start_command(struct tracer *tr, char *const argv[], char *const envp[], const char *cwd,
			   struct filter *filter, unsigned long opts, int *status_out)
{
	char prog[PATH_MAX];
	if (tracer_find_program(argv[0], prog, sizeof(prog)) < 0) {
		/* As a shell would: the command "exits" with 127 (not found) or 126 (not executable). */
		int err = errno;
		rp_error("cannot run '%s': %s", argv[0], strerror(err));
		*status_out = (err == ENOENT ? 127 : 126) << 8;
		return 0;
	}
	pid_t pid = fork();
	if (pid < 0) {
		rp_error("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* Wait here until the tracer has seized us, so that nothing after this point is missed. */
		kill(getpid(), SIGSTOP);
		if (cwd && chdir(cwd) < 0) {
			fprintf(stderr, "reprise: cannot run '%s' in %s: %s\n", argv[0], cwd, strerror(errno));
			_exit(126);
		}
		if (filter) {
			int rc = filter_install(filter);
			if (rc < 0) {
				fprintf(stderr, "reprise: cannot install the seccomp filter: %s\n", strerror(-rc));
				_exit(127);
			}
		}
		if (envp)
			execve(prog, argv, envp);
		else
			execv(prog, argv);
		int err = errno;
		fprintf(stderr, "reprise: cannot run '%s': %s\n", argv[0], strerror(err));
		_exit(err == ENOENT ? 127 : 126);
	}
	int status;
	while (waitpid(pid, &status, WSTOPPED) < 0) {
		if (errno != EINTR) {
			rp_error("cannot wait for the command: %s", strerror(errno));
			return -1;
		}
	}
	if (!WIFSTOPPED(status)) {
		rp_error("the command ended before it could be traced");
		return -1;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)(opts | PTRACE_O_EXITKILL)) < 0) {
		rp_error("cannot trace the command: %s", strerror(errno));
		kill(pid, SIGKILL);
		return -1;
	}
	struct task *task = tasks_add(&tr->tasks, pid, pid);
	task->hidden = 1;
	task->initial_stop_pending = 1;
	if (kill(pid, SIGCONT) < 0) {
		rp_error("cannot continue the command: %s", strerror(errno));
		return -1;
	}
	return pid;
}

static void dispatch(struct tracer *tr, pid_t tid, int status)
{
	uint64_t ts = tracer_now();
	struct task *task = tasks_find(&tr->tasks, tid);
	if (!task)
		on_unknown(tr, tid, status);
	else if (WIFSTOPPED(status))
		on_stop(tr, task, status, ts);
	else if (WIFEXITED(status) || WIFSIGNALED(status))
		on_death(tr, task, status, ts);
}

static const unsigned long trace_options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
					   PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;

static void tracer_init(struct tracer *tr, const struct tracer_config *cfg, const struct tracer_handler *h)
{
	memset(tr, 0, sizeof(*tr));
	tr->cfg = cfg;
	tr->h = h;
	const struct arch *a = arch_native();
	tr->nr_execve = arch_syscall_nr(a, "execve");
	tr->nr_execveat = arch_syscall_nr(a, "execveat");
	tr->nr_clone = arch_syscall_nr(a, "clone");
	tr->nr_clone3 = arch_syscall_nr(a, "clone3");
	tasks_init(&tr->tasks);
}

struct tracer *tracer_open(const struct tracer_handler *h)
{
	struct tracer *tr = rp_malloc(sizeof(*tr));
	tracer_init(tr, NULL, h);
	tr->cfg = &tr->session_cfg;
	return tr;
}

pid_t tracer_start(struct tracer *tr, char *const argv[], char *const envp[], const char *cwd)
{
	int status = 0;
	pid_t pid = start_command(tr, argv, envp, cwd, NULL, trace_options, &status);
	return pid > 0 ? pid : -1;
}

int tracer_step(struct tracer *tr, pid_t tid, int nohang)
{
	if (!tasks_find(&tr->tasks, tid))
		return 0;
	int status;
	pid_t got;
	while ((got = waitpid(tid, &status, __WALL | (nohang ? WNOHANG : 0))) < 0 && errno == EINTR)
		;
	if (got < 0) {
		rp_error("cannot wait for %d: %s", (int)tid, strerror(errno));
		return -1;
	}
	if (got == 0)
		return 0;
	dispatch(tr, tid, status);
	return 1;
}

struct tracee *tracer_find(struct tracer *tr, pid_t tid)
{
	struct task *task = tasks_find(&tr->tasks, tid);
	return task ? &task->t : NULL;
}

static void kill_task(struct task *task, void *arg)
{
	(void)arg;
	if (kill(task->t.tid, SIGKILL) < 0 && errno != ESRCH)
		rp_warn("cannot kill %d: %s", (int)task->t.tid, strerror(errno));
}

static void reap_task(struct task *task, void *arg)
{
	(void)arg;
	int status;
	for (;;) {
		pid_t got = waitpid(task->t.tid, &status, __WALL);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || !WIFSTOPPED(status))
			return;
	}
}

void tracer_close(struct tracer *tr)
{
	tasks_each(&tr->tasks, kill_task, NULL);
	tasks_each(&tr->tasks, reap_task, NULL);
	tasks_free(&tr->tasks);
	free(tr);
}

void tracer_hold(struct tracee *t)
{
	task_of(t)->hold = 1;
}

void tracer_release(struct tracer *tr, struct tracee *t)
{
	struct task *task = task_of(t);
	int sig = task->held_signal;
	task->hold = 0;
	task->held_signal = 0;
	resume(tr, task, sig, tracer_now());
}

int tracer_skip(struct tracee *t, int64_t result)
{
	struct task *task = task_of(t);
	if (!task->skipped && arch_cancel_syscall(t->tid) < 0)
		return -1;
	task->skipped = 1;
	task->skip_result = result;
	return 0;
}

int tracer_rewrite(struct tracee *t, uint32_t nr, const uint64_t args[6])
{
	if (arch_set_syscall(t->tid, nr, args) < 0)
		return -1;
	task_of(t)->rewritten = 1;
	return 0;
}

int tracer_set_return(struct tracee *t, int64_t result)
{
	return arch_set_syscall_return(t->tid, result);
}

int tracer_run(const struct tracer_config *cfg, const struct tracer_handler *h)
{
	struct tracer tr;
	tracer_init(&tr, cfg, h);
	unsigned long opts = trace_options;
	struct filter *filter = NULL;
	int rc = -1;
	if (cfg->argv && cfg->trace && !cfg->no_seccomp && !sys_set_is_full(cfg->trace, arch_native())) {
		char err[256];
		filter = filter_build(cfg->trace, err, sizeof(err));
		if (!filter) {
			rp_error("%s", err);
			goto out;
		}
		tr.seccomp = 1;
		opts |= PTRACE_O_TRACESECCOMP;
	}
	if (cfg->argv) {
		pid_t started = start_command(&tr, cfg->argv, NULL, NULL, filter, opts, &tr.root_status);
		if (started < 0)
			goto out;
		if (started == 0) {
			rc = tr.root_status;
			goto out;
		}
		tr.root = started;
	} else {
		for (size_t i = 0; i < cfg->nattach; i++)
			if (attach_process(&tr, cfg->attach[i], opts) < 0)
				goto out;
	}
	if (install_signal_handlers(&tr) < 0) {
		rp_error("cannot install signal handlers: %s", strerror(errno));
		goto out;
	}

	while (tr.tasks.count > 0) {
		handle_pending_signal(&tr);
		int status;
		pid_t tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			rp_error("waitpid: %s", strerror(errno));
			goto out;
		}
		dispatch(&tr, tid, status);
	}
	rc = tr.root ? tr.root_status : 0;
out:
	if (rc < 0 && tr.root)
		kill(tr.root, SIGKILL);
	filter_free(filter);
	tasks_free(&tr.tasks);
	return rc;
}
