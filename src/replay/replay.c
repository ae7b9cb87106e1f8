#include "replay/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "replay/cwd.h"
#include "replay/feed.h"
#include "replay/prepare.h"
#include "replay/watchdog.h"
#include "replay/written.h"
#include "util/util.h"

/* The replay shows a progress bar on a terminal once it has run this long. */
enum { PROGRESS_AFTER_MS = 2000, PROGRESS_TICK_MS = 200 };
/* How long a stalled replay's interrupted threads get to end before the process exits without them. */
enum { STALL_JOIN_MS = 3000 };

static void usage(FILE *to)
{
	fputs("usage: reprise replay [options] TRACE\n"
	      "  --root DIR          replay under DIR (default: a new temporary directory, printed)\n"
	      "  --prepare           first build the files and directories the recording found\n"
	      "  --data MODE         bytes the trace lacks or replaces: recorded (default), zero,\n"
	      "                      pattern:BYTE, random, urandom\n"
	      "  --timing MODE       afap (default: no think time), original, scale:F (think time x F)\n"
	      "  --verify            also compare data read, directory listings and stat fields\n"
	      "  --on-mismatch WHAT  warn (default: print the first 20, exit 4), abort (exit 3), ignore\n"
	      "  --cwd DIR           the recorded initial working directory (default: inferred)\n"
	      "  --stall-timeout S   declare the replay stalled (exit 5) when no call completes for S\n"
	      "                      seconds (default 10; 0: wait forever)\n"
	      "  --stdio             let writes to the recorded stdout/stderr reach the terminal\n"
	      "  --json FILE         write the summary as JSON (- for standard output)\n"
	      "  -v                  also print the summary's per-call table when there is a JSON file\n"
	      "  -h, --help          this help\n"
	      "Ordering: a call starts only after every call that had returned before it was entered\n"
	      "in the recording has returned in the replay; calls that overlapped may overlap.\n",
	      to);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void replay_stop(struct replay_ctx *ctx)
{
	__atomic_store_n(&ctx->stopped, 1, __ATOMIC_RELEASE);
	watermark_stop(&ctx->watermark);
}

static int parse_timing(struct replay_options *o, const char *text)
{
	if (strcmp(text, "afap") == 0) {
		o->timing = TIMING_AFAP;
		return 0;
	}
	if (strcmp(text, "original") == 0) {
		o->timing = TIMING_ORIGINAL;
		o->scale = 1;
		return 0;
	}
	if (strncmp(text, "scale:", 6) != 0)
		return -1;
	char *end;
	errno = 0;
	double f = strtod(text + 6, &end);
	if (errno || end == text + 6 || *end || !(f >= 0) || f > 1e6)
		return -1;
	o->timing = TIMING_SCALED;
	o->scale = f;
	return 0;
}

static int parse_policy(struct replay_options *o, const char *text)
{
	static const char *const names[] = { [MISMATCH_WARN] = "warn", [MISMATCH_ABORT] = "abort",
					     [MISMATCH_IGNORE] = "ignore" };
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i]) == 0) {
			o->on_mismatch = (uint8_t)i;
			return 0;
		}
	return -1;
}

/*
 * Permission bits apply to the replay as to a file's owner: without these
 * capabilities a read-only file refuses writes even when replaying as root.
 */
static int drop_override_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	uint32_t drop = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER);
	if (!(data[0].effective & drop))
		return 0;
	data[0].effective &= ~drop;
	return syscall(SYS_capset, &hdr, data) < 0 ? -1 : 0;
}

static int make_root(struct replay_ctx *ctx, const struct replay_options *o, char *err, size_t errlen)
{
	char made[4096];
	const char *dir = o->root;
	if (!dir) {
		const char *tmp = getenv("TMPDIR");
		snprintf(made, sizeof(made), "%s/reprise-replay.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
		if (!mkdtemp(made)) {
			snprintf(err, errlen, "cannot make a temporary replay root: %s", strerror(errno));
			return -1;
		}
		dir = made;
	} else if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "--root %s: %s", dir, strerror(errno));
		return -1;
	}
	if (sandbox_open(&ctx->sandbox, dir, err, (unsigned)errlen) < 0)
		return -1;
	if (!o->root)
		fprintf(stderr, "reprise: replaying under %s\n", ctx->sandbox.root);
	return 0;
}

