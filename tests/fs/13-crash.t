#!/bin/sh
# Faults of a real machine: the daemon killed mid-write and mid-run, a
# runner stopped mid-run, a bank filled while others write, the daemon at
# its fd limit. Each must end cleanly: a clear error for the caller, no
# process left behind, the mount usable again.
. "$(dirname "$0")/../misc.sh"

write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/tests/kernels", "$PYNQFS_BUILD/examples/kernels" ];
        run_timeout_ms = 2000; };
C
B=$CARD/banks
K=$CARD/kernels

# A runner stopped mid-run: the run times out, the CU serves the next one.
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/../tests/faulty.xclbin" "$CARD/overlay"
truncate -s 4096 "$B/bank0/flag"
echo banks/bank0/flag >"$K/gate_1/args"
echo start >"$K/gate_1/run"
runner=$(runner_pid)
kill -STOP "$runner"
grep -q '^error ran past run_timeout_ms (2000 ms)' "$K/gate_1/run" && [ "$(cat "$K/gate_1/state")" = timeout ]
ok $? "a stopped runner: the run ends in timeout"
! kill -0 "$runner" 2>/dev/null
ok $? "the stopped runner is gone"
printf '\001\000\000\000' | dd of="$B/bank0/flag" conv=notrunc 2>/dev/null
echo call >"$K/gate_1/run" && grep -q '^done' "$K/gate_1/run"
ok $? "the next run gets a fresh runner and ends done"

# A bank filled while others write: they keep their data.
perl -e 'print "A" x 1048576' >"$B/bank0/keep"
perl -e 'print "B" x 1048576' >"$B/bank1/keep"
(
	i=0
	while [ $i -lt 200 ]; do
		perl -e 'open(my $f, "+<", $ARGV[0]) or exit 1; my $i = $ARGV[1];
			sysseek($f, ($i * 4096) % 1048576, 0); syswrite($f, "A" x 4096) == 4096 or exit 2' \
			"$B/bank0/keep" $i || exit 1
		i=$((i + 1))
	done
) &
w=$!
fallocate -l 2G "$B/bank0/fill" 2>/dev/null
big=$?
truncate -s 1G "$B/bank0/fill2" 2>"$WORK/err"
nospc=$?
wait $w
wrote=$?
[ $big -ne 0 ] || [ $nospc -ne 0 ]
ok $? "filling bank0 beyond its 1 GiB ends in an error ($(cat "$WORK/err"))"
[ $wrote -eq 0 ] && perl -e 'print "A" x 1048576' | cmp -s - "$B/bank0/keep" &&
	perl -e 'print "B" x 1048576' | cmp -s - "$B/bank1/keep"
ok $? "meanwhile 200 writes to another buffer all landed; both buffers intact"
rm -f "$B"/*/*
: >"$CARD/overlay"

# The daemon at its fd limit: a design that needs more fails cleanly.
nfd=$(ls /proc/"$DAEMON"/fd | wc -l)
prlimit --pid "$DAEMON" --nofile=$((nfd + 2)):4096
cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay" 2>"$WORK/err"
[ $? -ne 0 ] && [ "$(cat "$CARD/state")" != ready ]
ok $? "2 fds short of its banks' memory, a design cannot load ($(cat "$WORK/err"))"
grep -q "device refused the xclbin: .*Too many open files" "$CARD/log"
ok $? "... and the log says why"
prlimit --pid "$DAEMON" --nofile=4096:4096
cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay" && [ "$(cat "$CARD/state")" = ready ]
ok $? "with fds back, it loads"
: >"$CARD/overlay"
unmount_pynqfs

# The daemon killed mid-write and mid-run: callers get an error, runners
# die with it, the stale mount point is cleared and mounted again.
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/../tests/faulty.xclbin" "$CARD/overlay"
truncate -s 4096 "$B/bank0/flag"
echo banks/bank0/flag >"$K/gate_1/args"
echo start >"$K/gate_1/run"
runner=$(runner_pid)
dd if=/dev/zero of="$B/bank1/big" bs=1M count=100000 2>"$WORK/dd.err" &
dd=$!
while [ "$(stat -c %s "$B/bank1/big" 2>/dev/null || echo 0)" -lt 10485760 ]; do
	: # until the write is under way
done
kill -KILL "$DAEMON"
wait $dd
[ $? -ne 0 ] && grep -q "Transport endpoint is not connected\|Software caused connection abort" "$WORK/dd.err"
ok $? "a write in flight when the daemon dies fails with an error ($(tail -1 "$WORK/dd.err"))"
i=0
while kill -0 "$runner" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.05 # the kernel delivers PDEATHSIG; waiting for it, not for a race
	i=$((i + 1))
done
! kill -0 "$runner" 2>/dev/null
ok $? "the runner died with the daemon"
"$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "a dead pynqfs is still mounted there" "$WORK/err"
ok $? "mounting on the stale mount point says what to do ($(cat "$WORK/err"))"
fusermount3 -u "$MNT"
ok $? "fusermount3 -u clears the stale mount"
rm -f "$WORK"/asan.* # the killed daemon's, if any: not a report
mount_pynqfs -o config="$CONF"
[ "$(cat "$CARD/state")" = empty ]
ok $? "a fresh mount on the same point works"

# The connection aborted with files and directories open: no RELEASE ever
# comes, and the daemon frees them itself as it exits.
CTL=/sys/fs/fuse/connections
mountpoint -q "$CTL" || mount -t fusectl none "$CTL" 2>/dev/null
conn=$(stat -c %d "$MNT")
if [ -w "$CTL/$conn/abort" ]; then
	exec 3<"$CARD/log" 4<"$CARD/banks" 5>>"$CARD/overlay"
	echo 1 >"$CTL/$conn/abort"
	i=0
	while kill -0 "$DAEMON" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05 # waiting for the daemon to exit, not for a race
		i=$((i + 1))
	done
	exec 3<&- 4<&- 5>&-
	! kill -0 "$DAEMON" 2>/dev/null
	ok $? "the daemon exits when its connection is aborted"
	no_sanitizer_reports
	fusermount3 -u "$MNT" 2>/dev/null
else
	skip "no fusectl at $CTL" "connection aborted with files open"
	unmount_pynqfs
fi
done_testing
