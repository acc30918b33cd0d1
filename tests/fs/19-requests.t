#!/bin/sh
# What the kernel asks pynqfs for, counted in the daemon's debug output:
# `ls -l` of a bank gets each buffer's attributes with the listing
# (READDIRPLUS), not with a LOOKUP per buffer, and they are the buffers'
# own.
. "$(dirname "$0")/../misc.sh"

mount_pynqfs_fg "$WORK/requests" -d
ok $? "mount pynqfs -d (requests logged)"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
B=$CARD/banks/bank0
perl -e 'for (1 .. 200) { open(my $f, ">", "$ARGV[0]/f$_") or die; print $f "x" x $_ }' "$B"
ok $? "200 buffers of 1 to 200 bytes"

# The kernel's dentries and inodes dropped: the listing must bring them back.
if ! sync || ! echo 2 >/proc/sys/vm/drop_caches 2>/dev/null; then
	skip "cannot drop the kernel's dentry cache here (/proc/sys/vm read-only)" "ls -l requests"
	ls -l "$B" >"$WORK/ls"
else
	n0=$(wc -l <"$WORK/requests")
	ls -l "$B" >"$WORK/ls"
	ok $? "ls -l of the bank"
	tail -n +$((n0 + 1)) "$WORK/requests" | grep -o 'opcode: [A-Z_]*' | sort | uniq -c >"$WORK/ops"
	lookups=$(awk '$3 == "LOOKUP" { print $1 }' "$WORK/ops")
	plus=$(awk '$3 == "READDIRPLUS" { print $1 }' "$WORK/ops")
	[ "${lookups:-0}" -lt 20 ] && [ "${plus:-0}" -ge 1 ]
	ok $? "ls -l of 200 buffers: ${lookups:-0} LOOKUPs, ${plus:-0} READDIRPLUS ($(tr -s ' \n' ' ' <"$WORK/ops"))"
fi
perl -e 'my %want = map { ("f$_" => $_) } 1 .. 200; my $n = 0;
	while (<STDIN>) { my @f = split; next unless @f == 9 && exists $want{$f[8]};
		exit 1 if $f[4] != $want{$f[8]} || $f[0] ne "-rw-r--r--"; $n++ }
	exit($n == 200 ? 0 : 1)' <"$WORK/ls"
ok $? "each listed with its own size and mode"
truncate -s 5000 "$B/f1"
[ "$(ls -l "$B/f1" | awk '{ print $5 }')" = 5000 ] && [ "$(stat -c %s "$B/f1")" = 5000 ]
ok $? "a buffer resized after the listing shows its new size"
rm -f "$B"/f*
: >"$CARD/overlay"
fusermount3 -u "$MNT"
wait $DAEMON
ok $? "the daemon exits with status 0"
no_sanitizer_reports
done_testing
