#ifndef REPRISE_EMULATE_H
#define REPRISE_EMULATE_H

/* `reprise emulate PLATFORM DEPLOYMENT ...`: returns the exit status for reprise. */
int cmd_emulate(int argc, char **argv);

#endif