/* The files the recorded standard descriptors become: ROOT/.reprise/{stdin,stdout,stderr} or the terminal. */
static int open_stdio(struct replay_ctx *ctx, const struct replay_options *o, char *err, size_t errlen)
{
	int dir = openat(ctx->sandbox.root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || (mkdirat(dir, ".reprise", 0755) < 0 && errno != EEXIST)) {
		snprintf(err, errlen, "%s/.reprise: %s", ctx->sandbox.root, strerror(errno));
		if (dir >= 0)
			close(dir);
		return -1;
	}
	static const char *const names[3] = { ".reprise/stdin", ".reprise/stdout", ".reprise/stderr" };
	for (int fd = 0; fd < 3; fd++) {
		if (fd == 0)
			ctx->stdio_fds[0] = openat(dir, names[0], O_RDONLY | O_CLOEXEC);
		else if (o->stdio)
			ctx->stdio_fds[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		else
			ctx->stdio_fds[fd] = openat(dir, names[fd], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
		if (fd == 0 && ctx->stdio_fds[0] < 0 && errno == ENOENT)
			ctx->stdio_fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (ctx->stdio_fds[fd] < 0) {
			snprintf(err, errlen, "%s/%s: %s", ctx->sandbox.root, names[fd], strerror(errno));
			close(dir);
			return -1;
		}
	}
	close(dir);
	return 0;
}

static void show_progress(struct feed *f, uint64_t total, uint64_t started, int *shown)
{
	if (!total || !isatty(2) || now_ns() - started < (uint64_t)PROGRESS_AFTER_MS * 1000000u)
		return;
	enum { WIDTH = 40 };
	uint64_t done = feed_events(f);
	unsigned filled = (unsigned)(done >= total ? WIDTH : done * WIDTH / total);
	char bar[WIDTH + 1];
	for (unsigned i = 0; i < WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[WIDTH] = 0;
	fprintf(stderr, "\rreprise: replay [%s] %3u%% %llu/%llu events", bar, (unsigned)(done * 100 / total),
		(unsigned long long)done, (unsigned long long)total);
	*shown = 1;
}

static int run(struct replay_options *o)
{
	char err[1024];
	struct replay_ctx *ctx = rp_calloc(1, sizeof(*ctx));
	ctx->opt = o;
	ctx->sandbox.root_fd = -1;
	for (int i = 0; i < 3; i++)
		ctx->stdio_fds[i] = -1;
	int status = 1;
	/*
	 * Only --verify compares what calls returned; the rest of the replay needs the small
	 * structures alone. Decompression runs ahead on another CPU while the calls are issued.
	 */
	unsigned read_flags = RPR_READ_AHEAD | (o->verify ? 0 : RPR_READ_NO_EXIT_BLOBS);
	struct rpr_reader *reader = rpr_reader_open(o->trace, read_flags, err, sizeof(err));
	if (!reader) {
		rp_error("%s: %s", o->trace, err);
		free(ctx);
		return 1;
	}
	/* A damaged block would leave the replay waiting for calls that never come: refuse it before starting. */
	if (rpr_reader_verify(reader) < 0) {
		rp_error("%s: %s", o->trace, rpr_reader_error(reader));
		rpr_reader_close(reader);
		free(ctx);
		return 1;
	}
	const struct rpr_header *hdr = rpr_reader_header(reader);
	ctx->arch = arch_by_name(hdr->arch);
	ctx->fd_reuse_wait_ms = hdr->flags & RPR_HDR_FILTERED ? 0 : FD_MAP_REUSE_WAIT_MS;
	if (!ctx->arch || ctx->arch != arch_native()) {
		rp_error("%s: recorded on %s; replay needs the same architecture (this is %s)", o->trace, hdr->arch,
			 arch_native()->name);
		goto out;
	}
	ctx->initial_cwd = o->cwd ? rp_strdup(o->cwd) : infer_initial_cwd(o->trace, ctx->arch, err, sizeof(err));
	if (!ctx->initial_cwd || ctx->initial_cwd[0] != '/') {
		rp_error("%s", ctx->initial_cwd ? "--cwd: the directory must be an absolute path" : err);
		goto out;
	}
	if (make_root(ctx, o, err, sizeof(err)) < 0) {
		rp_error("%s", err);
		goto out;
	}
	int made = sandbox_mkdirs(&ctx->sandbox, ctx->initial_cwd);
	if (made < 0) {
		rp_error("%s%s: %s", ctx->sandbox.root, ctx->initial_cwd, strerror(-made));
		goto out;
	}
	if (o->prepare && prepare_tree(&ctx->sandbox, o->trace, ctx->arch, ctx->initial_cwd, &o->data, err,
				       sizeof(err)) < 0) {
		rp_error("%s", err);
		goto out;
	}
	if (open_stdio(ctx, o, err, sizeof(err)) < 0) {
		rp_error("%s", err);
		goto out;
	}
	/* the replayed bytes are the --data mode's, not the recording's, under any other mode */
	if (o->verify && o->data.mode == DATA_RECORDED) {
		ctx->shadow = rp_calloc(1, sizeof(*ctx->shadow));
		if (shadow_init(ctx->shadow, &ctx->sandbox, err, (unsigned)sizeof(err)) < 0) {
			rp_error("%s", err);
			free(ctx->shadow);
			ctx->shadow = NULL;
			goto out;
		}
		written_kinds(ctx->arch, ctx->written_kinds);
	}
	if (drop_override_capabilities() < 0) {
		rp_error("cannot drop CAP_DAC_OVERRIDE: %s", strerror(errno));
		goto out;
	}
	/* each replayed process's umask is applied by replay itself */
	umask(0);
	for (uint32_t nr = 0; nr < SYS_SET_MAX; nr++)
		ctx->rules[nr] = replay_rule_for(ctx->arch, nr);
	watermark_init(&ctx->watermark);
	worker_pool_init(&ctx->pool);
	pthread_mutex_init(&ctx->live_lock, NULL);
	pthread_cond_init(&ctx->live_ended, NULL);
	mismatch_log_init(&ctx->mismatches, o->on_mismatch);
	replay_report_init(&ctx->report);
	ctx->serial = 1;

	struct rpr_reader_info info;
	rpr_reader_get_info(reader, &info);
	uint64_t started = now_ns();
	struct feed *feed = rp_calloc(1, sizeof(*feed));
	int progress = 0;
	if (feed_start(feed, ctx, reader) < 0) {
		rp_error("%s", feed->error);
		free(feed);
	} else {
		struct watchdog dog;
		watchdog_init(&dog, o->stall_timeout, started);
		int stalled = 0;
		for (;;) {
			int fed = feed_wait(feed, PROGRESS_TICK_MS);
			if (fed && (feed->failed || watchdog_wait_ended(ctx, PROGRESS_TICK_MS)))
				break;
			show_progress(feed, info.events, started, &progress);
			if (watchdog_stalled(&dog, ctx, feed_events(feed), now_ns())) {
				stalled = 1;
				break;
			}
		}
		if (progress)
			fputs("\r\033[K", stderr);
		if (stalled) {
			rp_error("replay stalled: no call completed for %g s; the replay threads:", o->stall_timeout);
			watchdog_describe(ctx, stderr);
			replay_stop(ctx);
			if (!watchdog_interrupt(ctx, STALL_JOIN_MS)) {
				rp_error("replay threads did not stop within %u ms of being interrupted", STALL_JOIN_MS);
				fflush(NULL);
				_exit(REPLAY_STALLED_STATUS);
			}
		} else if (feed->failed) {
			/* What came after the damaged part will never arrive: threads waiting for it are interrupted. */
			replay_stop(ctx);
			if (!watchdog_interrupt(ctx, STALL_JOIN_MS)) {
				rp_error("%s: %s", o->trace, feed->error);
				fflush(NULL);
				_exit(1);
			}
		}
		feed_join(feed);
		worker_pool_finish(&ctx->pool);
		ctx->report.replay_wall_ns = now_ns() - started;
		ctx->report.os_threads = ctx->pool.nthreads + (feed->ran_items ? 1 : 0);
		rpr_reader_get_info(reader, &info);
		ctx->report.recorded_wall_ns = info.last_ts_ns - info.first_ts_ns;
		if (!feed->failed && !info.complete)
			rp_warn_incomplete_trace(o->trace, info.lost_bytes, info.valid_end);
		struct shadow_outcome state = { 0 };
		if (ctx->shadow && !stalled && !feed->failed && !replay_stopped(ctx)) {
			shadow_check(ctx->shadow, &ctx->mismatches, &state);
			ctx->report.state = &state;
			if (state.differing && o->on_mismatch == MISMATCH_ABORT)
				replay_stop(ctx);
		}
		uint64_t mismatches = ctx->mismatches.count;
		if (stalled) {
			status = REPLAY_STALLED_STATUS;
		} else if (feed->failed) {
			rp_error("%s: %s", o->trace, feed->error);
		} else if (replay_stopped(ctx)) {
			rp_error("replay stopped at the first mismatch (--on-mismatch=abort)");
			status = 3;
		} else {
			if (!o->json || o->verbose)
				replay_report_print(&ctx->report, ctx->arch, mismatches, stdout);
			if (o->json && replay_report_write_json(&ctx->report, ctx->arch, mismatches, ctx->sandbox.root,
								o->json) < 0)
				rp_error("%s: %s", o->json, strerror(errno));
			else
				status = mismatches && o->on_mismatch == MISMATCH_WARN ? 4 : 0;
			if (mismatches && !o->root && !o->prepare)
				fprintf(stderr, "reprise: hint: the new root held none of the files the recording found; "
						"--prepare builds them first\n");
		}
		shadow_outcome_free(&state);
		free(feed);
	}
	pthread_cond_destroy(&ctx->live_ended);
	pthread_mutex_destroy(&ctx->live_lock);
	replay_report_free(&ctx->report);
	mismatch_log_destroy(&ctx->mismatches);
	watermark_destroy(&ctx->watermark);
out:
	if (ctx->shadow) {
		shadow_free(ctx->shadow);
		free(ctx->shadow);
	}
	for (int i = 0; i < 3; i++)
		if (ctx->stdio_fds[i] >= 0)
			close(ctx->stdio_fds[i]);
	sandbox_close(&ctx->sandbox);
	free(ctx->initial_cwd);
	free(ctx);
	rpr_reader_close(reader);
	return status;
}

int cmd_replay(int argc, char **argv)
{
	enum { OPT_ROOT = 256, OPT_PREPARE, OPT_DATA, OPT_TIMING, OPT_VERIFY, OPT_ON_MISMATCH, OPT_CWD, OPT_STDIO, OPT_JSON,
	       OPT_STALL_TIMEOUT };
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "prepare", no_argument, NULL, OPT_PREPARE },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "timing", required_argument, NULL, OPT_TIMING },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "on-mismatch", required_argument, NULL, OPT_ON_MISMATCH },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "stdio", no_argument, NULL, OPT_STDIO },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_options o = { .scale = 1, .stall_timeout = 10 };
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ROOT:
			o.root = optarg;
			break;
		case OPT_PREPARE:
			o.prepare = 1;
			break;
		case OPT_DATA:
			if (data_fill_parse(&o.data, optarg) < 0) {
				rp_error("--data %s: expected recorded, zero, pattern:BYTE, random or urandom", optarg);
				return 2;
			}
			break;
		case OPT_TIMING:
			if (parse_timing(&o, optarg) < 0) {
				rp_error("--timing %s: expected afap, original or scale:F", optarg);
				return 2;
			}
			break;
		case OPT_VERIFY:
			o.verify = 1;
			break;
		case OPT_ON_MISMATCH:
			if (parse_policy(&o, optarg) < 0) {
				rp_error("--on-mismatch %s: expected warn, abort or ignore", optarg);
				return 2;
			}
			break;
		case OPT_CWD:
			o.cwd = optarg;
			break;
		case OPT_STDIO:
			o.stdio = 1;
			break;
		case OPT_JSON:
			o.json = optarg;
			break;
		case OPT_STALL_TIMEOUT: {
			char *end;
			errno = 0;
			o.stall_timeout = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o.stall_timeout >= 0) || o.stall_timeout > 1e6) {
				rp_error("--stall-timeout %s: expected a number of seconds", optarg);
				return 2;
			}
			break;
		}
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		rp_error("replay: expected one TRACE file (see reprise replay --help)");
		return 2;
	}
	o.trace = argv[optind];
	/* A replayed write into a pipe whose reader is gone must fail with EPIPE, as it did when recorded, not end the replay. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		rp_error("cannot ignore SIGPIPE: %s", strerror(errno));
		return 1;
	}
	return run(&o);
}
