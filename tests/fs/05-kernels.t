#!/bin/sh
# kernels/<cu>/: signature, args, run, state, stats, registers, on real C
# kernels run by the sim card (SPEC §5, §8).
. "$(dirname "$0")/../misc.sh"
VOPS="perl $PYNQFS_SRC/tests/vops.pl"
ints() { perl -e 'print pack("l<*", @ARGV)' -- "$@"; }

write_conf <<C
cards = (
  $(card xilinx_u200_gen3x16_xdma_2_202110_1 'any_shell = true;'),
  { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; }
);
$(xrt_section)
sim = { kernel_path = [ "$PYNQFS_BUILD/tests/kernels", "$PYNQFS_BUILD/examples/kernels" ];
        run_timeout_ms = 3000; };
C
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay"
K=$CARD/kernels
B=$CARD/banks

[ "$(ls "$K" | tr '\n' ' ')" = "vmult_1 vmult_2 vscale_1 wide_copy_1 " ]
ok $? "kernels/ lists every compute unit"
[ "$(ls "$K/vscale_1" | tr '\n' ' ')" = "args registers run signature state stats streams " ]
ok $? "a CU holds args registers run signature state stats streams"
[ "$(cat "$K/vscale_1/signature")" = "vscale(float const * in_r, float* out_r, float alpha, double beta, unsigned int n)" ]
ok $? "signature as the xclbin describes it"
[ "$(cat "$K/vmult_1/state")" = idle ] && [ "$(cat "$K/vmult_1/run")" = idle ]
ok $? "a CU never started: state idle, run reads idle"
printf 'in1=\nin2=\nout_r=\nsize=\n' | cmp -s - "$K/vmult_1/args"
ok $? "args of a fresh CU: every name=, in signature order"

# vmult on HBM, 1 element, 1000, and 16 Mi elements (64 MiB).
for n in 1 1000 16777216; do
	head -c $((4 * n)) /dev/urandom >"$WORK/a"
	head -c $((4 * n)) /dev/urandom >"$WORK/b"
	cp "$WORK/a" "$B/HBM0/a" && cp "$WORK/b" "$B/HBM0/b" && truncate -s $((4 * n)) "$B/HBM1/c"
	echo "banks/HBM0/a banks/HBM0/b banks/HBM1/c $n" >"$K/vmult_1/args"
	echo call >"$K/vmult_1/run"
	ok $? "vmult_1 call on $n elements"
	$VOPS mul "$WORK/a" "$WORK/b" >"$WORK/want"
	cmp "$WORK/want" "$B/HBM1/c"
	ok_dev $? "vmult_1 output is a*b, element by element ($n elements)"
	rm -f "$B/HBM0/a" "$B/HBM0/b" "$B/HBM1/c"
done
grep -q '^done [0-9]*$' "$K/vmult_1/run"
ok $? "run reads 'done <microseconds>'"
[ "$(sed -n 's/^starts: //p' "$K/vmult_1/stats")" = 3 ] && [ "$(sed -n 's/^done: //p' "$K/vmult_1/stats")" = 3 ] &&
	grep -q '^errors: 0$' "$K/vmult_1/stats" && grep -q '^last_us: [0-9]*$' "$K/vmult_1/stats" &&
	grep -q '^mean_us: [0-9]*$' "$K/vmult_1/stats"
ok $? "stats: starts 3, done 3, errors 0, last_us, mean_us"
[ "$(cat "$K/vmult_1/state")" = done ]
ok $? "state done"

# The same kernel, another CU, its own banks.
ints 1 2 3 >"$B/HBM2/a"
ints 10 20 30 >"$B/HBM2/b"
truncate -s 12 "$B/HBM3/c"
printf 'in1=banks/HBM2/a\nin2=banks/HBM2/b\nout_r=banks/HBM3/c\nsize=3' >"$K/vmult_2/args"
echo call >"$K/vmult_2/run"
ints 10 40 90 | cmp -s - "$B/HBM3/c"
ok_dev $? "vmult_2 (named args, no trailing newline) computes 10 40 90"

