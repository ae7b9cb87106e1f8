/* `reprise show`: print a recorded trace in strace's syntax. */
#ifndef REPRISE_SHOW_SHOW_H
#define REPRISE_SHOW_SHOW_H

int cmd_show(int argc, char **argv);

#endif
