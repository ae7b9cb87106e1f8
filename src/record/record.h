#ifndef REPRISE_RECORD_H
#define REPRISE_RECORD_H

/* `reprise record ...`: returns the exit status for reprise. */
int cmd_record(int argc, char **argv);

#endif
