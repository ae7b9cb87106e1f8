#include "stats/summary.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void stats_summary_init(struct stats_summary *s, const struct rpr_header *hdr, const struct arch *a)
{
	memset(s, 0, sizeof(*s));
	s->arch = a;
	sys_set_fill(&s->selected);
	fd_rules_init(&s->rules, a);
	/* an attached trace's argv is "-p PID...": no command there */
	if (hdr->argc > 0 && hdr->argv[0] && !(hdr->flags & RPR_HDR_ATTACHED))
		s->root_command = rp_strdup(hdr->argv[0]);
}

static void release_process(struct process_summary *p)
{
	free(p->command);
	fd_table_release(p->fd.fds);
	free(p->fd.cwd);
}

void stats_summary_free(struct stats_summary *s)
{
	for (uint32_t nr = 0; nr < SYS_SET_MAX; nr++)
		free(s->calls[nr].latency);
	path_set_free(&s->paths);
	for (size_t k = 0; k < s->nprocs; k++)
		release_process(&s->procs[k]);
	free(s->procs);
	for (size_t k = 0; k < s->ntasks; k++)
		fd_note_release(&s->tasks[k].note);
	free(s->tasks);
	idmap_free(&s->pid_index);
	idmap_free(&s->tid_index);
	free(s->root_command);
	memset(s, 0, sizeof(*s));
}

static int counted_process(const struct stats_summary *s, int32_t pid)
{
	if (!s->npids)
		return 1;
	for (size_t k = 0; k < s->npids; k++)
		if (s->pids[k] == pid)
			return 1;
	return 0;
}

#define NO_PARENT UINT32_MAX

/* A new process record for pid; the process at index `parent` (or NO_PARENT) gives it a command, a cwd and descriptors. */
static uint32_t new_process(struct stats_summary *s, int32_t pid, uint32_t parent_index, uint64_t clone_flags)
{
	if (s->nprocs == s->procs_cap) {
		s->procs_cap = s->procs_cap ? s->procs_cap * 2 : 16;
		s->procs = rp_realloc(s->procs, s->procs_cap * sizeof(*s->procs));
	}
	struct process_summary *p = &s->procs[s->nprocs];
	*p = (struct process_summary){ .pid = pid, .threads = 1 };
	const struct process_summary *parent = parent_index == NO_PARENT ? NULL : &s->procs[parent_index];
	if (parent) {
		p->command = parent->command ? rp_strdup(parent->command) : NULL;
		p->fd.cwd = parent->fd.cwd ? rp_strdup(parent->fd.cwd) : NULL;
		if (clone_flags & CLONE_FILES) {
			p->fd.fds = parent->fd.fds;
			p->fd.fds->users++;
		} else {
			p->fd.fds = fd_table_copy(parent->fd.fds);
		}
	} else {
		p->fd.fds = fd_table_new();
	}
	idmap_put(&s->pid_index, pid, (uint32_t)s->nprocs);
	return (uint32_t)s->nprocs++;
}

static uint32_t process_of_pid(struct stats_summary *s, int32_t pid)
{
	uint32_t k;
	if (idmap_get(&s->pid_index, pid, &k))
		return k;
	return new_process(s, pid, NO_PARENT, 0);
}

static struct task_state *task_of(struct stats_summary *s, int32_t tid, int32_t pid)
{
	uint32_t k;
	if (idmap_get(&s->tid_index, tid, &k))
		return &s->tasks[k];
	if (s->ntasks == s->tasks_cap) {
		s->tasks_cap = s->tasks_cap ? s->tasks_cap * 2 : 16;
		s->tasks = rp_realloc(s->tasks, s->tasks_cap * sizeof(*s->tasks));
	}
	struct task_state *t = &s->tasks[s->ntasks];
	*t = (struct task_state){ .process = process_of_pid(s, pid) };
	idmap_put(&s->tid_index, tid, (uint32_t)s->ntasks++);
	return t;
}

