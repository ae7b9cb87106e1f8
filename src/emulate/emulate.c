/*
 * `reprise emulate`: runs the programs of a SimGrid deployment, each on its simulated
 * host, with simulated time and a mediated network, then reports what each did in
 * simulated time. SimGrid parses the platform and deployment; one actor per deployed
 * process starts it under the tracer and drives it (driver.c).
 */
#include "emulate/emulate.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xbt/dict.h>
#include <xbt/log.h>

#include "emulate/calls.h"
#include "emulate/cpu.h"
#include "emulate/driver.h"
#include "emulate/fdtable.h"
#include "emulate/net.h"
#include "emulate/translate.h"
#include "record/recorder.h"
#include "util/util.h"

/* Simulated time 0 is 2000-01-01T00:00:00Z unless --epoch says otherwise. */
#define DEFAULT_EPOCH 946684800.0
/* Actor properties: the working directory, and "env.NAME" for each environment variable. */
#define PROP_CWD "cwd"
#define PROP_ENV_PREFIX "env."

static void usage(FILE *out)
{
	fprintf(out,
		"usage: reprise emulate PLATFORM.xml DEPLOYMENT.xml [-o TRACE] [--mode=mediate|translate]\n"
		"                       [--cpu=none|measured|scaled:FLOPS] [--seed N]\n"
		"                       [--epoch SECONDS|YYYY-MM-DD[THH:MM:SS]] [--log-level LEVEL] [-v]\n"
		"Runs each program of the SimGrid deployment on its simulated host: simulated time and timers,\n"
		"a simulated TCP/UDP network (IPv4 and IPv6); prints each process's simulated start, end and\n"
		"exit status on stderr.\n"
		"  -o TRACE   record the run as a trace in simulated time (reprise show/stats TRACE)\n"
		"  --mode     mediate (default): reprise answers socket calls and moves the bytes;\n"
		"             translate: the kernel moves them over loopback, reprise rewrites addresses\n"
		"  --seed N   answer getrandom and reads of /dev/urandom and /dev/random from a seeded\n"
		"             generator per host (reproducible runs)\n"
		"  --epoch    wall-clock time at simulated time 0 (default 2000-01-01)\n"
		"  --cpu      none: computing takes no simulated time; scaled:FLOPS: a CPU second of this\n"
		"             machine is FLOPS flops on the simulated host; measured: as many as this machine\n"
		"             does per second in a numeric loop, measured at the start\n"
		"  -v         also print the number of intercepted events and events per wall second\n"
		"             (and with --cpu the kernel CPU time per stop left out of computations)\n");
}

static char *join_args(int argc, char **argv)
{
	struct strbuf sb;
	sb_init(&sb);
	for (int i = 0; i < argc; i++) {
		if (i)
			sb_putc(&sb, ' ');
		sb_puts(&sb, argv[i]);
	}
	char *s = rp_strdup(sb.buf ? sb.buf : "");
	sb_free(&sb);
	return s;
}

/* The environment: reprise's own, with the actor's env.NAME properties set over it. */
static char **build_environment(void)
{
	extern char **environ;
	size_t n = 0, cap = 16;
	char **envp = rp_malloc(cap * sizeof(*envp));
	for (char **e = environ; *e; e++) {
		if (n + 2 > cap)
			envp = rp_realloc(envp, (cap *= 2) * sizeof(*envp));
		envp[n++] = rp_strdup(*e);
	}
	xbt_dict_t props = sg_actor_get_properties(sg_actor_self());
	xbt_dict_cursor_t cursor = NULL;
	char *key, *value;
	xbt_dict_foreach (props, cursor, key, value) {
		if (strncmp(key, PROP_ENV_PREFIX, strlen(PROP_ENV_PREFIX)) != 0)
			continue;
		const char *name = key + strlen(PROP_ENV_PREFIX);
		size_t len = strlen(name);
		size_t i = 0;
		while (i < n && !(strncmp(envp[i], name, len) == 0 && envp[i][len] == '='))
			i++;
		if (i == n) {
			if (n + 2 > cap)
				envp = rp_realloc(envp, (cap *= 2) * sizeof(*envp));
			n++;
		} else {
			free(envp[i]);
		}
		struct strbuf sb;
		sb_init(&sb);
		sb_printf(&sb, "%s=%s", name, value);
		envp[i] = rp_strdup(sb.buf);
		sb_free(&sb);
	}
	xbt_dict_free(&props);
	envp[n] = NULL;
	return envp;
}

