#!/bin/sh
# What a user sharing a machine must not be able to do to another, or to the
# daemon that serves them all (docs/RELIABILITY.md, "Threats"): reads racing
# unlinks and runs, buffers bound to kernels without the right to use them,
# run queues without end, xclbin staging without bound, a card's previous
# owner still inside it, its log read by the next.
. "$(dirname "$0")/../misc.sh"

U1=65534 # nobody, a member of the card's group
U2=65533 # another member
as() { # as UID SHELL-COMMAND: a member of group 5000 too
	setpriv --reuid="$1" --regid="$1" --groups=5000 sh -c "$2" 2>&1
}
cp "$DESIGNS/vadd.xclbin" "$WORK/vadd.xclbin"
chmod 644 "$WORK/vadd.xclbin"
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true;
            owner = "root"; group = "5000"; mode = "0770"; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels", "$PYNQFS_BUILD/tests/kernels" ];
        run_timeout_ms = 60000; };
max_queued = 64;
C
mount_pynqfs -o allow_other,config="$CONF"
B=$CARD/banks
K=$CARD/kernels
cp "$WORK/vadd.xclbin" "$CARD/overlay"
ok $? "vadd loaded"

# A read whose reader closes and unlinks at once, while runs are queued on
# the buffer: the reply must not outlive the daemon's hold on the buffer.
truncate -s 4096 "$B/bank0/in"
perl -e '
	my ($card, $secs) = @ARGV;
	my $end = time + $secs;
	my $i = 0;
	while (time < $end) {
		my $o = "$card/banks/bank1/out$i";
		open(my $f, ">", $o) or die "create $o: $!";
		truncate($f, 4096) or die "truncate: $!";
		close($f);
		open(my $a, ">", "$card/kernels/vadd_1/args") or die "args: $!";
		syswrite($a, "banks/bank0/in banks/bank0/in banks/bank1/out$i 1024\n") or die "args: $!";
		close($a);
		open(my $r, "+<", "$card/kernels/vadd_1/run") or die "run: $!";
		# Past max_queued, wait for the queue to drain (a read of run).
		syswrite($r, "start\n") or ($!{EAGAIN} and sysread($r, my $l, 100)) or die "start: $!";
		close($r);
		open(my $g, "<", $o) or die "open $o: $!";
		unlink($o) or die "unlink: $!";
		sysread($g, my $buf, 4096) == 4096 or die "read: $!";
		close($g);
		$i++;
	}
	print "$i\n";
' "$CARD" 6 >"$WORK/reads" 2>&1
rc=$?
ok $rc "unlink-while-reading with runs queued: $(cat "$WORK/reads") rounds"
cat "$K/vadd_1/run" >/dev/null
[ "$(cat "$CARD/state")" = ready ]
ok $? "the daemon still serves after the read loop"

