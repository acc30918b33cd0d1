#!/bin/sh
# Streams on the sim card: kernels joined by K2K streams run with a bounded
# FIFO between their runners; a free-running (ap_ctrl_none) kernel runs
# from load to free; a full FIFO holds its writer back; a pipeline that
# can't move ends in timeout, naming the stream.
. "$(dirname "$0")/../misc.sh"

write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/tests/kernels", "$PYNQFS_BUILD/examples/kernels" ];
        run_timeout_ms = 2000; };
C
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/pipeline.xclbin" "$CARD/overlay"
K=$CARD/kernels
B=$CARD/banks
DEPTH=1024
# refused ERRNO WORDS FILE: writing WORDS to FILE fails with ERRNO.
refused() {
	out=$( (/bin/echo "$2" >"$3") 2>&1)
	rc=$?
	[ $rc -ne 0 ] && echo "$out" | grep -q "$(errno_text "$1")"
	ok $? "echo $2 > ${3#"$CARD"/}: $1 ($out)"
}

# 1. How the design's streams show.
[ "$(cat "$K/increment_1/state")" = running ] && [ "$(cat "$K/mm2s_1/state")" = idle ]
ok $? "the free-running increment_1 runs from load, mm2s_1 is idle"
[ "$(cat "$K/increment_1/signature")" = "increment(stream in, stream out)" ]
ok $? "signature: $(cat "$K/increment_1/signature")"
[ "$(cat "$K/mm2s_1/args")" = "$(printf 'in=\nout=dc_0\nn=')" ]
ok $? "args shows the stream the xclbin binds: out=dc_0"
refused EINVAL out=banks/bank0/x "$K/mm2s_1/args"
card_log_has "kernels/mm2s_1/args: out is a stream, bound by the xclbin"
refused EINVAL start "$K/increment_1/run"
card_log_has "kernels/increment_1/run: start: increment_1 is free-running (ap_ctrl_none)"
[ "$(cat "$CARD/streams/dc_1")" = "source=increment_1.out sink=s2mm_1.in" ]
ok $? "streams/dc_1: $(cat "$CARD/streams/dc_1")"

