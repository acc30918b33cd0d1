#!/bin/sh
# close(2) returns at the FLUSH; the RELEASE that lets go of a buffer comes
# after, in the background, and a busy kernel may send it after what the
# user did next. The daemon here holds each buffer RELEASE back 300 ms (a
# test build's hook, PYNQFS_TEST_RELEASE_DELAY_MS), and still: `rm` of
# buffers just closed, then freeing or programming the card, succeeds; a
# buffer someone really holds open still makes it EBUSY, at once.
. "$(dirname "$0")/../misc.sh"

write_conf <<C
cards = ( $(card xilinx_u200_gen3x16_xdma_2_202110_1 'any_shell = true;') );
$(xrt_section)
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
PYNQFS_TEST_RELEASE_DELAY_MS=300 mount_pynqfs -o config="$CONF"
B=$CARD/banks

# One process: write two buffers, read one, unlink it while open, close,
# unlink the other, and free the design at once.
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
perl -e '
	for my $f (@ARGV[0, 1]) { open(my $h, ">", $f) or die; print $h "x" x 4096; close $h or die }
	open(my $h, "<", $ARGV[0]) or die; my $x; read($h, $x, 10) == 10 or die;
	unlink $ARGV[0] or die; close $h; unlink $ARGV[1] or die;
	truncate($ARGV[2], 0) or die "free: $!\n"' "$B/bank0/a" "$B/bank1/b" "$CARD/overlay" 2>"$WORK/err"
ok $? "buffers closed and removed, then the design freed at once: no EBUSY ($(cat "$WORK/err"))"
[ "$(cat "$CARD/state")" = empty ]
ok $? "the card is empty"

# The same before programming: rm, then cp of an xclbin.
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
perl -e 'open(my $h, ">", $ARGV[0]) or die; print $h "y" x 100; close $h or die' "$B/bank0/c" &&
	rm "$B/bank0/c" && cp "$DESIGNS/vadd.xclbin" "$CARD/overlay" 2>"$WORK/err"
ok $? "a buffer written, closed and removed, then a program at once: no EBUSY ($(cat "$WORK/err"))"

# A buffer held open is held: EBUSY, and without waiting for it.
perl -e 'open(my $h, "+>", $ARGV[0]) or die; print $h "z" x 100; $h->flush;
	unlink $ARGV[0] or die; my $t = time; my $ok = truncate($ARGV[1], 0);
	print $ok ? "freed" : "$!"; close $h' "$B/bank0/d" "$CARD/overlay" >"$WORK/out" 2>&1
grep -q 'Device or resource busy' "$WORK/out"
ok $? "an unlinked buffer still open in a process: freeing is EBUSY ($(cat "$WORK/out"))"
card_log_has "still allocated"
unmount_pynqfs
no_sanitizer_reports
done_testing
