#!/bin/sh
# Exhaustion: many buffers, deep directories, huge lines and paths, offsets
# near 2^63, xattrs past their limits. Each is served, or refused with an
# errno, with the daemon's memory printed; never a crash. PYNQFS_EXHAUST_BUFFERS
# sets how many empty buffers (100,000 here; 1,000,000 by hand).
. "$(dirname "$0")/../misc.sh"

NBUF=${PYNQFS_EXHAUST_BUFFERS:-100000}
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
B=$CARD/banks/bank0
K=$CARD/kernels/vadd_1
rss() { awk '/^VmRSS:/ { print $2 }' /proc/"$DAEMON"/status; }

# Many empty buffers in one directory.
r0=$(rss)
perl -e 'chdir($ARGV[0]) or die; for my $i (0 .. $ARGV[1] - 1) {
	sysopen(my $f, sprintf("b%07d", $i), 0101) or die "b$i: $!" }' "$B" "$NBUF"
ok $? "$NBUF empty buffers created"
r1=$(rss)
echo "# daemon RSS: $r0 kB before, $r1 kB with $NBUF empty buffers ($(((r1 - r0) * 1024 / NBUF)) bytes each, this build)"
[ "$(ls "$B" | wc -l)" = "$NBUF" ] && [ "$(stat -c %s "$B/b0000000")" = 0 ]
ok $? "ls lists them all, each 0 bytes"
echo "banks/bank0/b0000001 banks/bank0/b0000002 banks/bank1/none 1" >"$K/args" 2>/dev/null
[ $? -ne 0 ]
ok $? "args still checks paths among them"
perl -e 'chdir($ARGV[0]) or die; for my $i (reverse 0 .. $ARGV[1] - 1) {
	unlink(sprintf("b%07d", $i)) or die "b$i: $!" }' "$B" "$NBUF"
ok $? "and all removed"
echo "# daemon RSS after removing them: $(rss) kB"

# 10,000 directories deep, a buffer at the bottom, and rm -rf of it all.
perl -e 'chdir($ARGV[0]) or die; for (1 .. 10000) { mkdir("d") or die $!; chdir("d") or die $! }
	open(my $f, ">", "deep") or die $!; print $f "bottom"; close($f) or die $!;
	open($f, "<", "deep") or die $!; my $s = <$f>; exit($s eq "bottom" ? 0 : 1)' "$B"
ok $? "a buffer 10,000 directories down is written and read"
expect 3 stat "$B" nlink
rm -rf "$B/d"
ok $? "rm -rf of the 10,000-deep tree"
expect 2 stat "$B" nlink
echo "# daemon RSS after the deep tree: $(rss) kB"

# Huge lines into control files: refused once past 1 MiB, the log line cut.
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' x >"$WORK/ten"
cp "$WORK/ten" "$K/args" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "File too large" "$WORK/err"
ok $? "10 MB into args: EFBIG once past 1 MiB ($(cat "$WORK/err"))"
cp "$WORK/ten" "$K/run" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "Invalid argument" "$WORK/err"
ok $? "10 MB into run: EINVAL at the first word that is no command ($(cat "$WORK/err"))"
[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$CARD/log")" -le 545 ]
ok $? "no log line past 545 bytes"

# A 100,000-character path as a buffer arg.
perl -e 'print "in1=", "a/" x 50000, "\n"' >"$WORK/path"
cp "$WORK/path" "$K/args" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "Invalid argument" "$WORK/err"
ok $? "a 100,000-character buffer path in args: EINVAL"
card_log_has "kernels/vadd_1/args: in1: a/a/a/"

# Offsets near 2^63.
truncate -s 0 "$B/x"
expect EFBIG pwrite "$B/x" 4611686018427387904 y
expect EFBIG truncate "$B/x" 4611686018427387904
expect 0 stat "$B/x" size

# xattrs at and past the limits.
long=$(printf 'user.%0250d' 0)
getfattr --absolute-names -n "$long" "$B/x" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "No such attribute" "$WORK/err"
ok $? "a 255-byte xattr name: ENODATA"
setfattr -n user.pynq.address -v "$(head -c 65536 /dev/zero | tr '\0' v)" "$B/x" 2>"$WORK/err"
[ $? -ne 0 ]
ok $? "a 64 KiB xattr value: refused ($(head -c 100 "$WORK/err"))"
getfattr --absolute-names -n "user.$(printf '%0300d' 0)" "$B/x" 2>/dev/null
[ $? -ne 0 ]
ok $? "a 305-byte xattr name: refused"
rm -f "$B/x"
echo "# daemon RSS at the end: $(rss) kB"
unmount_pynqfs
done_testing
