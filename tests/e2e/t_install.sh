# `make install` lays out the binary, man page, header and library; a program built against the installed
# header and library reads a trace through the public API.
. "$E2E_DIR/lib.sh"
make -s -C "$ROOT" install DESTDIR="$WORK/inst" PREFIX=/usr > make.out 2>&1 || { cat make.out; fail "make install failed"; }
for f in usr/bin/reprise usr/share/man/man1/reprise.1 usr/include/reprise/trace.h usr/lib/libreprise.a; do
	[ -f "inst/$f" ] || fail "make install did not install $f"
done
man -l inst/usr/share/man/man1/reprise.1 2> /dev/null | grep -q 'reprise record' || fail "the installed man page does not render"
inst/usr/bin/reprise record -o t.rpr -- true
cat > count.c <<'C'
#include <stdio.h>
#include <reprise/trace.h>
int main(int argc, char **argv)
{
	char err[256];
	struct rpr_reader *r = rpr_reader_open(argv[argc - 1], RPR_READ_NO_DATA, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	const struct rpr_event *ev;
	unsigned long enters = 0;
	while (rpr_reader_next(r, &ev) == 1)
		enters += ev->kind == RPR_EV_SYSCALL_ENTER;
	printf("%s %lu\n", rpr_reader_header(r)->arch, enters);
	rpr_reader_close(r);
	return 0;
}
C
cc -std=gnu11 -I inst/usr/include -o count count.c inst/usr/lib/libreprise.a -lzstd -lxxhash -lpthread
./count t.rpr > count.txt
expect_grep '^x86_64 [1-9][0-9]*$' count.txt
