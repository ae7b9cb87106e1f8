# reprise — see README.md. `make run`: install deps, build, record and show a demo. `make test`: every test.
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -DREPRISE_VERSION='"$(VERSION)"'
CPPFLAGS += -Iinclude -Isrc $(shell pkg-config --cflags simgrid)
LIBS := -lzstd -lseccomp -lxxhash -lpthread $(shell pkg-config --libs simgrid)

CORE_SRC := $(filter-out src/cli/main.c,$(sort $(wildcard src/*/*.c)))
CLI_SRC := src/cli/main.c
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
PROG_SRC := $(sort $(wildcard tests/programs/*.c))

# Release build
B := build
CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
# Test build: AddressSanitizer + UBSan
T := build/asan
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
TCORE_OBJ := $(CORE_SRC:%.c=$(T)/%.o)

.PHONY: all deps run test unit e2e fuzz bench install clean programs
all: $(B)/reprise

deps:
	@scripts/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -MMD -MP -c $< -o $@

$(T)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -MMD -MP -c $< -o $@

$(B)/libreprise.a: $(CORE_OBJ)
	ar rcs $@ $^
$(T)/libreprise.a: $(TCORE_OBJ)
	ar rcs $@ $^

$(B)/reprise: $(B)/src/cli/main.o $(B)/libreprise.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)
$(T)/reprise: $(T)/src/cli/main.o $(T)/libreprise.a
	$(CC) $(SAN) -o $@ $^ $(LIBS)

# Unit tests (cmocka), under sanitizers
$(T)/tests/unit/%: tests/unit/%.c $(T)/libreprise.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -o $@ $< $(T)/libreprise.a $(LIBS) -lcmocka

# Test programs: one per syscall family, plus a static build of one
PROGS := $(PROG_SRC:tests/programs/%.c=$(B)/programs/%)
$(B)/programs/%: tests/programs/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O1 -g -o $@ $< -lpthread
$(B)/programs/static_hello: tests/programs/file_io.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -static -o $@ $<
programs: $(PROGS) $(B)/programs/static_hello

UNITS := $(UNIT_SRC:tests/unit/%.c=$(T)/tests/unit/%)
unit: $(UNITS)
	@set -e; for t in $(UNITS); do echo "== $$t"; $$t; done

e2e: $(T)/reprise $(B)/reprise programs
	@tests/e2e/run.sh $(T)/reprise

# Reader fuzzing with libFuzzer, briefly: a smoke run, not a campaign
$(T)/fuzz_reader: tests/fuzz/fuzz_reader.c $(CORE_SRC)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -D_GNU_SOURCE -DREPRISE_VERSION='"$(VERSION)"' -fsanitize=fuzzer,address,undefined $(CPPFLAGS) -o $@ $^ $(LIBS)
fuzz: $(T)/fuzz_reader
	@mkdir -p $(T)/fuzz-corpus
	$(T)/fuzz_reader -max_total_time=$${FUZZ_SECONDS:-20} -rss_limit_mb=1024 $(T)/fuzz-corpus tests/fuzz/seeds

test: deps
	@$(MAKE) --no-print-directory unit fuzz e2e

run: deps
	@$(MAKE) --no-print-directory all emulate-examples
	@scripts/demo.sh $(B)/reprise

# The floor under replay's speed (bench/replay.py): recorded calls issued back to back
$(B)/bench/replay_floor: bench/replay_floor.c $(B)/libreprise.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ $< $(B)/libreprise.a $(LIBS)

bench: deps all programs emulate-examples $(B)/bench/replay_floor
	@bench/run.sh $(B)/reprise

install: $(B)/reprise
	install -D -m 0755 $(B)/reprise $(DESTDIR)$(PREFIX)/bin/reprise
	install -D -m 0644 docs/reprise.1 $(DESTDIR)$(PREFIX)/share/man/man1/reprise.1
	install -D -m 0644 include/reprise/trace.h $(DESTDIR)$(PREFIX)/include/reprise/trace.h
	install -D -m 0644 $(B)/libreprise.a $(DESTDIR)$(PREFIX)/lib/libreprise.a

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# Examples for `reprise emulate`: programs run on simulated hosts, and a pure-SimGrid reference
EMULATE_EXAMPLES := $(B)/examples/emulate/sleeper $(B)/examples/emulate/tcp_server $(B)/examples/emulate/tcp_client \
	$(B)/examples/emulate/udp_server $(B)/examples/emulate/udp_client \
	$(B)/examples/emulate/epoll_server $(B)/examples/emulate/echo_client $(B)/examples/emulate/spin \
	$(B)/examples/emulate/ipv6_probe $(B)/examples/emulate/conn_probe $(B)/examples/emulate/timers $(B)/examples/emulate/sigwait
$(B)/examples/emulate/%: examples/emulate/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O1 -g -o $@ $<
$(B)/examples/emulate/route_time: examples/emulate/route_time.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O1 -g $(shell pkg-config --cflags simgrid) -o $@ $< $(shell pkg-config --libs simgrid)
emulate-examples: $(EMULATE_EXAMPLES) $(B)/examples/emulate/route_time
e2e: emulate-examples
.PHONY: emulate-examples
