#!/bin/sh
# The xrt backend on XRT's noop shim, beside a sim card in one mount: both
# cards listed with their backends, 1,000 program/free cycles and 10,000
# runs with the daemon's memory printed and bounded, and an unmount that
# closes every XRT handle, so that the daemon exits with status 0.
PYNQFS_TEST_BACKEND=xrt
. "$(dirname "$0")/../misc.sh"

write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; },
          $(card xilinx_u200_gen3x16_xdma_2_202110_1 'any_shell = true;') );
$(xrt_section)
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
# A broken XRT install: a clear FILE:LINE error before mounting, never an abort.
mkdir "$WORK/noxrt"
XILINX_XRT=$WORK/noxrt "$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>"$WORK/err"
rc=$?
[ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -q "pynqfs.conf:2: card1: XRT's noop shim .*libxrt_noop.so.2 is not installed" "$WORK/err" &&
	! mountpoint -q "$MNT"
ok $? "XILINX_XRT without XRT's libraries: refused at start-up with FILE:LINE (rc $rc: $(cat "$WORK/err"))"

# device = "all" takes every device XRT counts (its noop shim has one):
# the count, made before any card opens, leaves XRT's environment usable.
cat >"$WORK/all.conf" <<C
cards = ( { backend = "sim"; name = "x"; },
          { backend = "xrt"; device = "all"; any_shell = true; } );
$(xrt_section)
C
"$PYNQFS_BUILD/pynqfs" -o config="$WORK/all.conf" "$MNT" 2>"$WORK/err"
[ $? -eq 0 ] && [ "$(cut -d' ' -f1,3 "$MNT/cards" | tr '\n' ' ')" = "card0 sim card1 xrt " ]
ok $? "device = \"all\" on noop opens its device: $(tr '\n' ' ' <"$MNT/cards" 2>/dev/null) $(cat "$WORK/err")"
fusermount3 -u "$MNT"

# Two cards on one XRT device would share its design and free each other's
# buffers: refused before mounting, with the line of each.
cat >"$WORK/twice.conf" <<C
cards = ( { backend = "xrt"; device = 0; },
          { backend = "xrt"; device = 0; } );
$(xrt_section)
C
"$PYNQFS_BUILD/pynqfs" -o config="$WORK/twice.conf" "$MNT" 2>"$WORK/err"
[ $? -eq 1 ] && grep -q 'twice.conf:2: XRT device 0 is the card at line 1 already' "$WORK/err" &&
	! mountpoint -q "$MNT"
ok $? "two cards naming XRT device 0: a config error ($(cat "$WORK/err"))"
cat >"$WORK/twice.conf" <<C
cards = ( { backend = "xrt"; device = "all"; },
          { backend = "xrt"; device = 1; } );
$(xrt_section)
C
"$PYNQFS_BUILD/pynqfs" -o config="$WORK/twice.conf" "$MNT" 2>"$WORK/err"
[ $? -eq 1 ] && grep -q 'twice.conf:2: device = "all" takes every XRT device' "$WORK/err"
ok $? "device = \"all\" beside another xrt card: a config error ($(cat "$WORK/err"))"

# A XILINX_XRT directory left by a daemon that died (nobody holds its
# lock) is removed at the next start; one a live daemon holds is kept.
stale=$(mktemp -d /tmp/pynqfs-xrt.XXXXXX)
mkdir "$stale/lib" && ln -s /nonexistent "$stale/lib/libxrt_x.so" && : >"$stale/lock"
live=$(mktemp -d /tmp/pynqfs-xrt.XXXXXX)
: >"$live/lock"
flock "$live/lock" sh -c "touch $WORK/locked; while [ ! -e $WORK/unlock ]; do sleep 0.05; done" &
holder=$!
i=0
while [ ! -e "$WORK/locked" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done

# In the foreground, to see its exit status; no ASan quarantine, so RSS means something.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0:thread_local_quarantine_size_kb=0:log_path=$WORK/asan"
export ASAN_OPTIONS
mount_pynqfs_fg "$WORK/stderr" -f -o config="$CONF"
ok $? "mount a sim card and an xrt card (noop) together"
[ "$(cat "$MNT/cards")" = "card0 xilinx_u200_gen3x16_xdma_2_202110_1 sim
card1 xilinx_u200_gen3x16_xdma_2_202110_1 xrt" ]
ok $? "cards lists each with its backend"
X=$MNT/card1
root=$(sed -n 's/.*xrt: device 0, XILINX_XRT=\([^ ]*\) (made by pynqfs.*/\1/p' "$X/log")
[ "$(cat "$X/backend")" = xrt ] && [ "$(cat "$X/state")" = empty ]
ok $? "card1: backend xrt, state empty"
grep -q "card1: xrt card" "$X/log"
ok $? "card1's log says what it is"
[ ! -e "$stale" ] && [ -d "$live" ]
ok $? "a dead daemon's XILINX_XRT directory was removed, a live one's kept"
: >"$WORK/unlock"
wait $holder
rm -rf "$live"

# Programming racing freeing, with buffers and runs between, on the xrt
# card beside the sim card: the design freed by one is never used by the
# other's load (ASan would say).
race() { # ROUNDS
	perl -e 'open(my $x, "<", $ARGV[0]) or die; binmode $x; local $/; my $img = <$x>;
		my $c = $ARGV[1];
		for (1 .. $ARGV[2]) {
			if (open(my $o, ">", "$c/overlay")) { print $o $img; close $o; }
			if (open(my $b, ">", "$c/banks/bank0/a")) { print $b "x" x 4096; close $b; }
			if (open(my $a, ">", "$c/kernels/vadd_1/args")) {
				print $a "banks/bank0/a banks/bank0/a banks/bank0/a 16\n"; close $a;
			}
			if (open(my $r, ">", "$c/kernels/vadd_1/run")) { print $r "call\n"; close $r; }
			unlink "$c/banks/bank0/a";
			truncate("$c/overlay", 0);
		}' "$DESIGNS/vadd.xclbin" "$X" "$1" 2>/dev/null
}
race 300 &
r1=$!
race 300 &
r2=$!
wait $r1 $r2
[ "$(wc -l <"$MNT/cards")" = 2 ] && [ -n "$(cat "$X/state")" ]
ok $? "two processes programming and freeing 300 times each: the daemon still serves"
rm -f "$X/banks/bank0/a"
: >"$X/overlay" 2>/dev/null
[ "$(cat "$X/state")" = empty ]
ok $? "and the card frees cleanly after"

rss() { awk '/^VmRSS:/ { print $2 }' /proc/$DAEMON/status; }
cycles() { # N: program vadd and free it, N times
	perl -e 'open(my $x, "<", $ARGV[0]) or die; binmode $x; local $/; my $img = <$x>;
		for (1 .. $ARGV[2]) {
			open(my $o, ">", $ARGV[1]) or exit 1; print $o $img; close $o or exit 2;
			truncate($ARGV[1], 0) or exit 3;
		}' "$DESIGNS/vadd.xclbin" "$X/overlay" "$1"
}
cycles 500
ok $? "500 program/free cycles"
r1=$(rss)
cycles 500
ok $? "500 more"
r2=$(rss)
echo "# daemon RSS after 500 cycles: $r1 kB, after 1000: $r2 kB"
[ -n "$r1" ] && [ "$r2" -lt $((r1 + 2048)) ]
ok $? "RSS stays within 2 MiB over the last 500 cycles ($r1 -> $r2 kB)"

cp "$DESIGNS/vadd.xclbin" "$X/overlay" && [ "$(cat "$X/state")" = ready ]
ok $? "program vadd on the xrt card"
perl -e 'print pack("l<*", 1 .. 1024)' >"$X/banks/bank0/a"
perl -e 'print pack("l<*", 1 .. 1024)' | cmp -s - "$X/banks/bank0/a"
ok $? "a buffer written and read back through XRT BOs"
cp "$X/banks/bank0/a" "$X/banks/bank0/b" && truncate -s 4096 "$X/banks/bank1/c"
echo "banks/bank0/a banks/bank0/b banks/bank1/c 1024" >"$X/kernels/vadd_1/args"
ok $? "args bind buffers of XRT BOs"
runs() { # N calls on one open run file
	perl -e 'open(my $r, "+<", $ARGV[0]) or exit 1; my $n = $ARGV[1];
		for (1 .. $n) { syswrite($r, "call\n") == 5 or exit 2 }' "$X/kernels/vadd_1/run" "$1"
}
runs 5000
ok $? "5,000 calls"
r1=$(rss)
runs 5000
ok $? "5,000 more"
r2=$(rss)
echo "# daemon RSS after 5,000 runs: $r1 kB, after 10,000: $r2 kB"
[ "$r2" -lt $((r1 + 2048)) ]
ok $? "RSS stays within 2 MiB over the last 5,000 runs ($r1 -> $r2 kB)"
grep -q '^done ' "$X/kernels/vadd_1/run" && grep -q '^done: 10000$' "$X/kernels/vadd_1/stats" &&
	grep -q '^errors: 0$' "$X/kernels/vadd_1/stats"
ok $? "10,000 runs done, no error"
echo start >"$X/kernels/vadd_1/run" && echo wait >"$X/kernels/vadd_1/run"
ok $? "start, then wait"
cp "$DESIGNS/vadd.xclbin" "$X/overlay" 2>/dev/null
[ $? -ne 0 ] && grep -q "buffers are still allocated" "$X/log"
ok $? "programming with BOs allocated: EBUSY, as on the sim"
truncate -s 20G "$X/banks/bank0/big" 2>"$WORK/err"
grep -q "File too large" "$WORK/err"
ok $? "a buffer beyond the bank's capacity: EFBIG (counted by pynqfs, not XRT)"
# Registers of a CU opened shared: XRT refuses them unless Runtime.rw_shared
# is set, which pynqfs sets. Noop's shim then fails the read itself; XRT's
# own words reach the card's log, and they are not the shared-CU refusal.
expect EIO pread "$X/kernels/vadd_1/registers" 16 4
line=$(grep "XRT refused to read offset 0x10" "$X/log" | tail -1)
case "$line" in *"XRT says: "?*) true ;; *) false ;; esac
ok $? "registers under noop: EIO, and XRT's own reason in the log ($line)"
case "$line" in *"shared access"*) false ;; *) true ;; esac
ok $? "and the reason is noop's, not XRT's refusal of a shared CU (Runtime.rw_shared)"