# Kernel args are only as good as their buffers' modes: a group member may
# bind another member's private buffers, but may not start with them.
out=$(as $U1 "umask 077; perl -e 'print pack(\"l<*\", 1 .. 256)' >$B/bank0/secret &&
	perl -e 'print pack(\"l<*\", (7) x 256)' >$B/bank1/result")
ok $? "uid $U1 makes secret and result with umask 077 ($out)"
expect_as $U2 EACCES open "$B/bank0/secret" O_RDONLY
out=$(as $U2 "umask 077; truncate -s 1024 $B/bank0/zeros $B/bank1/mine &&
	echo 'banks/bank0/secret banks/bank0/zeros banks/bank1/mine 256' >$K/vadd_1/args")
ok $? "uid $U2 may bind them in args (a binding moves no data) ($out)"
out=$(as $U2 "/bin/echo call >$K/vadd_1/run")
[ $? -ne 0 ] && echo "$out" | grep -q "Permission denied"
ok $? "but a call with $U1's secret as in1: EACCES ($out)"
card_log_has "kernels/vadd_1/run: start refused: in1: uid $U2 may not read and write banks/bank0/secret (owner $U1:$U1, mode 0600)"
[ "$(od -An -td4 -N4 "$B/bank1/mine" | tr -d ' ')" = 0 ]
ok $? "nothing of secret reached $U2's buffer"
out=$(as $U2 "echo 'banks/bank0/zeros banks/bank0/zeros banks/bank1/result 256' >$K/vadd_1/args &&
	/bin/echo start >$K/vadd_1/run")
[ $? -ne 0 ] && echo "$out" | grep -q "Permission denied"
ok $? "a start with $U1's result as out_r: EACCES ($out)"
[ "$(od -An -td4 -N4 "$B/bank1/result" | tr -d ' ')" = 7 ]
ok $? "result keeps $U1's bytes"
# From registers: an address is only as good as its buffer's mode.
a=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/bank0/secret")
z=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/bank0/zeros")
m=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/bank1/mine")
out=$(as $U2 "perl -e 'open(my \$f, \"+<\", \$ARGV[0]) or die \"open: \$!\";
	sysseek(\$f, 0x10, 0); syswrite(\$f, pack(\"Q<xxxxQ<xxxxQ<xxxxL<\", \$ARGV[1], \$ARGV[2], \$ARGV[3], 256)) or die \"args: \$!\";
	sysseek(\$f, 0, 0); syswrite(\$f, pack(\"L<\", 1)) and exit 0; print \"\$!\\n\"; exit 1' $K/vadd_1/registers $((a)) $((z)) $((m))")
[ $? -ne 0 ] && echo "$out" | grep -q "Permission denied"
ok_dev $? "AP_START from registers with secret's address as in1: EACCES ($out)"
dev_log_has "kernels/vadd_1/registers: start refused: in1: uid $U2 may not read and write banks/bank0/secret"
out=$(as $U1 "echo 'banks/bank0/secret banks/bank0/secret banks/bank1/result 256' >$K/vadd_1/args &&
	echo call >$K/vadd_1/run")
ok $? "$U1 may use its own buffers ($out)"
[ "$(od -An -td4 -N8 "$B/bank1/result" | tr -s ' ')" = " 2 4" ]
ok_dev $? "and computes with them: 2 4 ..."
# The directories on the way count too, as for open(2): a 0666 buffer in
# another member's 0700 directory is out of reach.
out=$(as $U1 "mkdir -m 0700 $B/bank0/private && umask 0 && truncate -s 1024 $B/bank0/private/open")
ok $? "uid $U1 puts a 0666 buffer in its 0700 directory ($out)"
out=$(as $U2 "echo 'banks/bank0/private/open banks/bank0/zeros banks/bank1/mine 256' >$K/vadd_1/args &&
	/bin/echo call >$K/vadd_1/run")
[ $? -ne 0 ] && echo "$out" | grep -q "Permission denied"
ok $? "uid $U2 binding it: the start is EACCES ($out)"
card_log_has "start refused: in1: uid $U2 may not search banks/bank0/private (owner $U1:$U1, mode 0700)"
rm -rf "$B/bank0/private"
rm -f "$B/bank0/secret" "$B/bank1/result" "$B/bank0/zeros" "$B/bank1/mine" "$B/bank0/in"

# The run queue: bounded per CU (max_queued = 64 here), cancelled at once.
cp "$PYNQFS_BUILD/tests/faulty.xclbin" "$CARD/overlay"
ok $? "the test design loaded"
truncate -s 4096 "$B/bank0/flag"
echo "banks/bank0/flag" >"$K/gate_1/args" && echo start >"$K/gate_1/run"
ok $? "gate_1 runs until its flag is set"
until_state() { # CU WORD: wait for a state the test itself brings about
	i=0
	while [ "$(cat "$K/$1/state")" != "$2" ] && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(cat "$K/$1/state")" = "$2" ]
}
until_state gate_1 running
ok $? "gate_1 is running"
perl -e 'open(my $r, ">", $ARGV[0]) or die; my $n = syswrite($r, "1 " x 100);
	print defined $n ? "written\n" : "$!\n"' "$K/gate_1/run" >"$WORK/q" 2>&1
grep -q "Resource temporarily unavailable" "$WORK/q"
ok $? "100 starts behind a running one: EAGAIN past max_queued ($(cat "$WORK/q"))"
[ "$(sed -n 's/^pending: //p' "$K/gate_1/stats")" = 65 ]
ok $? "exactly 64 wait behind the running one ($(grep pending "$K/gate_1/stats"))"
card_log_has "kernels/gate_1/run: start refused: 64 runs wait already (max_queued)"
echo cancel >"$K/gate_1/run"
ok $? "cancel"
card_log_has "kernels/gate_1/run: cancel: 64 queued runs cancelled"
[ "$(sed -n 's/^pending: //p' "$K/gate_1/stats")" = 1 ] && [ "$(cat "$K/gate_1/state")" = running ]
ok $? "only the running one is left, still running"
# A call waiting behind the running run, and a reader of run waiting for
# all: each killed while it waits dies at once, not when the runs end.
/bin/echo call >"$K/gate_1/run" 2>/dev/null &
caller=$!
cat "$K/gate_1/run" >/dev/null 2>&1 &
reader=$!
waiting() { grep -q request_wait_answer "/proc/$1/wchan" 2>/dev/null; }
i=0
while { [ "$(sed -n 's/^pending: //p' "$K/gate_1/stats")" != 2 ] || ! waiting $caller ||
	! waiting $reader; } && [ $i -lt 600 ]; do
	sleep 0.05 # waiting for the call to be queued, and both to wait in pynqfs
	i=$((i + 1))
done
ok $? "a call queued, a reader of run waiting"
kill -9 $caller
wait $caller 2>/dev/null
kill -9 $reader
wait $reader 2>/dev/null
[ "$(cat "$K/gate_1/state")" = running ]
ok $? "both killed: gone at once, the run still running"
# The killed call's run is still queued (a start is a start): cancel ends it.
echo cancel >"$K/gate_1/run"
card_log_has "kernels/gate_1/run: cancel: 1 queued run cancelled"
perl -e 'open(my $f, "+<", $ARGV[0]) or die; syswrite($f, pack("l<", 1))' "$B/bank0/flag"
cat "$K/gate_1/run" >"$WORK/last"
grep -q "^done" "$WORK/last" && grep -q '^errors: 65$' "$K/gate_1/stats" &&
	grep -q '^pending: 0$' "$K/gate_1/stats"
ok $? "set the flag: gate_1 ends done; the cancelled runs count as errors ($(cat "$WORK/last"))"
rm -f "$B/bank0/flag"

# xclbin staging: one open takes at most 1 GiB, all together at most 2 GiB,
# and a write far past the end costs a page, not what lies before it.
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$DAEMON/status; }
r0=$(rss)
perl -e 'my @f;
	for my $i (0 .. 2) {
		open($f[$i], "+<", $ARGV[0]) or die "open: $!";
		my $x = "x";
		my $n = syscall(18, fileno($f[$i]), $x, 1, (1 << 30) - 1); # pwrite64
		print $n == 1 ? "staged\n" : "$!\n";
	}
	my $x = "x";
	my $n = syscall(18, fileno($f[0]), $x, 1, 1 << 30);
	print $n == 1 ? "staged\n" : "$!\n";
	print "rss ", `awk "/^VmRSS:/ { print \\\$2 }" /proc/$ARGV[1]/status`;' "$CARD/overlay" "$DAEMON" >"$WORK/stage" 2>&1
sed 's/^/# /' "$WORK/stage"
[ "$(sed -n 1,2p "$WORK/stage" | tr '\n' ' ')" = "staged staged " ] &&
	sed -n 3p "$WORK/stage" | grep -q "No space left on device" &&
	sed -n 4p "$WORK/stage" | grep -q "File too large"
ok $? "a third 1 GiB staging: ENOSPC; past 1 GiB in one: EFBIG"
r1=$(sed -n 's/^rss //p' "$WORK/stage")
[ "$r1" -lt $((r0 + 65536)) ]
ok $? "two 1 GiB stagings written at their last byte: daemon RSS $r0 -> $r1 kB"
card_log_has "xclbins being written to overlays hold 2048 MiB of the daemon's memory already"
card_log_has "more than 1024 MiB is not an xclbin we take"
out=$(perl -e 'open(my $f, "+<", $ARGV[0]) or die "open: $!";
	print truncate($f, (1 << 30) + 1) ? "grown\n" : "$!\n"' "$CARD/overlay" 2>&1)
echo "$out" | grep -q "File too large"
ok $? "ftruncate of an open overlay past 1 GiB: EFBIG ($out)"
[ "$(cat "$CARD/state")" = ready ]
ok $? "staging that was never a whole xclbin changed nothing"

# A handover leaves the previous owner nothing: not its working directory
# inside the card, not its open files.
out=$(as $U1 "mkdir -m 0777 $B/bank0/d && head -c 4096 /dev/zero >$B/bank0/d/mine")
ok $? "$U1 makes a directory open to all, and a buffer in it ($out)"
mkfifo "$WORK/go2"
as $U1 "cd $B/bank0/d && perl -e '
	open(my \$b, \"<\", \"mine\") or die \"mine: \$!\";
	open(my \$r, \">\", \"$WORK/inside\"); close(\$r);
	open(my \$g, \"<\", \"$WORK/go2\"); <\$g>;
	print open(my \$n, \">\", \"newbuf\") ? \"create: made\\n\" : \"create: \$!\\n\";
	print truncate(\"big\", 15 << 30) || open(my \$x, \">\", \"big\") ? \"big: made\\n\" : \"big: \$!\\n\";
	print opendir(my \$d, \".\") ? \"ls: listed\\n\" : \"ls: \$!\\n\";
	print defined sysread(\$b, my \$buf, 10) ? \"read: read\\n\" : \"read: \$!\\n\";
	print mkdir(\"sub\") ? \"mkdir: made\\n\" : \"mkdir: \$!\\n\";
'" >"$WORK/inside.out" 2>&1 &
u1=$!
i=0
while [ ! -e "$WORK/inside" ] && kill -0 $u1 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.05 # waiting for U1 to be inside
	i=$((i + 1))
done
chmod 0700 "$CARD" && chown "$U2:$U2" "$CARD"
ok $? "root hands card0 to $U2 alone while $U1 is inside banks/bank0/d"
echo go >"$WORK/go2"
wait $u1
sed 's/^/# /' "$WORK/inside.out"
[ "$(grep -c "Permission denied" "$WORK/inside.out")" = 5 ]
ok $? "$U1 may no longer create, list, read or mkdir there: EACCES for all 5"
[ ! -e "$B/bank0/d/newbuf" ] && [ ! -e "$B/bank0/d/big" ] && [ ! -e "$B/bank0/d/sub" ]
ok $? "nothing was made"
card_log_has "card0: uid $U1 is inside a card it may no longer enter (owner $U2:$U2, mode 0700): refused"
rm -rf "$B/bank0/d"
out=$(as $U2 ": >$CARD/overlay && cat $CARD/state")
[ "$out" = empty ]
ok $? "the new owner frees the design: nothing of $U1's is in the way ($out)"
! grep -q "gate_1" "$CARD/log"
ok $? "and its log starts afresh: nothing of before the handover"
chown 0:5000 "$CARD" && chmod 0770 "$CARD"

# One args fd, many writes: each line applied once, positional ones too.
cp "$WORK/vadd.xclbin" "$CARD/overlay"
truncate -s 64 "$B/bank0/a" "$B/bank1/c"
out=$(perl -e 'open(my $f, ">", $ARGV[0]) or die "open: $!";
	syswrite($f, "banks/bank0/a banks/bank0/a banks/bank1/c 16\n") or die "1: $!";
	syswrite($f, "banks/bank0/a banks/bank0/a banks/bank1/c 8\n") or die "2: $!";
	syswrite($f, "size=$_\n") or die "size=$_: $!" for 1 .. 2000;
	close($f) or die "close: $!"; print "ok"' "$K/vadd_1/args" 2>&1)
[ "$out" = ok ] && grep -q "^size=2000$" "$K/vadd_1/args"
ok $? "two positional lines and 2,000 size= lines on one fd: each applied ($out)"
out=$(perl -e 'open(my $f, ">", $ARGV[0]) or die "open: $!";
	print syswrite($f, "bogus=1 size=4") ? "written\n" : "$!\n"; close($f)' "$K/vadd_1/args" 2>&1)
echo "$out" | grep -q "Invalid argument" && grep -q "^size=2000$" "$K/vadd_1/args"
ok $? "a bad token in a line not yet ended fails its write, binding nothing ($out)"

unmount_pynqfs
done_testing
