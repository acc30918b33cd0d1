#!/bin/sh
# Design changes racing everything else: one process programs the card in
# a loop while another frees it, and others read xattrs, summary, uuid,
# args, stats and run of whatever design is there. Bounded loops, no
# timing: the daemon must survive and no sanitizer may speak (this file
# also runs on the ThreadSanitizer build).
. "$(dirname "$0")/../misc.sh"

N=${PYNQFS_RACE_ROUNDS:-150}
mount_pynqfs
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
ok $? "program vadd"

programmer() { # open O_TRUNC, write, close: what cp does
	perl -e 'open(my $x, "<", $ARGV[0]) or die; binmode $x; local $/; my $img = <$x>;
		for (1 .. $ARGV[2]) { open(my $o, ">", $ARGV[1]) or next; print $o $img; close $o }' \
		"$DESIGNS/vadd.xclbin" "$CARD/overlay" "$N"
}
freer() { # truncate(2) to 0: Overlay.free()
	perl -e 'for (1 .. $ARGV[1]) { truncate($ARGV[0], 0) }' "$CARD/overlay" "$N"
}
reader() { # whatever the design is now, read it
	i=0
	while [ $i -lt "$N" ]; do
		getfattr --absolute-names -d "$CARD"/banks/* >/dev/null 2>&1
		cat "$CARD/summary" "$CARD/uuid" "$CARD/state" >/dev/null 2>&1
		cat "$CARD"/kernels/*/run "$CARD"/kernels/*/args "$CARD"/kernels/*/stats >/dev/null 2>&1
		od -N16 "$CARD/kernels/vadd_1/registers" >/dev/null 2>&1
		stat "$CARD"/kernels/*/* "$CARD/summary" >/dev/null 2>&1
		i=$((i + 1))
	done
}
programmer &
p1=$!
freer &
p2=$!
reader &
p3=$!
reader &
p4=$!
wait $p1 $p2 $p3 $p4
cat "$MNT/cards" >/dev/null 2>&1
ok $? "the daemon survived $N program/free rounds against readers"
state=$(cat "$CARD/state")
case $state in ready | empty) true ;; *) false ;; esac
ok $? "the card ends in a stable state ($state)"

# After the storm, the card still works end to end.
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay" && [ "$(cat "$CARD/state")" = ready ]
ok $? "program again after the storm"
ints() { perl -e 'print pack("l<*", @ARGV)' "$@"; }
ints 1 2 3 >"$CARD/banks/bank0/a" && ints 10 20 30 >"$CARD/banks/bank0/b" &&
	truncate -s 12 "$CARD/banks/bank1/c" &&
	echo "banks/bank0/a banks/bank0/b banks/bank1/c 3" >"$CARD/kernels/vadd_1/args" &&
	echo call >"$CARD/kernels/vadd_1/run" && ints 11 22 33 | cmp -s - "$CARD/banks/bank1/c"
ok $? "vadd computes after the storm"

# Runs and buffer traffic on one card while another card is reprogrammed.
rm -f "$CARD"/banks/*/*
unmount_pynqfs
done_testing