static void forget_pending(struct task_state *t)
{
	t->pending = 0;
	fd_note_release(&t->note);
}

static void on_task_new(struct stats_summary *s, const struct rpr_event *ev)
{
	uint32_t proc;
	if (ev->u.task_new.how == RPR_TASK_THREAD ||
	    (ev->u.task_new.how == RPR_TASK_ATTACHED && ev->tid != ev->pid && idmap_get(&s->pid_index, ev->pid, &proc))) {
		proc = process_of_pid(s, ev->pid);
		s->procs[proc].threads++;
	} else if ((ev->u.task_new.how == RPR_TASK_ROOT || ev->u.task_new.how == RPR_TASK_ATTACHED) &&
		   idmap_get(&s->pid_index, ev->pid, &proc) && s->procs[proc].end == PROCESS_RUNNING) {
		/* announced again (the recorder met it once more): still the same process */
	} else if (ev->u.task_new.how == RPR_TASK_ROOT || ev->u.task_new.how == RPR_TASK_ATTACHED) {
		proc = new_process(s, ev->pid, NO_PARENT, 0);
		if (ev->u.task_new.how == RPR_TASK_ROOT) {
			struct process_summary *p = &s->procs[proc];
			p->command = s->root_command ? rp_strdup(s->root_command) : NULL;
			for (int fd = 0; fd < 3; fd++)
				fd_table_use(p->fd.fds, fd);
		}
	} else {
		uint32_t parent_task, parent = NO_PARENT;
		if (idmap_get(&s->tid_index, ev->u.task_new.parent_tid, &parent_task))
			parent = s->tasks[parent_task].process;
		proc = new_process(s, ev->pid, parent, ev->u.task_new.clone_flags);
	}
	struct task_state *t = task_of(s, ev->tid, ev->pid);
	forget_pending(t);
	t->process = proc;
}

static void on_exec(struct stats_summary *s, const struct rpr_event *ev)
{
	struct task_state *t = task_of(s, ev->tid, ev->pid);
	uint32_t former;
	if (ev->u.exec.former_tid && ev->u.exec.former_tid != ev->tid &&
	    idmap_get(&s->tid_index, ev->u.exec.former_tid, &former)) {
		/* the execve in progress moves to the leader's tid with the thread that made it */
		forget_pending(t);
		*t = s->tasks[former];
		s->tasks[former] = (struct task_state){ .process = t->process };
	}
	struct process_summary *p = &s->procs[t->process];
	int execing = t->pending && t->nr < SYS_SET_MAX && s->rules.call[t->nr].role == ROLE_EXEC;
	if (execing && t->note.text) {
		free(p->command);
		p->command = rp_strdup(t->note.text);
	}
	fd_table_unshare(&p->fd.fds);
	fd_table_close_on_exec(p->fd.fds);
}

static int is_error(int64_t ret)
{
	return ret < 0 && ret >= -4095;
}