# Float and double scalars.
perl -e 'print pack("f<*", map { $_ / 4 - 100 } 0 .. 999)' >"$WORK/f"
cp "$WORK/f" "$B/PLRAM0/in"
truncate -s 4000 "$B/DDR0/out"
echo "in_r=banks/PLRAM0/in out_r=banks/DDR0/out alpha=2.5 beta=-1.25 n=1000" >"$K/vscale_1/args"
echo call >"$K/vscale_1/run"
$VOPS scale "$WORK/f" 2.5 -1.25 >"$WORK/want"
cmp "$WORK/want" "$B/DDR0/out"
ok_dev $? "vscale: float alpha 2.5 and double beta -1.25 reach the kernel exactly"
grep -qx 'alpha=2.5' "$K/vscale_1/args" && grep -qx 'beta=-1.25' "$K/vscale_1/args"
ok $? "args reads back alpha=2.5 beta=-1.25"

# ap_uint<512> pointers and a 64-bit count.
head -c 640 /dev/urandom >"$WORK/w"
cp "$WORK/w" "$B/DDR0/src"
truncate -s 640 "$B/DDR0/dst"
echo "banks/DDR0/src banks/DDR0/dst 10" >"$K/wide_copy_1/args"
echo call >"$K/wide_copy_1/run"
cmp -s "$WORK/w" "$B/DDR0/dst"
ok_dev $? "wide_copy: 10 ap_uint<512> words copied"

