# Each syscall family's test program, recorded: the trace holds the calls with the values the program used.
. "$E2E_DIR/lib.sh"
rec() {
	mkdir -p "$1.d"
	"$REPRISE" record -o "$1.rpr" -- "$PROGS/$1" "$1.d" > "$1.out" 2>&1 || { cat "$1.out" >&2; fail "$1 failed under reprise"; }
	"$REPRISE" show -s 128 "$1.rpr" > "$1.txt"
}

rec file_io
expect_grep 'openat\(AT_FDCWD, "data.txt", O_RDWR\|O_CREAT\|O_TRUNC, 0644\) = 3' file_io.txt
expect_grep 'write\(3, "reprise-file-io\\n", 16\) = 16' file_io.txt
expect_grep 'lseek\(3, 7, SEEK_SET\) = 7' file_io.txt
expect_grep 'writev\([0-9]+, \[\{iov_base="alpha-", iov_len=6\}, \{iov_base="beta-", iov_len=5\}, \{iov_base="gamma\\n", iov_len=6\}\], 3\) = 17' file_io.txt
expect_grep 'dup3\(3, 11, O_CLOEXEC\) = 11' file_io.txt
expect_grep 'close\([0-9]+\) += -1 EBADF \(Bad file descriptor\)' file_io.txt

rec threads
for i in 0 1 2 3; do expect_grep "write\([0-9]+, \"reprise-thread-$i\\\\n\", 17" threads.txt; done
[ "$(grep -c 'clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD' threads.txt)" -eq 4 ] || fail "expected 4 thread clones"
[ "$(grep -oE '^[0-9]+' threads.txt | sort -u | wc -l)" -eq 5 ] || fail "expected events from 5 threads"

rec signals
expect_grep '^[0-9]+ +[0-9:.]+ --- SIGUSR1 \{si_signo=SIGUSR1, si_code=SI_USER, si_pid=[0-9]+, si_uid=[0-9]+\} ---' signals.txt
expect_grep 'read\(3, 0x[0-9a-f]+, 1\) = \? ERESTARTSYS \(To be restarted if SA_RESTART is set\)' signals.txt
expect_grep '^[0-9]+ +[0-9:.]+ --- SIGALRM \{si_signo=SIGALRM, si_code=SI_KERNEL\} ---' signals.txt
expect_grep 'rt_sigreturn\(.*\) += -1 EINTR \(Interrupted system call\)' signals.txt
expect_grep 'read\(3, "w", 1\) += 1' signals.txt
expect_grep 'sigaltstack\(\{ss_sp=0x[0-9a-f]+, ss_flags=0, ss_size=65536\}' signals.txt

rec process
expect_grep '\+\+\+ exited with 3 \+\+\+' process.txt
expect_grep 'WEXITSTATUS\(s\) == 3' process.txt
expect_grep 'vfork\(' process.txt
expect_grep 'execve\("/bin/true", \["/bin/true"\]' process.txt
expect_grep 'exec-child' process.txt
expect_grep '\+\+\+ exited with 5 \+\+\+' process.txt

rec sockets
# client and server interleave: a call may be split into <unfinished ...> and <... resumed> halves
expect_grep 'connect\(4, \{sa_family=AF_INET, sin_port=htons\([0-9]+\), sin_addr=inet_addr\("127.0.0.1"\)\}, 16' sockets.txt
expect_grep 'recvfrom\(4, "reprise-tcp\\n", 12, MSG_WAITALL, NULL, NULL\) = 12|<\.\.\. recvfrom resumed>"reprise-tcp\\n", 12, MSG_WAITALL, NULL, NULL\) = 12' sockets.txt
expect_grep 'sendto\([0-9]+, "reprise-udp\\n", 12, 0, \{sa_family=AF_INET' sockets.txt
expect_grep 'sendmsg\(3, \{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="reprise-", iov_len=8\}, \{iov_base="unix\\n", iov_len=5\}\]' sockets.txt
expect_grep 'connect\([0-9]+, \{sa_family=AF_UNIX, sun_path="reprise.sock"\}' sockets.txt

rec pipes
expect_grep 'write\(4, "reprise-pipe\\n", 13' pipes.txt
expect_grep 'read\(3, "reprise-pipe\\n", 32\) = 13|<\.\.\. read resumed>"reprise-pipe\\n", 32\) = 13' pipes.txt
expect_grep 'read\(3, 0x[0-9a-f]+, 1\) = -1 EAGAIN \(Resource temporarily unavailable\)' pipes.txt
expect_grep 'splice\(3, NULL, 7, NULL, 64, 0\) = 12' pipes.txt

rec poll
expect_grep 'poll\(\[\{fd=3, events=POLLIN\}, \{fd=5, events=POLLIN\}\], 2, 1000\) = 1 \(\[\{fd=3, revents=POLLIN\}\]\)' poll.txt
expect_grep 'poll\(\[\{fd=5, events=POLLIN\}\], 1, 10\) = 0 \(Timeout\)' poll.txt
expect_grep 'epoll_wait\([0-9]+, \[\{events=EPOLLIN, data=\{u32=7, u64=7\}\}\], [0-9]+, [-0-9]+\) = 1' poll.txt

rec clocks
expect_grep 'clock_nanosleep\(CLOCK_REALTIME, 0, \{tv_sec=0, tv_nsec=10000000\}, NULL\) = 0' clocks.txt
expect_grep 'timerfd_settime\(3, 0, \{it_interval=\{tv_sec=0, tv_nsec=0\}, it_value=\{tv_sec=0, tv_nsec=20000000\}\}, NULL\) = 0' clocks.txt

rec mmap
expect_grep 'mremap\(0x[0-9a-f]+, 8192, 16384, MREMAP_MAYMOVE' mmap.txt
expect_grep 'msync\(0x[0-9a-f]+, 4096, MS_SYNC\) = 0' mmap.txt

rec random
expect_grep 'getrandom\(".*", 16, 0\) = 16' random.txt

rec thread_exec
expect_grep 'reprise-thread-exec' thread_exec.out
expect_grep 'pause\( <unfinished \.\.\.>' thread_exec.txt
expect_grep '<\.\.\. pause resumed>\) += \?' thread_exec.txt
expect_grep '\+\+\+ superseded by execve in pid [0-9]+ \+\+\+' thread_exec.txt
expect_grep '<\.\.\. execve resumed>\) += 0' thread_exec.txt