static void free_strings(char **v)
{
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* 0 if name is an executable regular file (searched in PATH without a slash), else -1 with errno. */
static int check_program(const char *name)
{
	char prog[PATH_MAX];
	struct stat st;
	if (tracer_find_program(name, prog, sizeof(prog)) < 0 || stat(prog, &st) < 0 || access(prog, X_OK) < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EACCES;
		return -1;
	}
	return 0;
}

/* The body of every deployed actor: argv[0] is the program, the rest its arguments. */
static void deployed_main(int argc, char **argv)
{
	struct emu_process *p = rp_calloc(1, sizeof(*p));
	p->deployed = 1;
	p->host = sg_host_self();
	p->command = join_args(argc, argv);
	p->start = emu_clock();
	emu_add_process(p);
	if (argc < 1 || check_program(argv[0]) < 0) {
		rp_error("%s: cannot run '%s': %s", sg_host_get_name(p->host), argc ? argv[0] : "", strerror(errno));
		emu.failed = 1;
		return;
	}
	/* Every actor starting now checks its program before any program runs. */
	sg_actor_yield();
	if (emu.failed)
		return;
	char **args = rp_calloc((size_t)argc + 1, sizeof(*args));
	for (int i = 0; i < argc; i++)
		args[i] = argv[i];
	char **envp = build_environment();
	pid_t pid = tracer_start(emu.tr, args, envp, sg_actor_get_property_value(sg_actor_self(), PROP_CWD));
	free(args);
	free_strings(envp);
	if (pid < 0) {
		emu.failed = 1;
		return;
	}
	p->fds = fdtable_new();
	driver_run_started(p, pid);
}

/*
 * -o: the recorder writes every event the driver passes on. The header has reprise's own
 * command line, the EMULATED flag, and simulated time 0 as both start times.
 */
static struct recorder *open_recording(int argc, char **argv)
{
	char **cmdline = rp_calloc((size_t)argc + 2, sizeof(*cmdline));
	cmdline[0] = "reprise";
	for (int i = 0; i < argc; i++)
		cmdline[i + 1] = argv[i];
	struct rpr_header hdr;
	recorder_fill_header(&hdr, argc + 1, cmdline);
	hdr.flags |= RPR_HDR_EMULATED;
	hdr.start_realtime_ns = hdr.start_monotonic_ns = driver_trace_epoch_ns();
	struct capture_limits lim = { 0 };
	char err[512];
	struct recorder *rec = recorder_open(emu.trace_path, &hdr, &lim, err, sizeof(err));
	free(cmdline);
	if (!rec)
		rp_error("emulate: %s: %s", emu.trace_path, err);
	return rec;
}

/* SimGrid ends the process on a bad file; a child finds that out, so reprise can say it in one line. */
static int check_files(const char *platform, const char *deployment)
{
	int pipefd[2];
	if (pipe(pipefd) < 0) {
		rp_error("pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		rp_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(pipefd[0]);
		if (dup2(pipefd[1], STDERR_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0)
			_exit(2);
		int argc = 1;
		char *argv[] = { "reprise", NULL };
		simgrid_init(&argc, argv);
		simgrid_load_platform(platform);
		simgrid_register_default(deployed_main);
		simgrid_load_deployment(deployment);
		_exit(0);
	}
	close(pipefd[1]);
	struct strbuf out;
	sb_init(&out);
	char buf[4096];
	ssize_t n;
	while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sb_add(&out, buf, (size_t)n);
	}
	close(pipefd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int rc = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* SimGrid's message: the first line logged as an error, without its "[time] file: [category]" prefix. */
		const char *msg = "SimGrid could not load the platform or deployment";
		char *line = out.buf;
		while (line && *line) {
			char *end = strchr(line, '\n');
			if (end)
				*end = '\0';
			char *level = strstr(line, "ERROR] ");
			if (!level)
				level = strstr(line, "CRITICAL] ");
			if (level) {
				msg = strchr(level, ' ') + 1;
				break;
			}
			line = end ? end + 1 : NULL;
		}
		rp_error("%s", msg);
		rc = -1;
	}
	sb_free(&out);
	return rc;
}

static int is_log_level(const char *s)
{
	static const char *const levels[] = { "trace", "debug", "verbose", "info", "warning", "error", "critical" };
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(s, levels[i]) == 0)
			return 1;
	return 0;
}

static int parse_epoch(const char *s, double *out)
{
	char *end;
	errno = 0;
	double secs = strtod(s, &end);
	if (!errno && end != s && !*end) {
		*out = secs;
		return 0;
	}
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest || *rest) {
		memset(&tm, 0, sizeof(tm));
		rest = strptime(s, "%Y-%m-%d", &tm);
	}
	if (!rest || *rest)
		return -1;
	*out = (double)timegm(&tm);
	return 0;
}

