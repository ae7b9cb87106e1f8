# Job control through a recorded interactive shell, driven in a real terminal (tmux): Ctrl-Z stops the job,
# `fg` resumes it, Ctrl-C interrupts it; the trace shows the group-stop and the signals.
. "$E2E_DIR/lib.sh"
command -v tmux > /dev/null || skip "tmux is not installed"
sock="$WORK/tmux.sock"
tm() { tmux -S "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null || true' EXIT
tm new-session -d -s jc -x 150 -y 40 "env PS1='$ ' $REPRISE record -o $WORK/jc.rpr -- bash --norc --noprofile -i"
wait_for() {
	for _ in $(seq 1 50); do tm capture-pane -p -t jc | grep -q -- "$1" && return 0; sleep 0.1; done
	tm capture-pane -p -t jc >&2
	fail "the terminal never showed: $1"
}
wait_for '^\$'
tm send-keys -t jc "sleep 30" Enter
sleep 0.5
tm send-keys -t jc C-z
wait_for 'Stopped.*sleep 30'
tm send-keys -t jc "fg" Enter
sleep 0.5
tm send-keys -t jc C-c
tm send-keys -t jc 'echo status-$?' Enter
wait_for 'status-130'
tm send-keys -t jc "exit" Enter
for _ in $(seq 1 50); do tm has-session -t jc 2>/dev/null || break; sleep 0.1; done
"$REPRISE" show jc.rpr > jc.txt
expect_grep '^[0-9]+ +[0-9:.]+ --- SIGTSTP \{si_signo=SIGTSTP' jc.txt
expect_grep '^[0-9]+ +[0-9:.]+ --- stopped by SIGTSTP ---' jc.txt
expect_grep '^[0-9]+ +[0-9:.]+ --- SIGCONT \{si_signo=SIGCONT' jc.txt
expect_grep '^[0-9]+ +[0-9:.]+ --- SIGINT \{si_signo=SIGINT' jc.txt
expect_grep '\+\+\+ killed by SIGINT \+\+\+' jc.txt
