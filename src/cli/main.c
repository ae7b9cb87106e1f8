#include <stdio.h>
#include <string.h>

#include "util/util.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	rp_error("not yet wired");
	return 1;
}
