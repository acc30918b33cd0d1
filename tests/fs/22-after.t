#!/bin/sh
# start after=CU[,CU...] (PYNQ's waitfor): a run begins only once every run
# started so far on the CUs named has ended, and fails without beginning if
# one of them failed. The CU's worker waits, never a FUSE thread: the card
# answers everything meanwhile.
. "$(dirname "$0")/../misc.sh"
ints() { perl -e 'print pack("l<*", @ARGV)' -- "$@"; }
first() { od -An -td4 -N4 "$1" | tr -d ' '; }
# setflag V: write gate_1's flag in place (a truncate would wait for the run).
setflag() { perl -e 'open(my $g, "+<", $ARGV[0]) or die; binmode $g; print $g pack("l<", $ARGV[1]); close $g' "$B/bank0/flag" "$1"; }

write_conf <<C
cards = ( $(card xilinx_u200_gen3x16_xdma_2_202110_1 'any_shell = true;') );
$(xrt_section)
sim = { kernel_path = [ "$PYNQFS_BUILD/tests/kernels", "$PYNQFS_BUILD/examples/kernels" ];
        run_timeout_ms = 60000; };
C
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/../tests/faulty.xclbin" "$CARD/overlay"
K=$CARD/kernels
B=$CARD/banks

# The run after gate_1 stays queued while gate_1 runs, whatever else happens.
ints 0 >"$B/bank0/flag" && ints 5 >"$B/bank0/a" && ints 0 >"$B/bank0/z" && truncate -s 4 "$B/bank1/c"
echo "banks/bank0/flag" >"$K/gate_1/args" && echo start >"$K/gate_1/run"
echo "banks/bank0/a banks/bank0/z banks/bank1/c 1" >"$K/vadd_1/args"
echo "start after=gate_1" >"$K/vadd_1/run"
ok $? "start after=gate_1 is taken at once"
[ "$(cat "$K/vadd_1/state")" = queued ] && [ "$(first "$B/bank1/c")" = 0 ]
ok_dev $? "while gate_1 runs, vadd_1 is queued and has not run ($(cat "$K/vadd_1/state"))"
[ "$(cat "$CARD/state")" != "" ] && ls "$K" >/dev/null && cat "$K/gate_1/stats" >/dev/null
ok $? "the card answers meanwhile"
setflag 1
echo wait >"$K/vadd_1/run" && [ "$(first "$B/bank1/c")" = 5 ]
ok_dev $? "gate_1 let go: vadd_1 runs ($(cat "$K/vadd_1/run"), c = $(first "$B/bank1/c"))"

# Data: vadd_1 reads what sleeper_1 writes 300 ms into its run.
truncate -s 0 "$B/bank1/c" && truncate -s 4 "$B/bank1/c" && ints 0 >"$B/bank0/a"
echo "banks/bank0/a 300" >"$K/sleeper_1/args" && echo start >"$K/sleeper_1/run" &&
	echo "start after=sleeper_1" >"$K/vadd_1/run" && echo wait >"$K/vadd_1/run"
[ "$(first "$B/bank1/c")" = 300 ]
ok_dev $? "vadd_1 after sleeper_1 adds what sleeper_1 wrote: $(first "$B/bank1/c")"

# Several CUs, and call.
ints 0 >"$B/bank0/s2" && echo "banks/bank0/a 100" >"$K/sleeper_1/args" && echo "banks/bank0/s2 200" >"$K/sleeper_2/args"
echo start >"$K/sleeper_1/run" && echo start >"$K/sleeper_2/run"
echo "banks/bank0/a banks/bank0/s2 banks/bank1/c 1" >"$K/vadd_1/args"
echo "call after=sleeper_1,sleeper_2" >"$K/vadd_1/run"
ok $? "call after=sleeper_1,sleeper_2 returns when vadd_1 is done ($(cat "$K/vadd_1/run"))"
[ "$(first "$B/bank1/c")" = 300 ]
ok_dev $? "it added both sleepers' results: $(first "$B/bank1/c")"

# One of them failed: this run fails without beginning, and says which.
ints 0 >"$B/bank0/buf" && echo "banks/bank0/buf 1" >"$K/crash_1/args" && echo start >"$K/crash_1/run"
echo "start after=crash_1" >"$K/vadd_1/run"
/bin/echo wait >"$K/vadd_1/run" 2>/dev/null
[ $? -ne 0 ]
ok_dev $? "after a run that crashed, vadd_1's run fails: wait gives EIO"
grep -q "^error not begun: after: crash_1's run [0-9]* ended: error" "$K/vadd_1/run"
ok_dev $? "its run says so: $(cat "$K/vadd_1/run")"
dev_log_has "kernels/vadd_1: run failed: not begun: after: crash_1's run"
# The same once the failed run has surely ended: with nothing pending on
# crash_1, its last run counts, so the outcome doesn't hang on timing.
echo start >"$K/crash_1/run"
/bin/echo wait >"$K/crash_1/run" 2>/dev/null
echo "start after=crash_1" >"$K/vadd_1/run"
/bin/echo wait >"$K/vadd_1/run" 2>/dev/null
[ $? -ne 0 ] && grep -q "^error not begun: after: crash_1's run [0-9]* ended: error" "$K/vadd_1/run"
ok_dev $? "after= a CU whose last run failed and ended before the start: fails too ($(cat "$K/vadd_1/run"))"

# cancel ends a run that waits, as it ends queued ones.
setflag 0
echo start >"$K/gate_1/run"
echo "start after=gate_1" >"$K/vadd_1/run" && echo cancel >"$K/vadd_1/run"
setflag 1
/bin/echo wait >"$K/vadd_1/run" 2>/dev/null
grep -q '^error cancelled' "$K/vadd_1/run"
ok_dev $? "cancel ends the waiting run ($(cat "$K/vadd_1/run"))"
echo wait >"$K/gate_1/run"

# Refusals (EINVAL, logged).
for bad in "start after=nope" "start after=" "after=gate_1" "wait after=gate_1" "start after=gate_1,,vadd_1"; do
	/bin/echo "$bad" >"$K/vadd_1/run" 2>"$WORK/err"
	[ $? -ne 0 ] && grep -q "$(errno_text EINVAL)" "$WORK/err"
	ok $? "'$bad': EINVAL ($(cat "$WORK/err"))"
done
card_log_has "after=: no compute unit 'nope' on this card"
card_log_has "after= names no compute unit"
card_log_has "'after=gate_1': after= follows start or call"
rm -f "$B"/*/*
# A free-running CU has no runs to wait for.
: >"$CARD/overlay" && cp "$DESIGNS/pipeline.xclbin" "$CARD/overlay"
/bin/echo "start after=increment_1" >"$K/mm2s_1/run" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "$(errno_text EINVAL)" "$WORK/err"
ok $? "after= a free-running CU: EINVAL ($(cat "$WORK/err"))"
card_log_has "after=: increment_1 is free-running (ap_ctrl_none)"
unmount_pynqfs
no_sanitizer_reports
done_testing