/* --cpu: none, measured, or scaled:FLOPS with SimGrid's unit suffixes (f, kf, Mf, Gf, Tf). */
static int parse_cpu(const char *s)
{
	if (strcmp(s, "none") == 0) {
		emu.cpu = CPU_NONE;
		return 0;
	}
	if (strcmp(s, "measured") == 0) {
		emu.cpu = CPU_MEASURED;
		return 0;
	}
	if (strncmp(s, "scaled:", 7) != 0)
		return -1;
	static const struct { const char *suffix; double scale; } units[] = {
		{ "", 1 }, { "f", 1 }, { "kf", 1e3 }, { "Mf", 1e6 }, { "Gf", 1e9 }, { "Tf", 1e12 },
	};
	char *end;
	errno = 0;
	double flops = strtod(s + 7, &end);
	if (errno || end == s + 7 || !(flops > 0))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			emu.cpu = CPU_SCALED;
			emu.cpu_flops = flops * units[i].scale;
			return 0;
		}
	}
	return -1;
}

static const char *describe_status(const struct emu_process *p, char *buf, size_t len)
{
	if (!p->pid)
		snprintf(buf, len, "not started");
	else if (!p->ended)
		snprintf(buf, len, "still running at the end (killed)");
	else if (WIFSIGNALED(p->status))
		snprintf(buf, len, "killed by %s", sigabbrev_np(WTERMSIG(p->status)) ? sigabbrev_np(WTERMSIG(p->status)) : "a signal");
	else
		snprintf(buf, len, "exited %d", WEXITSTATUS(p->status));
	return buf;
}

/* Per process: host, command, simulated start and end, how it ended; then the total. */
static int report(int verbose, double wall)
{
	int rc = 0;
	for (size_t i = 0; i < emu.nprocs; i++) {
		struct emu_process *p = emu.procs[i];
		char status[64];
		char end[32] = "-";
		if (p->ended)
			snprintf(end, sizeof(end), "%.6f", p->end);
		fprintf(stderr, "reprise: emulate: %s: '%s' started %.6f s, ended %s s, %s\n", sg_host_get_name(p->host),
			p->command, p->start, end, describe_status(p, status, sizeof(status)));
		if (rc == 0 && p->ended && WIFSIGNALED(p->status))
			rc = 128 + WTERMSIG(p->status);
		else if (rc == 0 && p->ended && WEXITSTATUS(p->status))
			rc = WEXITSTATUS(p->status);
	}
	fprintf(stderr, "reprise: emulate: simulated time %.6f s\n", emu_clock());
	if (emu.cpu == CPU_MEASURED)
		fprintf(stderr, "reprise: emulate: measured CPU speed %.4g flops per CPU second\n", emu.cpu_flops);
	if (verbose && emu.cpu != CPU_NONE)
		fprintf(stderr, "reprise: emulate: %.1f us of kernel CPU time per stop for reprise left out of computations\n",
			(double)cpu_stop_cost_ns() / 1e3);
	if (verbose)
		fprintf(stderr, "reprise: emulate: %llu events intercepted in %.3f s of wall time, %.0f events per wall second\n",
			(unsigned long long)emu.events, wall, wall > 0 ? (double)emu.events / wall : 0.0);
	return rc;
}