# 2. mm2s -> increment -> s2mm, element by element, for sizes below, at
# and above what one FIFO holds, the producer started first or last.
pipeline() { # pipeline N FIRST: FIRST (mm2s or s2mm) is started, the other called
	perl -e 'srand($ARGV[1]); print pack("l<*", map { int(rand(2**32)) - 2**31 + 1 } 1 .. $ARGV[0])' "$1" "$1" >"$WORK/in"
	cp "$WORK/in" "$B/bank0/in"
	truncate -s 0 "$B/bank1/out"
	truncate -s $(($1 * 4)) "$B/bank1/out"
	echo "banks/bank0/in $1" >"$K/mm2s_1/args"
	echo "banks/bank1/out $1" >"$K/s2mm_1/args"
	if [ "$2" = mm2s ]; then
		echo start >"$K/mm2s_1/run" && echo call >"$K/s2mm_1/run"
	else
		echo start >"$K/s2mm_1/run" && echo call >"$K/mm2s_1/run"
	fi || return 1
	grep -q '^done' "$K/mm2s_1/run" && grep -q '^done' "$K/s2mm_1/run" || return 1
	perl -e 'open(my $i, "<", $ARGV[0]) or die; open(my $o, "<", $ARGV[1]) or die;
		local $/; my @i = unpack("l<*", <$i>); my @o = unpack("l<*", <$o>);
		exit 1 if @o != $ARGV[2];
		for (0 .. $#i) { if ($o[$_] != $i[$_] + 1) { print STDERR "element $_: $o[$_], not $i[$_] + 1\n"; exit 1 } }' \
		"$WORK/in" "$B/bank1/out" "$1"
}
for n in 1 1000 $DEPTH $((DEPTH + 1)) $((3 * DEPTH + 7)) 100000; do
	pipeline $n mm2s
	ok $? "pipeline of $n elements, mm2s started first: each one out = in + 1"
done
pipeline 5000 s2mm
ok $? "pipeline of 5000 elements, s2mm started first: each one out = in + 1"

# 3. A full FIFO holds its writer back: countsrc writes 3000 elements into
# dc_0 while gatedsink waits for a flag in device memory before reading.
rm -f "$B"/bank0/* "$B"/bank1/*
cp "$PYNQFS_BUILD/tests/streams.xclbin" "$CARD/overlay"
truncate -s 4 "$B/bank0/progress" "$B/bank0/flag"
truncate -s 12000 "$B/bank0/out"
echo "banks/bank0/progress 3000" >"$K/countsrc_1/args"
echo "banks/bank0/flag banks/bank0/out 3000" >"$K/gatedsink_1/args"
echo start >"$K/countsrc_1/run"
echo start >"$K/gatedsink_1/run"
progress() { od -An -td4 -N4 "$B/bank0/progress" | tr -d ' '; }
i=0
while [ "$(progress)" -lt $DEPTH ] && [ $i -lt 2000 ]; do i=$((i + 1)); done
p1=$(progress)
s1=$(cat "$K/countsrc_1/state")
[ "$p1" = $DEPTH ] && [ "$s1" = running ]
ok $? "the producer stops at element $DEPTH, the FIFO full, still running (at $p1, $s1)"
printf '\001\000\000\000' | dd of="$B/bank0/flag" conv=notrunc 2>/dev/null
grep -q '^done' "$K/gatedsink_1/run" && grep -q '^done' "$K/countsrc_1/run"
ok $? "the flag set, the consumer reads everything and both end"
perl -e 'open(my $o, "<", $ARGV[0]) or die; local $/; my @o = unpack("l<*", <$o>);
	for (0 .. 2999) { exit 1 if $o[$_] != $_ }' "$B/bank0/out" && [ "$(progress)" = 3000 ]
ok $? "3000 elements in order, the producer at its end"

# What can't run says why: a stream port the xclbin connects to nothing,
# a free-running kernel with an arg that is not a stream.
echo "banks/bank0/progress 1" >"$K/countsrc_3/args"
refused EIO call "$K/countsrc_3/run"
card_log_has "kernels/countsrc_3: run failed: countsrc streams through out, which the xclbin connects to no other kernel"
[ "$(cat "$K/settable_1/state")" = error ]
ok $? "settable_1 (ap_ctrl_none, an int arg) did not start: state $(cat "$K/settable_1/state")"
card_log_has "kernels/settable_1: free-running (ap_ctrl_none), not started: its arg n is not a stream, and nothing can set it"

# A free-running kernel that crashes: logged, its state error.
[ "$(cat "$K/boom_1/state")" = running ]
ok $? "the free-running boom_1 runs"
echo "banks/bank0/progress 20" >"$K/countsrc_2/args" && echo call >"$K/countsrc_2/run"
ok $? "20 elements into boom_1's stream, the 14th a 13"
i=0
while [ "$(cat "$K/boom_1/state")" = running ] && [ $i -lt 2000 ]; do i=$((i + 1)); done
[ "$(cat "$K/boom_1/state")" = error ]
ok $? "boom_1's state: $(cat "$K/boom_1/state")"
card_log_has "kernels/boom_1: free-running kernel stopped: the kernel crashed: Segmentation fault (signal 11): wrote 0x0, a host address in no buffer of its args"

# 4. Pipelines that can't move end in timeout, naming the stream.
rm -f "$B"/bank0/*
cp "$DESIGNS/pipeline.xclbin" "$CARD/overlay"
truncate -s 40 "$B/bank1/out"
echo "banks/bank1/out 10" >"$K/s2mm_1/args"
refused EIO call "$K/s2mm_1/run"
want="ran past run_timeout_ms (2000 ms) and was stopped: stream dc_1 (increment_1.out -> s2mm_1.in) never moved: in waited to read, and nothing was written"
[ "$(cat "$K/s2mm_1/run")" = "error $want" ] && [ "$(cat "$K/s2mm_1/state")" = timeout ]
ok $? "a consumer with no producer: state timeout, run says: error $want"
card_log_has "kernels/s2mm_1: run timed out: $want"
perl -e 'print pack("l<*", 1 .. 5000)' >"$B/bank0/in"
echo "banks/bank0/in 5000" >"$K/mm2s_1/args"
refused EIO call "$K/mm2s_1/run"
grep -q "^error ran past run_timeout_ms (2000 ms) and was stopped: stream dc_0 (mm2s_1.out -> increment_1.in) stopped after $((2 * DEPTH + 1)) elements: out waited to write more, the FIFO full and nothing more read\$" "$K/mm2s_1/run"
ok $? "a producer with no consumer: stopped after two FIFOs and one element in increment ($(cat "$K/mm2s_1/run"))"
[ "$(cat "$CARD/state")" = ready ] && ls "$K" >/dev/null && [ "$(cat "$K/increment_1/state")" = running ]
ok $? "the mount answers, the card is ready, increment_1 still runs"

# 5. The k2k_streams example: vadd_stream adds two buffers into dc_0,
# vmult_stream multiplies dc_0 by a third buffer.
rm -f "$B"/bank0/* "$B"/bank1/*
cp "$DESIGNS/k2k_streams.xclbin" "$CARD/overlay"
n=3000
perl -e 'print pack("l<*", map { $_ * 3 - 7 } 1 .. $ARGV[0])' $n >"$B/bank0/a"
perl -e 'print pack("l<*", map { 1000 - $_ } 1 .. $ARGV[0])' $n >"$B/bank0/b"
perl -e 'print pack("l<*", map { $_ % 17 - 8 } 1 .. $ARGV[0])' $n >"$B/bank1/c"
truncate -s $((n * 4)) "$B/bank1/out"
echo "banks/bank0/a banks/bank0/b $n" >"$K/vadd_stream_1/args" &&
	echo "banks/bank1/c banks/bank1/out $n" >"$K/vmult_stream_1/args" &&
	echo start >"$K/vadd_stream_1/run" && echo call >"$K/vmult_stream_1/run" &&
	grep -q '^done' "$K/vadd_stream_1/run" &&
	perl -e 'open(my $o, "<", $ARGV[0]) or die; local $/; my @o = unpack("l<*", <$o>);
		for my $i (1 .. $ARGV[1]) { exit 1 if $o[$i - 1] != (($i * 3 - 7) + (1000 - $i)) * ($i % 17 - 8) }' \
		"$B/bank1/out" $n
ok $? "k2k_streams: out = (a + b) * c for $n elements, through dc_0"

# 6. Freeing the design stops the free-running kernel's runner.
rm -f "$B"/bank0/* "$B"/bank1/*
cp "$DESIGNS/pipeline.xclbin" "$CARD/overlay"
runners=$(pgrep -c -P "$DAEMON" -f pynqfs-runner)
: >"$CARD/overlay"
[ "$(cat "$CARD/state")" = empty ] && [ "$runners" -ge 1 ] &&
	! pgrep -P "$DAEMON" -f pynqfs-runner >/dev/null
ok $? "free: no runner left ($runners before)"
no_sanitizer_reports
done_testing