static void on_exit_event(struct stats_summary *s, const struct rpr_event *ev)
{
	struct task_state *t = task_of(s, ev->tid, ev->pid);
	/* the entry is the pending one by seq; by number too, for writers that leave enter_seq unset */
	if (!t->pending || (t->enter_seq != ev->u.exit.enter_seq && t->nr != ev->u.exit.nr)) {
		s->unmatched_exits++;
		return;
	}
	uint32_t nr = t->nr;
	int64_t ret = ev->u.exit.ret;
	struct process_summary *p = &s->procs[t->process];
	/* like strace -c, only calls that returned are counted */
	if (!ev->u.exit.flags) {
		uint64_t ns = ev->ts_ns > t->enter_ts ? ev->ts_ns - t->enter_ts : 0;
		int counted = nr < SYS_SET_MAX && sys_set_has(&s->selected, nr) && counted_process(s, p->pid);
		if (counted) {
			struct syscall_summary *c = &s->calls[nr];
			if (!c->latency)
				c->latency = rp_calloc(1, sizeof(*c->latency));
			c->calls++;
			c->errors += is_error(ret);
			c->time_ns += ns;
			latency_histogram_add(c->latency, ns);
			p->syscalls++;
			p->errors += is_error(ret);
			p->time_ns += ns;
		}
		struct io_transfer io[2];
		int n = fd_rules_apply(&s->rules, &p->fd, &s->paths, nr, t->args, ret, &t->note, ev, io);
		for (int k = 0; counted && k < n; k++) {
			struct io_bytes *type = &s->by_type[io[k].type];
			struct io_bytes *path = io[k].path >= 0 ? &s->paths.items[io[k].path].io : NULL;
			for (struct io_bytes *b = type; b; b = b == type ? path : NULL) {
				if (io[k].written) {
					b->written_bytes += io[k].bytes;
					b->writes++;
				} else {
					b->read_bytes += io[k].bytes;
					b->reads++;
				}
			}
		}
	}
	forget_pending(t);
}

static void on_enter(struct stats_summary *s, const struct rpr_event *ev)
{
	struct task_state *t = task_of(s, ev->tid, ev->pid);
	forget_pending(t);
	t->pending = 1;
	t->nr = ev->u.enter.nr;
	t->enter_seq = ev->seq;
	t->enter_ts = ev->ts_ns;
	memcpy(t->args, ev->u.enter.args, sizeof(t->args));
	fd_note_take(&s->rules, ev, &t->note);
}

static void on_task_exit(struct stats_summary *s, const struct rpr_event *ev)
{
	struct task_state *t = task_of(s, ev->tid, ev->pid);
	struct process_summary *p = &s->procs[t->process];
	forget_pending(t);
	/* the leader's status is the process's; another thread's only stands in until the leader's comes */
	if (ev->tid == ev->pid || !p->leader_exited) {
		p->end = PROCESS_EXITED;
		p->wait_status = ev->u.task_exit.status;
		p->leader_exited |= ev->tid == ev->pid;
	}
}

static void on_detach(struct stats_summary *s, const struct rpr_event *ev)
{
	struct task_state *t = task_of(s, ev->tid, ev->pid);
	struct process_summary *p = &s->procs[t->process];
	forget_pending(t);
	if (p->end == PROCESS_RUNNING)
		p->end = PROCESS_DETACHED;
}

void stats_summary_add(struct stats_summary *s, const struct rpr_event *ev)
{
	switch (ev->kind) {
	case RPR_EV_SYSCALL_ENTER:
		on_enter(s, ev);
		break;
	case RPR_EV_SYSCALL_EXIT:
		on_exit_event(s, ev);
		break;
	case RPR_EV_TASK_NEW:
		on_task_new(s, ev);
		break;
	case RPR_EV_EXEC:
		on_exec(s, ev);
		break;
	case RPR_EV_TASK_EXIT:
		on_task_exit(s, ev);
		break;
	case RPR_EV_DETACH:
		on_detach(s, ev);
		break;
	default:
		break;
	}
}

static int busier_first(const void *a, const void *b, void *summary)
{
	const struct stats_summary *s = summary;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t tx = s->calls[x].time_ns, ty = s->calls[y].time_ns;
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

size_t stats_summary_ranked(const struct stats_summary *s, uint32_t nrs[SYS_SET_MAX])
{
	size_t n = 0;
	for (uint32_t nr = 0; nr < SYS_SET_MAX; nr++)
		if (s->calls[nr].calls)
			nrs[n++] = nr;
	qsort_r(nrs, n, sizeof(*nrs), busier_first, (void *)s);
	return n;
}

const char *stats_syscall_name(const struct stats_summary *s, uint32_t nr, char *buf, size_t len)
{
	const char *name = arch_syscall_name(s->arch, nr);
	if (name)
		return name;
	snprintf(buf, len, "syscall_%u", nr);
	return buf;
}
