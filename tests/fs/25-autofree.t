#!/bin/sh
# user.pynq.autofree: a buffer so marked is removed at its last close, so
# that what a process made for itself goes when it exits, killed or not
# (PYNQ frees a process's buffers with it), and the next program of the
# card is not refused for a dead process's buffers.
. "$(dirname "$0")/../misc.sh"

mount_vadd
mkfifo "$WORK/ready"

# holder AUTOFREE: a process that makes two buffers, marks them (or not),
# says ready and waits to be killed, holding them open.
holder() {
	perl -e '
		my @h;
		for my $f (@ARGV[1, 2]) {
			open(my $h, "+>", $f) or die "$f: $!"; print $h "x" x 4096; $h->flush; push @h, $h;
			system("setfattr", "-n", "user.pynq.autofree", "-v", "1", $f) == 0 or die
				if $ARGV[0];
		}
		open(my $r, ">", $ARGV[3]) or die; print $r "ready\n"; close $r;
		sleep 1000' "$1" "$B/bank0/a" "$B/bank1/b" "$WORK/ready" &
	pid=$!
	read -r line <"$WORK/ready"
	kill -9 $pid
	wait $pid 2>/dev/null
}

holder 1
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay" 2>"$WORK/err"
ok $? "a process killed holding autofree buffers: the card programs at once ($(cat "$WORK/err"))"
[ -z "$(ls "$B/bank0" "$B/bank1" | grep -v '^$\|:$')" ]
ok $? "and its buffers are gone"
card_log_has "banks/bank0/a: removed at its last close (user.pynq.autofree)"

holder 0
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay" 2>/dev/null
[ $? -ne 0 ] && [ -e "$B/bank0/a" ]
ok $? "unmarked, a dead process's buffers stay (and the program is refused, EBUSY)"
rm -f "$B/bank0/a" "$B/bank1/b"

# Two descriptors: the buffer goes at the last close, not the first.
exec 3<>"$B/bank0/c" 4<"$B/bank0/c"
printf 'hello' >&3
setfattr -n user.pynq.autofree -v 1 "$B/bank0/c"
[ "$(getfattr --absolute-names --only-values -n user.pynq.autofree "$B/bank0/c")" = 1 ] &&
	getfattr --absolute-names -d -m - "$B/bank0/c" 2>/dev/null | grep -q '^user.pynq.autofree="1"'
ok $? "getfattr shows it, and it is listed"
exec 3>&-
[ "$(cat "$B/bank0/c")" = hello ]
ok $? "one of two descriptors closed: the buffer is still there, its bytes too"
exec 4<&-
: >"$CARD/overlay" 2>"$WORK/err"
ok $? "the last closed: the card frees, nothing left ($(cat "$WORK/err"))"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"

# Unmarked again: stays. Refusals.
exec 3<>"$B/bank0/d"
setfattr -n user.pynq.autofree -v 1 "$B/bank0/d" && setfattr -x user.pynq.autofree "$B/bank0/d"
exec 3>&-
[ -e "$B/bank0/d" ]
ok $? "removing the xattr unmarks: the buffer stays after its last close"
setfattr -n user.pynq.autofree -v 2 "$B/bank0/d" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "$(errno_text EINVAL)" "$WORK/err"
ok $? "a value other than 0 or 1: EINVAL ($(cat "$WORK/err"))"
card_log_has "user.pynq.autofree takes 1 (remove it at its last close) or 0"
setfattr -n user.pynq.autofree -v 1 "$B/bank0" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "$(errno_text ENOTSUP)" "$WORK/err"
ok $? "on a bank directory: ENOTSUP ($(cat "$WORK/err"))"
setfattr -n user.pynq.other -v 1 "$B/bank0/d" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "$(errno_text ENOTSUP)" "$WORK/err"
ok $? "other xattrs still can't be set: ENOTSUP ($(cat "$WORK/err"))"
rm -f "$B/bank0/d"
unmount_pynqfs
no_sanitizer_reports
done_testing
