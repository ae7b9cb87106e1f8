/* `reprise stats`: strace -c style summary, latency percentiles, I/O per file and per process. */
#ifndef REPRISE_STATS_STATS_H
#define REPRISE_STATS_STATS_H

int cmd_stats(int argc, char **argv);

#endif
