/* How `reprise show` renders values: the knobs strace has as -s, -x and -X raw. */
#ifndef REPRISE_SHOW_STYLE_H
#define REPRISE_SHOW_STYLE_H

struct show_style {
	unsigned strsize; /* -s: bytes of a string or buffer shown before "..." */
	int hex_strings;  /* -x: strings holding non-ASCII bytes are shown all in \xNN */
	int raw;          /* --raw: every argument as hex, nothing followed */
};

#endif