int cmd_emulate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "epoch", required_argument, NULL, 'e' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *log_level = "error";
	int verbose = 0;
	memset(&emu, 0, sizeof(emu));
	emu.epoch = DEFAULT_EPOCH;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hvo:", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'm':
			if (strcmp(optarg, "mediate") == 0)
				emu.mode = MODE_MEDIATE;
			else if (strcmp(optarg, "translate") == 0)
				emu.mode = MODE_TRANSLATE;
			else
				rp_die(2, "emulate: --mode is mediate or translate, not '%s'", optarg);
			break;
		case 'c':
			if (parse_cpu(optarg) < 0)
				rp_die(2, "emulate: --cpu is none, measured or scaled:FLOPS (e.g. scaled:2Gf), not '%s'", optarg);
			break;
		case 'o':
			emu.trace_path = optarg;
			break;
		case 's':
			errno = 0;
			emu.seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end)
				rp_die(2, "emulate: --seed needs a number, not '%s'", optarg);
			emu.seeded = 1;
			break;
		case 'e':
			if (parse_epoch(optarg, &emu.epoch) < 0)
				rp_die(2, "emulate: --epoch needs seconds since 1970 or YYYY-MM-DD[THH:MM:SS], not '%s'", optarg);
			break;
		case 'l':
			if (!is_log_level(optarg))
				rp_die(2, "emulate: --log-level is one of trace, debug, verbose, info, warning, error, critical; not '%s'", optarg);
			log_level = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			rp_die(2, "emulate: unknown option '%s' (try 'reprise emulate --help')", argv[optind - 1]);
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	const char *platform = argv[optind], *deployment = argv[optind + 1];
	if (access(platform, R_OK) < 0)
		rp_die(1, "%s: %s", platform, strerror(errno));
	if (access(deployment, R_OK) < 0)
		rp_die(1, "%s: %s", deployment, strerror(errno));
	if (check_files(platform, deployment) < 0)
		return 1;
	char err[256];
	if (cpu_init(err, sizeof(err)) < 0)
		rp_die(1, "emulate: %s", err);

	int sg_argc = 1;
	char *sg_argv[] = { "reprise", NULL };
	simgrid_init(&sg_argc, sg_argv);
	struct strbuf logs;
	sb_init(&logs);
	/* A simulation ending with programs still waiting is reported per process below, not as SimGrid's deadlock. */
	sb_printf(&logs, "root.thresh:%s ker_engine.app:file:/dev/null ker_engine.additivity:no", log_level);
	xbt_log_control_set(logs.buf);
	sb_free(&logs);
	simgrid_load_platform(platform);
	if (net_init(err, sizeof(err)) < 0)
		rp_die(1, "%s: %s", platform, err);
	driver_init();
	emu.tr = tracer_open(&driver_handler);
	simgrid_register_default(deployed_main);
	simgrid_load_deployment(deployment);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		rp_die(1, "cannot ignore SIGPIPE: %s", strerror(errno));
	if (names_init(err, sizeof(err)) < 0)
		rp_die(1, "%s", err);
	int rc = 1;
	struct recorder *rec = emu.trace_path ? open_recording(argc, argv) : NULL;
	struct tracer_handler rec_handler;
	if (rec) {
		rec_handler = recorder_handler(rec);
		driver_record_to(&rec_handler);
	}
	if (rec || !emu.trace_path) {
		uint64_t run_start = tracer_now();
		simgrid_run();
		emu.finished = 1;
		double wall = (double)(tracer_now() - run_start) / 1e9;
		rc = emu.failed ? 1 : report(verbose, wall);
	}
	tracer_close(emu.tr);
	if (rec) {
		driver_record_to(NULL);
		struct rpr_writer_stats st;
		if (recorder_close(rec, &st) < 0 && rc == 0)
			rc = 1;
	}
	for (size_t i = 0; i < emu.nprocs; i++) {
		if (emu.procs[i]->fds)
			fdtable_unref(emu.procs[i]->fds);
		free(emu.procs[i]->command);
		free(emu.procs[i]);
	}
	free(emu.procs);
	random_free();
	names_free();
	driver_free();
	net_free();
	translate_free();
	return rc;
}