# Positional, named, partial updates; literals checked against their type.
echo "size=0x10" >"$K/vmult_2/args"
grep -qx 'size=16' "$K/vmult_2/args" && grep -qx 'in1=banks/HBM2/a' "$K/vmult_2/args"
ok $? "a write sets only what it names; 0x10 reads back as 16"
echo "banks/HBM2/b" >"$K/vmult_2/args"
grep -qx 'in1=banks/HBM2/b' "$K/vmult_2/args" && grep -qx 'in2=banks/HBM2/b' "$K/vmult_2/args"
ok $? "one positional value sets the first arg only"
echo "in1=$B/HBM2/a" >"$K/vmult_2/args"
grep -qx 'in1=banks/HBM2/a' "$K/vmult_2/args"
ok $? "an absolute path inside the mount is taken, shown card-relative"
echo "in1=" >"$K/vmult_2/args"
grep -qx 'in1=' "$K/vmult_2/args"
ok $? "name= unsets an arg"
out=$( (/bin/echo start >"$K/vmult_2/run") 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'Invalid argument'
ok $? "start with an unset arg: EINVAL"
card_log_has "start: in1 is not set"

args_fails() { # errno-text ARGS-TEXT [log-text]
	out=$( (/bin/echo "$2" >"$K/$cu/args") 2>&1)
	[ $? -ne 0 ] && echo "$out" | grep -q "$1"
	ok $? "args '$2' on $cu fails: $1"
	[ -z "${3:-}" ] || card_log_has "$3"
}
cu=vscale_1
before=$(cat "$K/$cu/args")
args_fails 'Invalid argument' 'bogus=1' "vscale takes no arg named 'bogus'"
args_fails 'Invalid argument' 'a b c d e f' 'too many values: vscale takes in_r, out_r, alpha, beta, n'
args_fails 'Invalid argument' 'n=abc' "n (unsigned int): 'abc' is not an integer literal"
args_fails 'Invalid argument' 'n=-3' 'n (unsigned int): -3 is negative, but the type is unsigned'
args_fails 'Invalid argument' 'n=4294967296' 'does not fit in 4 bytes unsigned'
args_fails 'Invalid argument' 'alpha=2.5x' "'2.5x' is not a float literal"
args_fails 'Invalid argument' 'alpha=1e39' 'overflows float'
args_fails 'Invalid argument' 'in_r=banks/PLRAM0/none' 'in_r: banks/PLRAM0/none is not a buffer'
args_fails 'Invalid argument' 'out_r=banks/PLRAM0/in' 'out_r: banks/PLRAM0/in is in PLRAM0, but port m_axi_gmem connects to DDR0'
args_fails 'Invalid argument' 'in_r=/etc/passwd' 'is not inside the mount'
args_fails 'Invalid argument' 'n=5 alpha=zz' ''
[ "$(cat "$K/$cu/args")" = "$before" ]
ok $? "a refused write changes no arg, not even the valid ones before the bad one"
cu=wide_copy_1
echo "n=18446744073709551615" >"$K/$cu/args"
grep -qx 'n=18446744073709551615' "$K/$cu/args"
ok $? "unsigned long long takes 2^64-1"
args_fails 'Invalid argument' 'n=18446744073709551616' 'does not fit in 8 bytes'
expect 65536 stat "$K/vmult_1/registers" size

# A buffer on another card: EXDEV.
cp "$DESIGNS/hbm_multi.xclbin" "$MNT/card1/overlay" 2>/dev/null ||
	cp "$DESIGNS/vadd.xclbin" "$MNT/card1/overlay"
echo x >"$MNT/card1/banks/bank0/other" 2>/dev/null
cu=vmult_1
args_fails 'Invalid cross-device link' "in1=$MNT/card1/banks/bank0/other" 'is on card1, this kernel on card0'
# A buffer moves between cards only by copy: rename(2) says EXDEV, mv copies.
expect EXDEV rename "$MNT/card1/banks/bank0/other" "$B/HBM0/other"
mv "$MNT/card1/banks/bank0/other" "$B/HBM0/other" && [ "$(cat "$B/HBM0/other")" = x ] &&
	[ ! -e "$MNT/card1/banks/bank0/other" ]
ok $? "mv to another card copies and removes the source"
rm -f "$B/HBM0/other"

# Streams: kernels/<cu>/streams/<port> links to the card's stream file.
rm -rf "$B"/*/*
cp "$DESIGNS/k2k_streams.xclbin" "$CARD/overlay"
[ "$(readlink "$K/vadd_stream_1/streams/out_c")" = ../../../streams/dc_0 ] &&
	[ "$(cat "$K/vmult_stream_1/streams/in_a")" = "source=vadd_stream_1.out_c sink=vmult_stream_1.in_a" ]
ok $? "kernels/<cu>/streams/<port> -> ../../../streams/dc_0"
grep -qx 'out_c=dc_0' "$K/vadd_stream_1/args"
ok $? "a stream arg reads as bound by the xclbin: out_c=dc_0"
cu=vadd_stream_1
args_fails 'Invalid argument' 'out_c=x' 'out_c is a stream, bound by the xclbin'

# The test design: crashes, hangs, queues, concurrency, registers.
cp "$DESIGNS/../tests/faulty.xclbin" "$CARD/overlay"
ok $? "load the test design"
cu=odd_1
args_fails 'Invalid argument' 'x=1' "the sim cannot pass type 'ap_fixed<16,8>'"

truncate -s 4096 "$B/bank0/flags"
echo "banks/bank0/flags 0 1" >"$K/meet_1/args"
echo "banks/bank0/flags 1 0" >"$K/meet_2/args"
echo start >"$K/meet_1/run" && echo start >"$K/meet_2/run"
[ "$(cat "$K/meet_1/run")" = "$(sed -n 1p "$K/meet_1/run")" ] && grep -q '^done' "$K/meet_1/run" &&
	grep -q '^done' "$K/meet_2/run"
ok $? "two CUs run at once: each waits for the other's flag and both finish"

truncate -s 4096 "$B/bank0/log"
for v in 1 2 3 4 5; do
	echo "banks/bank0/log $v 20" >"$K/tick_1/args"
	echo start >"$K/tick_1/run"
done
grep -q '^done' "$K/tick_1/run"
ok $? "reading run waits for all five queued starts"
[ "$(od -An -v -tx4 -N24 "$B/bank0/log" | tr -s ' \n' ' ')" = " 00000005 00000001 00000002 00000003 00000004 00000005 " ]
ok_dev $? "one CU runs its queue in order: 1 2 3 4 5"
[ "$(sed -n 's/^starts: //p' "$K/tick_1/stats")" = 5 ]
ok $? "stats counts 5 starts"

# gate: runs until the host says; poll, O_NONBLOCK, isolation, EBUSY.
truncate -s 4096 "$B/bank0/flag"
echo banks/bank0/flag >"$K/gate_1/args"
echo 1 >"$K/gate_1/run"
[ "$(cat "$K/gate_1/state")" != done ]
ok_dev $? "'1' starts a run, and gate_1 keeps running"
perl -MIO::Poll -MFcntl -e '
	sysopen(my $f, $ARGV[0], O_RDONLY | O_NONBLOCK) or die;
	my $p = IO::Poll->new; $p->mask($f => POLLIN);
	exit($p->poll(0) == 0 ? 0 : 1)' "$K/gate_1/run"
ok_dev $? "poll: not readable while the run is pending"
dd if="$K/gate_1/run" iflag=nonblock of=/dev/null 2>"$WORK/dd.err"
[ $? -ne 0 ] && grep -q 'Resource temporarily unavailable' "$WORK/dd.err"
ok_dev $? "O_NONBLOCK read while pending: EAGAIN"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay" 2>"$WORK/cp.err"
[ $? -ne 0 ] && grep -q 'busy' "$WORK/cp.err"
ok $? "programming while a kernel runs: EBUSY"
dev_log_has "a kernel is still running"
ints 1 2 3 4 >"$B/bank0/a"
ints 5 6 7 8 >"$B/bank0/b"
truncate -s 16 "$B/bank1/c"
echo "banks/bank0/a banks/bank0/b banks/bank1/c 4" >"$K/vadd_1/args"
echo call >"$K/vadd_1/run" && ints 6 8 10 12 | cmp -s - "$B/bank1/c"
ok_dev $? "while gate_1 runs, another CU computes and buffers are served"
# The same buffers named in the other order: a run takes its buffers' locks
# in one order whatever the args say (ThreadSanitizer saw an inversion).
echo "banks/bank0/b banks/bank0/a banks/bank1/c 4" >"$K/vadd_1/args" &&
	echo call >"$K/vadd_1/run" && ints 6 8 10 12 | cmp -s - "$B/bank1/c"
ok_dev $? "in2 + in1 with the buffers swapped: the same sums"
echo "banks/bank0/a banks/bank0/b banks/bank1/c 4" >"$K/vadd_1/args"
perl -MIO::Poll -MFcntl -e '
	sysopen(my $f, $ARGV[0], O_RDONLY | O_NONBLOCK) or die;
	my $p = IO::Poll->new; $p->mask($f => POLLIN);
	open(my $g, "+<", $ARGV[1]) or die; binmode $g; print $g pack("l<", 1); close $g;
	exit($p->poll(10) == 1 ? 0 : 1) # seconds: returns at once when readable' "$K/gate_1/run" "$B/bank0/flag"
ok $? "poll: readable once the host's write lets the kernel finish"
grep -q '^done' "$K/gate_1/run"
ok $? "the gate run ends done: the kernel saw the host's write in device memory"

# Crashes and hangs fail their run only.
echo "banks/bank0/flag 7" >"$K/crash_1/args"
out=$( (/bin/echo call >"$K/crash_1/run") 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'Input/output error'
ok_dev $? "call of a crashing kernel fails with EIO"
grep -q '^error the kernel crashed: Segmentation fault' "$K/crash_1/run" && [ "$(cat "$K/crash_1/state")" = error ]
ok_dev $? "run reads 'error the kernel crashed: Segmentation fault', state error"
dev_log_has "kernels/crash_1: run failed: the kernel crashed"
echo call >"$K/crash_1/run" 2>/dev/null
[ "$(sed -n 's/^errors: //p' "$K/crash_1/stats")" = 2 ]
ok_dev $? "a fresh runner takes the next run (it crashes again: errors 2)"
echo "banks/bank0/flag 6" >"$K/crash_1/args"
echo call >"$K/crash_1/run" 2>/dev/null
grep -q '^error the kernel crashed: Aborted (signal 6)' "$K/crash_1/run"
ok_dev $? "a kernel that aborts: 'error the kernel crashed: Aborted (signal 6)'"
echo "banks/bank0/flag 5" >"$K/crash_1/args"
echo call >"$K/crash_1/run" 2>/dev/null
grep -q '^error the kernel exited the process with status 3' "$K/crash_1/run"
ok_dev $? "a kernel that calls exit(3): its run fails and says so"
echo start >"$K/crash_1/run"
out=$( (/bin/echo wait >"$K/crash_1/run") 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'Input/output error'
ok_dev $? "wait after a failing run: EIO"
echo banks/bank0/flag >"$K/hang_1/args"
echo start >"$K/hang_1/run"
echo call >"$K/vadd_1/run" && ints 6 8 10 12 | cmp -s - "$B/bank1/c"
ok_dev $? "while hang_1 spins, vadd_1 still runs"
grep -q '^error ran past run_timeout_ms (3000 ms)' "$K/hang_1/run" && [ "$(cat "$K/hang_1/state")" = timeout ]
ok_dev $? "the hung run ends in timeout after run_timeout_ms"
grep -q '^timeouts: 1$' "$K/hang_1/stats"
ok_dev $? "stats counts the timeout"

# 64-bit scalars reach the kernel whole.
truncate -s 32 "$B/bank1/q"
echo "banks/bank1/q -2 4" >"$K/fill64_1/args"
echo call >"$K/fill64_1/run"
[ "$(od -An -v -tx8 "$B/bank1/q" | tr -s ' \n' ' ')" = " fffffffffffffffe fffffffffffffffe fffffffffffffffe fffffffffffffffe " ]
ok_dev $? "fill64: the long long -2 arrives as 0xfffffffffffffffe"
echo "value=0x123456789abcdef0 n=1" >"$K/fill64_1/args"
echo call >"$K/fill64_1/run"
[ "$(od -An -tx8 -N8 "$B/bank1/q" | tr -d ' ')" = 123456789abcdef0 ]
ok_dev $? "fill64: 0x123456789abcdef0 arrives whole"

# Registers: the last start's args at their offsets; AP_START starts.
a=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/bank0/a")
regs=$(od -An -tx4 -j16 -N40 "$K/vadd_1/registers" | tr -s ' \n' ' ')
want=$(perl -e 'printf " %08x %08x %08x", $ARGV[0] & 0xffffffff, $ARGV[0] >> 32, 0' "$a")
case "$regs" in " $(printf %08x $((a & 0xffffffff))) $(printf %08x $((a >> 32)))"*) true ;; *) false ;; esac
ok_dev $? "registers 0x10/0x14 hold in1's device address $a ($regs)"
[ "$(od -An -tx4 -j52 -N4 "$K/vadd_1/registers" | tr -d ' ')" = 00000004 ]
ok_dev $? "register 0x34 holds size = 4"
expect EINVAL pread "$K/vadd_1/registers" 2 4
expect EINVAL pwrite "$K/vadd_1/registers" 0 abc
card_log_has "must be multiples of 4"
ctl=$(od -An -tx4 -N4 "$K/vadd_1/registers" | tr -d ' ')
[ -n "$ctl" ] && [ $((0x$ctl & 4)) -ne 0 ]
ok $? "control register: AP_IDLE when idle (0x$ctl)"
ints 100 200 300 400 >"$B/bank0/a2"
a2=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/bank0/a2")
perl -e 'open(my $f, "+<", $ARGV[0]) or die; binmode $f; sysseek($f, 16, 0);
	syswrite($f, pack("L<L<", $ARGV[1] & 0xffffffff, $ARGV[1] >> 32));
	sysseek($f, 0, 0); syswrite($f, pack("L<", 1))' "$K/vadd_1/registers" "$((a2))"
grep -q '^done' "$K/vadd_1/run" && ints 105 206 307 408 | cmp -s - "$B/bank1/c"
ok_dev $? "writing in1's register and then AP_START runs vadd with it: 105 206 307 408"
perl -e 'open(my $f, "+<", $ARGV[0]) or die; sysseek($f, 16, 0); syswrite($f, pack("L<L<", 0x1234, 0));
	sysseek($f, 0, 0); exit(syswrite($f, pack("L<", 1)) ? 1 : 0)' "$K/vadd_1/registers"
ok $? "AP_START with an address that is no buffer's: refused"
card_log_has "is no buffer's address"
# A start from registers is checked exactly as one from args: in1's port
# connects to bank0, and c lives in bank1.
c=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/bank1/c")
starts=$(sed -n 's/^starts: //p' "$K/vadd_1/stats")
perl -e 'open(my $f, "+<", $ARGV[0]) or die; binmode $f; sysseek($f, 16, 0);
	syswrite($f, pack("L<L<", $ARGV[1] & 0xffffffff, $ARGV[1] >> 32));
	sysseek($f, 0, 0); exit(syswrite($f, pack("L<", 1)) ? 1 : $!{EINVAL} ? 0 : 2)' \
	"$K/vadd_1/registers" "$((c))"
ok $? "AP_START with in1 = a bank1 buffer's address (port wired to bank0): EINVAL"
[ "$(sed -n 's/^starts: //p' "$K/vadd_1/stats")" = "$starts" ]
ok $? "and no run was started"
dev_log_has "start from registers: in1: the buffer at $c is in bank1, but port m_axi_gmem connects to bank0"

expect EACCES open "$K/vadd_1/signature" O_WRONLY
printf call >"$K/vadd_1/run" && grep -q '^done' "$K/vadd_1/run"
ok $? "printf call (no newline) runs and waits"
printf 'start\nstart\ncall\n' >"$K/vadd_1/run"
[ "$(sed -n 's/^pending: //p' "$K/vadd_1/stats")" = 0 ]
ok $? "start start call in one write: the call returns after all three"
printf 'start\nstart\nwait\n' >"$K/vadd_1/run" && [ "$(sed -n 's/^pending: //p' "$K/vadd_1/stats")" = 0 ] &&
	grep -q '^done' "$K/vadd_1/run"
ok $? "start start wait: the wait returns once both have run"
perl -e 'open(my $f, ">", $ARGV[0]) or die;
	syswrite($f, "wa"); syswrite($f, "it\n") or exit 1' "$K/vadd_1/run"
ok $? "a command split over two writes (wa, it) is one wait"
out=$( (echo stop >"$K/vadd_1/run") 2>&1)
[ $? -ne 0 ]
ok $? "an unknown run command is refused"
card_log_has "'stop' is not a command"

# A client keeping run open: call, then pread the line at offset 0, each
# time the line of the runs so far: a failed run's, then a good one's.
saved=$(cat "$K/vadd_1/args")
: >"$B/bank0/empty"
out=$(perl -e 'use Fcntl; sysopen(my $f, $ARGV[0], O_RDWR) or die "open: $!";
	sub line { sysseek($f, 0, 0) // die "seek: $!"; defined sysread($f, my $l, 100) or die "read: $!"; $l }
	open(my $a, ">", $ARGV[1]) or die; print $a "in1=banks/bank0/empty\n"; close($a) or die "args: $!";
	syswrite($f, "call\n") and die "a call of an empty buffer succeeded";
	print line();
	open($a, ">", $ARGV[1]) or die; print $a $ARGV[2]; close($a) or die "args: $!";
	syswrite($f, "call\n") == 5 or die "call: $!";
	print line();' "$K/vadd_1/run" "$K/vadd_1/args" "$saved" 2>&1)
echo "$out" | sed 's/^/# /'
[ "$(echo "$out" | sed -n 1p | cut -c1-6)" = "error " ] && echo "$out" | sed -n 2p | grep -q '^done [0-9]*$'
ok_dev $? "call and read the result on one fd: the failed run's line, then the good one's"
rm "$B/bank0/empty"
# A run fd kept open for long never runs out of room (it did after 209,715
# five-byte writes: what was written and acted on was never let go).
perl -e 'open(my $f, ">", $ARGV[0]) or die "open: $!";
	for (1 .. 250000) { syswrite($f, "wait\n") == 5 or die "write $_: $!\n" }
	close($f) or die "close: $!\n"' "$K/vadd_1/run" 2>"$WORK/err"
ok $? "250,000 waits written to one open run fd ($(cat "$WORK/err"))"

# Args bind the buffer, not its name: a rename keeps the binding, a removal
# unsets it, and a new buffer of the same name is never taken for the old.
ints() { perl -e 'print pack("l<*", @ARGV)' -- "$@"; }
mkdir "$B/bank0/d"
ints 1 2 3 4 >"$B/bank0/d/x" && ints 10 20 30 40 >"$B/bank0/y" && truncate -s 16 "$B/bank1/z"
echo "banks/bank0/d/x banks/bank0/y banks/bank1/z 4" >"$K/vadd_1/args"
mv "$B/bank0/y" "$B/bank0/y2" && mv "$B/bank0/d" "$B/bank0/e"
grep -q '^in1=banks/bank0/e/x$' "$K/vadd_1/args" && grep -q '^in2=banks/bank0/y2$' "$K/vadd_1/args"
ok $? "args follow renames, of a buffer and of its directory ($(head -2 "$K/vadd_1/args" | tr '\n' ' '))"
echo call >"$K/vadd_1/run"
ok $? "and a call after them works"
[ "$(od -An -td4 "$B/bank1/z" | tr -s ' ')" = " 11 22 33 44" ]
ok_dev $? "with the buffers it was bound to: 11 22 33 44"
rm "$B/bank0/y2" && ints 100 200 300 400 >"$B/bank0/y2"
grep -q '^in2=$' "$K/vadd_1/args"
ok $? "removing a bound buffer unsets its arg; one made with its name is not bound"
! (/bin/echo call >"$K/vadd_1/run") 2>/dev/null
ok $? "a call then fails"
card_log_has "kernels/vadd_1/run: start: in2: banks/bank0/y2 was removed (bind another in args)"
rm -rf "$B/bank0/e" "$B/bank0/y2" "$B/bank1/z"

rm -rf "$B"/*/*
: >"$CARD/overlay"
[ "$(cat "$CARD/state")" = empty ] && [ -z "$(ls "$K")" ]
ok $? "freeing the design removes its kernels"
unmount_pynqfs
done_testing
