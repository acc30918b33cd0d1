#!/bin/sh
# What a careless or hostile user of a card can do to the daemon and to
# others: flood the log, leave processes behind, forge a run's reply, or
# change what others see by merely reading. None of it may work.
. "$(dirname "$0")/../misc.sh"

write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/tests/kernels", "$PYNQFS_BUILD/examples/kernels" ];
        run_timeout_ms = 600000; };
log_lines = 200;
C
mount_pynqfs -o allow_other,config="$CONF"
cp "$DESIGNS/../tests/faulty.xclbin" "$CARD/overlay"
K=$CARD/kernels
B=$CARD/banks

# 1. The log stays small whatever is written: lines are cut at 512 bytes.
perl -e 'my $bad = "x" x 100000; for (1 .. 200) {
	open(my $f, ">", $ARGV[0]) or die; syswrite($f, "$bad\n"); close $f }' "$K/vadd_1/run" 2>/dev/null
size=$(stat -c %s "$CARD/log")
[ "$size" -lt $((200 * 545)) ]
ok $? "200 writes of a 100 KB bad token to run: log is $size bytes (< 200 lines x 545)"
[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$CARD/log")" -le 545 ]
ok $? "no log line is longer than 545 bytes"
grep -q "'xxxxx.*' is not a command" "$CARD/log"
ok $? "the refusal is still logged, cut"
# What a user wrote is quoted cut ("..."), so that the advice after it stays.
long=$(head -c 600 /dev/zero | tr '\0' 7)
/bin/echo "size=${long}x" >"$K/vadd_1/args" 2>/dev/null
grep -q "size ([a-z ]*): '7\{80\}\.\.\.' is not an integer literal$" "$CARD/log"
ok $? "a 601-byte bad value in args: 80 bytes of it quoted, then '...', then why"
/bin/echo "in1=banks/bank0/$long" >"$K/vadd_1/args" 2>/dev/null
grep -q "in1: banks/bank0/7*\.\.\. is not a buffer (make one in banks/<bank>/ first)$" "$CARD/log"
ok $? "a long path that is no buffer: cut, and the advice whole"
/bin/echo "$long=1" >"$K/vadd_1/args" 2>/dev/null
grep -q "takes no arg named '7*\.\.\.' (its args: [a-z0-9_, ]*)$" "$CARD/log"
ok $? "a long arg name: cut, and the kernel's args listed"

# 2. Runners answer to the signals an administrator sends.
truncate -s 4096 "$B/bank0/flag"
echo banks/bank0/flag >"$K/gate_1/args"
echo start >"$K/gate_1/run"
runner=$(runner_pid)
[ -n "$runner" ] && grep -q '^SigBlk:[[:space:]]*0000000000000000$' "/proc/$runner/status"
ok $? "a runner blocks no signal ($(grep SigBlk "/proc/$runner/status" 2>&1))"
kill -TERM "$runner"
grep -q '^error the kernel crashed: Terminated (signal 15)' "$K/gate_1/run"
ok $? "SIGTERM stops a runner: its run fails, saying so"
printf '\001\000\000\000' | dd of="$B/bank0/flag" conv=notrunc 2>/dev/null
echo call >"$K/gate_1/run"
ok $? "the CU takes the next run with a fresh runner"

# 3. A kernel's children die with its runner.
truncate -s 4096 "$B/bank0/pid"
echo banks/bank0/pid >"$K/forker_1/args"
echo call >"$K/forker_1/run"
child=$(od -An -td4 -N4 "$B/bank0/pid" | tr -d ' ')
[ "$child" -gt 1 ] && kill -0 "$child"
ok $? "forker_1 left a child ($child) behind its run"
rm -f "$B"/*/*
: >"$CARD/overlay"
i=0
while kill -0 "$child" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.05 # waiting for init to reap it, not for a race
	i=$((i + 1))
done
! kill -0 "$child" 2>/dev/null
ok $? "freeing the design stopped the runner and the child it forked"

# ... and a kernel cannot answer for its run.
cp "$DESIGNS/../tests/faulty.xclbin" "$CARD/overlay"
truncate -s 4096 "$B/bank0/u"
echo banks/bank0/u >"$K/liar_1/args"
echo call >"$K/liar_1/run" && r1=$(cat "$K/liar_1/run")
echo call >"$K/liar_1/run" && r2=$(cat "$K/liar_1/run")
case "$r1$r2" in *424242*) false ;; done*done*) true ;; *) false ;; esac
ok $? "fake replies written by the kernel are not taken for its runs ($r1, $r2)"

# ... nor shrink the device memory it is given under the daemon.
head -c 8192 /dev/urandom >"$WORK/x"
cp "$WORK/x" "$B/bank0/x"
echo banks/bank0/x >"$K/shrink_1/args" && echo call >"$K/shrink_1/run"
ok $? "a kernel truncating every descriptor it has ends its run"
cmp -s "$WORK/x" "$B/bank0/x" && cat "$CARD/state" >/dev/null
ok $? "the bank's memory is sealed at its size: the buffer reads back intact, the daemon answers"
rm -f "$B/bank0/x"

# 4. Reading registers changes nothing for others; AP_DONE clears for writers.
ctl() { od -An -tx4 -N4 "$K/liar_1/registers" | tr -d ' '; }
a=$(ctl)
b=$(setpriv --reuid=65534 --regid=65534 --clear-groups od -An -tx4 -N4 "$K/liar_1/registers" | tr -d ' ')
c=$(ctl)
[ $((0x$a & 2)) -ne 0 ] && [ $((0x$b & 2)) -ne 0 ] && [ $((0x$c & 2)) -ne 0 ]
ok $? "read-only readers all see AP_DONE ($a $b $c)"
w=$(perl -e 'open(my $f, "+<", $ARGV[0]) or die; sysread($f, my $v, 4); printf "%08x", unpack("L<", $v)' "$K/liar_1/registers")
d=$(ctl)
[ $((0x$w & 2)) -ne 0 ] && [ $((0x$d & 2)) -eq 0 ]
ok $? "a reader that may write clears it, as on hardware ($w, then $d)"

rm -f "$B"/*/*
# What a kernel prints reaches the log, prefixed with its CU, before its run
# is said to end; printing in a loop neither floods the log nor stalls.
truncate -s 4 "$B/bank0/said"
echo "banks/bank0/said 3" >"$K/chatter_1/args" && echo call >"$K/chatter_1/run"
ok $? "a kernel that prints: its call returns"
card_log_has "chatter_1: line 0 of 3"
card_log_has "chatter_1: line 2 of 3"
card_log_has "chatter_1: chatter: printed 3 lines"
# The run timeout counts the kernel's whole run, its time blocked on output
# included: nothing here may depend on how fast a loaded machine prints a
# million lines, so the timeout above is only a backstop.
echo "banks/bank0/said 1000000" >"$K/chatter_1/args" && echo call >"$K/chatter_1/run"
ok $? "a kernel printing 1,000,000 lines: its call returns"
[ "$(od -An -td4 -N4 "$B/bank0/said" | tr -d ' ')" = 1000000 ]
ok $? "and it ran to the end"
card_log_has "chatter_1: [0-9]* lines of output dropped (more than 50 a second)"
size=$(stat -c %s "$CARD/log")
[ "$size" -lt $((200 * 545)) ]
ok $? "the log stays bounded: $size bytes"
cat "$CARD/state" >/dev/null
ok $? "the mount still answers"

unmount_pynqfs
done_testing