# Host memory (HOST[0]): XRT's host-only BOs, which the driver requires
# there; the log says the driver must hold host memory for the card.
sed -e 's/tag = "bank1"; *type = "DDR4"/tag = "HOST[0]"; type = "DDR4"/' \
	-e 's/out_r = "bank1"/out_r = "HOST[0]"/' -e 's/project = "vadd"/project = "vadd_host"/' \
	"$PYNQFS_SRC/examples/designs/vadd.cfg" >"$WORK/host.cfg"
"$PYNQFS_XCLBIN" pack "$WORK/host.cfg" -o "$WORK/host.xclbin"
rm -f "$X"/banks/*/*
cp "$WORK/host.xclbin" "$X/overlay" &&
	grep -q "xrt: HOST\[0\] is host memory: its buffers are XRT host-only BOs" "$X/log"
ok $? "a design with a HOST[0] bank loads; the log says how its buffers are made"
hb=$(ls "$X/banks" | grep -i host)
head -c 8192 /dev/urandom >"$WORK/h" && cp "$WORK/h" "$X/banks/$hb/out" && cmp -s "$WORK/h" "$X/banks/$hb/out"
ok $? "a buffer in it ($hb) is written and read back"
rm -f "$X"/banks/*/*

# A design with a free-running (ap_ctrl_none) CU: XRT opens the others;
# the free-running one runs by itself and takes no start.
rm -f "$X"/banks/*/*
cp "$DESIGNS/pipeline.xclbin" "$X/overlay" && [ "$(cat "$X/state")" = ready ] &&
	[ "$(cat "$X/kernels/increment_1/state")" = running ]
ok $? "pipeline.xclbin loads on the xrt card; increment_1 is running"
# XRT opens no kernel for a free-running CU: an xrt::ip holds it (and with
# it the xclbin, against another process's load), and its registers go to
# XRT through it (refused by noop's shim, in XRT's words).
! grep -q "XRT cannot hold free-running CU" "$X/log"
ok $? "increment_1 is held through xrt::ip"
expect EIO pread "$X/kernels/increment_1/registers" 16 4
grep -q "kernels/increment_1/registers: XRT refused to read offset 0x10; XRT says: ." "$X/log"
ok $? "its registers are XRT's to answer: $(grep 'increment_1/registers: XRT' "$X/log" | tail -1)"
! (/bin/echo start >"$X/kernels/increment_1/run") 2>/dev/null &&
	grep -q "kernels/increment_1/run: start: increment_1 is free-running" "$X/log"
ok $? "a start of the free-running CU: EINVAL, logged"
perl -e 'print pack("l<*", 1 .. 16)' >"$X/banks/bank0/in"
echo "banks/bank0/in 16" >"$X/kernels/mm2s_1/args" && echo call >"$X/kernels/mm2s_1/run"
ok $? "mm2s_1, a CU with a stream port, runs through XRT"
rm -f "$X/banks/bank0/in"
cp "$DESIGNS/vadd.xclbin" "$X/overlay" && perl -e 'print pack("l<*", 1 .. 1024)' >"$X/banks/bank0/a"
ok $? "vadd again, a buffer in it"

# Unmount with buffers and a design still there: everything is closed.
fusermount3 -u "$MNT"
ok $? "unmount with BOs, kernels and a design still open"
wait $DAEMON
ok $? "the daemon exits with status 0 (no crash in XRT's destructors)"
no_sanitizer_reports
[ -n "$root" ] && [ ! -e "$root" ]
ok $? "the XILINX_XRT directory pynqfs made for XRT ($root) is gone"
done_testing
