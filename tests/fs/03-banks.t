#!/bin/sh
# banks/: device buffers as files (SPEC §4).
. "$(dirname "$0")/../misc.sh"

mount_pynqfs
cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay"
ok $? "load hbm_multi (HBM banks of 256 MiB, DDR0 of 16 GiB)"
B=$CARD/banks
MiB=1048576

# 256 MiB of random data through cp, in and out.
head -c $((256 * MiB)) /dev/urandom >"$WORK/r256"
cp "$WORK/r256" "$B/DDR0/big"
ok $? "cp 256 MiB into DDR0"
cmp "$WORK/r256" "$B/DDR0/big"
ok $? "reading it back gives the same 256 MiB"
cp "$B/DDR0/big" "$WORK/back" && cmp -s "$WORK/r256" "$WORK/back"
ok $? "cp out of the bank gives the same bytes"
rm -f "$WORK/back" "$B/DDR0/big"

# Partial writes at odd offsets, mirrored on a local file.
head -c $MiB /dev/zero >"$WORK/mirror"
cp "$WORK/mirror" "$B/HBM0/p"
for spec in "1 7" "4095 2" "4097 8193" "12345 777" "$((MiB - 3)) 3" "65536 65536"; do
	set -- $spec
	head -c "$2" /dev/urandom >"$WORK/chunk"
	dd if="$WORK/chunk" of="$B/HBM0/p" bs=1 seek="$1" conv=notrunc 2>/dev/null
	dd if="$WORK/chunk" of="$WORK/mirror" bs=1 seek="$1" conv=notrunc 2>/dev/null
done
cmp "$WORK/mirror" "$B/HBM0/p"
ok $? "dd writes at odd offsets land exactly (vs. a local mirror)"
dd if="$B/HBM0/p" bs=1 skip=12345 count=777 2>/dev/null | cmp -s - "$WORK/chunk" || true
[ "$(dd if="$B/HBM0/p" bs=1 skip=4097 count=100 2>/dev/null | od -An -tx1)" = \
  "$(dd if="$WORK/mirror" bs=1 skip=4097 count=100 2>/dev/null | od -An -tx1)" ]
ok $? "a partial read at an odd offset returns exactly that range"

# Sizes around pages: each buffer reads back exactly its bytes.
bad=""
for n in 1 4095 4096 4097 8191 8192 8193 65535 $MiB $((MiB + 1)); do
	head -c $n /dev/urandom >"$WORK/s"
	cp "$WORK/s" "$B/HBM1/s$n" && [ "$(stat -c %s "$B/HBM1/s$n")" = $n ] && cmp -s "$WORK/s" "$B/HBM1/s$n" || bad="$bad $n"
done
[ -z "$bad" ]
ok $? "buffers of 1, 4095..4097, 8191..8193, 65535, 1 MiB, 1 MiB+1 bytes round-trip${bad:+ (bad:$bad)}"

# Growing keeps contents; what grows reads as zeros, also after a shrink.
printf hello >"$B/HBM1/g"
expect 0 truncate "$B/HBM1/g" $MiB
expect hello pread "$B/HBM1/g" 0 5
[ "$(dd if="$B/HBM1/g" bs=1 skip=5 count=$((MiB - 5)) 2>/dev/null | tr -d '\0' | wc -c)" = 0 ]
ok $? "grown bytes read as zeros"
expect 0 truncate "$B/HBM1/g" 2
expect 0 truncate "$B/HBM1/g" 4096
[ "$($FSTEST pread "$B/HBM1/g" 0 5 | od -An -c | tr -s ' ')" = " h e \0 \0 \0 \\n" ]
ok $? "shrink to 2 then grow: the cut bytes come back as zeros"
expect 4096 stat "$B/HBM1/g" size
expect 0 open "$B/HBM1/g" O_WRONLY,O_TRUNC
expect 0 stat "$B/HBM1/g" size
fallocate -l 8M "$B/HBM1/g"
expect $((8 * MiB)) stat "$B/HBM1/g" size
fallocate -n -l 16M "$B/HBM1/g"
expect $((8 * MiB)) stat "$B/HBM1/g" size
fallocate -p -o 0 -l 4096 "$B/HBM1/g" 2>/dev/null
[ $? -ne 0 ]
ok $? "fallocate --punch-hole is refused (EOPNOTSUPP)"
card_log_has "banks/HBM1/g: fallocate mode"

# Capacity: HBM2 holds 256 MiB exactly.
used0=$(df -B1 --output=used "$B/HBM2" | tail -1 | tr -d ' ')
[ "$(df -B1 --output=size "$B/HBM2" | tail -1 | tr -d ' ')" = $((256 * MiB)) ] && [ "$used0" = 0 ]
ok $? "df banks/HBM2: 256 MiB, none used"
touch "$B/HBM2/a" "$B/HBM2/b"
expect 0 truncate "$B/HBM2/a" $((256 * MiB))
[ "$(df -B1 --output=avail "$B/HBM2" | tail -1 | tr -d ' ')" = 0 ]
ok $? "a buffer of the whole bank leaves 0 available"
expect ENOSPC truncate "$B/HBM2/b" 1
card_log_has "banks/HBM2/b: no room for 1 bytes in HBM2"
touch "$B/HBM2/w"
expect ENOSPC pwrite "$B/HBM2/w" 0 x
card_log_has "banks/HBM2/w: no room for 1 bytes in HBM2"
rm "$B/HBM2/w"
expect EFBIG truncate "$B/HBM2/a" $((256 * MiB + 1))
card_log_has "more than all of HBM2"
expect EFBIG pwrite "$B/HBM2/a" $((256 * MiB)) x
expect 0 truncate "$B/HBM2/a" $((256 * MiB - 4096))
expect 0 truncate "$B/HBM2/b" 4096
expect ENOSPC truncate "$B/HBM2/b" 4097
rm -f "$B/HBM2/a" "$B/HBM2/b"
[ "$(df -B1 --output=used "$B/HBM2" | tail -1 | tr -d ' ')" = 0 ]
ok $? "removing the buffers gives the bank back"
# Grow that must move (the next extent is taken) keeps the contents.
head -c 5000 /dev/urandom >"$WORK/m"
cp "$WORK/m" "$B/HBM2/m1" && truncate -s 4096 "$B/HBM2/m2"
truncate -s $MiB "$B/HBM2/m1"
head -c 5000 "$B/HBM2/m1" | cmp -s - "$WORK/m"
ok $? "growth past a neighbour moves the buffer and keeps its bytes"

# xattrs: device address and bank.
a=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/HBM2/m1")
b=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/HBM2/m2")
case $a in 0x*) true ;; *) false ;; esac && [ $((a)) -ge $((0x20000000)) ] && [ $((a)) -lt $((0x30000000)) ]
ok_dev $? "user.pynq.address $a lies in HBM[2] (base 0x20000000)"
[ "$a" != "$b" ] && { [ $((a + MiB)) -le $((b)) ] || [ $((b + 4096)) -le $((a)) ]; }
ok_dev $? "two buffers do not overlap ($a, $b)"
[ "$(getfattr --absolute-names --only-values -n user.pynq.bank "$B/HBM2/m1")" = HBM2 ]
ok $? "user.pynq.bank = HBM2"
getfattr --absolute-names -d -m - "$B/HBM2/m1" | grep -q user.pynq.address
ok $? "listxattr names user.pynq.address"
touch "$B/HBM2/empty"
getfattr --absolute-names -n user.pynq.address "$B/HBM2/empty" >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "an empty buffer has no device address yet"
setfattr -n user.pynq.address -v 0 "$B/HBM2/m1" 2>/dev/null
[ $? -ne 0 ] && [ "$(getfattr --absolute-names --only-values -n user.pynq.address "$B/HBM2/m1")" = "$a" ]
ok $? "user.pynq.address cannot be set"

# unlink while open: readable, writable, and memory held until close.
rm -f "$B/HBM2/"*
head -c $MiB /dev/urandom >"$WORK/u"
cp "$WORK/u" "$B/HBM3/u"
exec 3<>"$B/HBM3/u"
rm "$B/HBM3/u"
[ ! -e "$B/HBM3/u" ] && [ "$(df -B1 --output=used "$B/HBM3" | tail -1 | tr -d ' ')" = $MiB ]
ok $? "unlinked while open: gone from the bank, memory still held"
cmp -s "$WORK/u" /dev/fd/3
ok $? "the open descriptor still reads the data"
printf 'XY' >&3
ok $? "and can still write"
exec 3>&-
[ "$(df -B1 --output=used "$B/HBM3" | tail -1 | tr -d ' ')" = 0 ]
ok $? "the last close frees the device memory"

# Two processes write different halves of one buffer at once.
head -c $((32 * MiB)) /dev/urandom >"$WORK/h1"
head -c $((32 * MiB)) /dev/urandom >"$WORK/h2"
truncate -s $((64 * MiB)) "$B/HBM3/two"
dd if="$WORK/h1" of="$B/HBM3/two" bs=1M conv=notrunc 2>/dev/null &
p1=$!
dd if="$WORK/h2" of="$B/HBM3/two" bs=1M seek=32 conv=notrunc 2>/dev/null &
p2=$!
wait $p1 && wait $p2
ok $? "two concurrent writers finish"
cat "$WORK/h1" "$WORK/h2" | cmp -s - "$B/HBM3/two"
ok $? "each wrote its own half, intact"

# Renames: within a bank yes, across banks EXDEV (mv copies instead).
echo moved >"$B/HBM0/r"
expect 0 mkdir "$B/HBM0/sub" 0755
expect 0 rename "$B/HBM0/r" "$B/HBM0/sub/r2"
expect moved pread "$B/HBM0/sub/r2" 0 5
expect EXDEV rename "$B/HBM0/sub/r2" "$B/HBM1/r3"
card_log_has "can only move within its bank"
expect EXDEV rename "$B/HBM0/sub" "$B/HBM1/sub"
mv "$B/HBM0/sub/r2" "$B/HBM1/r3" 2>"$WORK/mv.err"
[ $? -eq 0 ] && [ ! -s "$WORK/mv.err" ] && [ "$(cat "$B/HBM1/r3")" = moved ] && [ ! -e "$B/HBM0/sub/r2" ]
ok $? "mv to another bank copies quietly and removes the source"
expect EPERM rename "$B/HBM1/r3" "$CARD/r3"
card_log_has "nothing can be made outside banks/"
expect EPERM rename "$B/HBM1" "$B/HBM9"

# Directories in banks; nothing but buffers and directories.
expect 0 mkdir "$B/HBM0/sub/deeper" 0750
echo x >"$B/HBM0/sub/deeper/f"
expect ENOTEMPTY rmdir "$B/HBM0/sub"
expect EPERM rmdir "$B/HBM0"
expect EPERM symlink x "$B/HBM0/l"
expect EPERM link "$B/HBM0/sub/deeper/f" "$B/HBM0/hard"
expect EPERM mkfifo "$B/HBM0/fifo" 0644
perl -MIO::Socket::UNIX -e 'exit(IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) ? 1 : $!{EPERM} ? 0 : 2)' "$B/HBM0/sock"
ok $? "a unix socket cannot be bound in a bank: EPERM"
mknod "$B/HBM0/dev" c 1 3 2>/dev/null
[ $? -ne 0 ] && [ ! -e "$B/HBM0/dev" ]
ok $? "device nodes are refused"
expect EPERM open "$CARD/kernels/x" O_CREAT,O_WRONLY 0644
expect EPERM mkdir "$CARD/streams/y" 0755

# cp over a buffer keeps its device memory: the O_TRUNC open frees nothing,
# the rewrite needs no new allocation, and close gives back what the new
# contents don't use. Before and after, the bytes are exact.
used() { df -B1 --output=used "$1" | tail -1 | tr -d ' '; }
head -c $((1024 * 1024)) /dev/urandom >"$WORK/old"
cp "$WORK/old" "$B/HBM3/keep"
u0=$(used "$B/HBM3")
head -c 4096 /dev/urandom >"$WORK/new"
out=$(perl -e 'use Fcntl; sysopen(my $f, $ARGV[0], O_WRONLY | O_TRUNC) or die "open: $!";
	my $size = (stat($f))[7];
	my $u = `df -B1 --output=used $ARGV[1] | tail -1`; $u =~ s/\s//g;
	open(my $n, "<", $ARGV[2]) or die; local $/; my $d = <$n>;
	syswrite($f, $d, 100, 0) == 100 && syswrite($f, $d, 3996, 100) == 3996 or die "write: $!";
	close($f) or die "close: $!";
	print "$size $u"' "$B/HBM3/keep" "$B/HBM3" "$WORK/new")
[ "$out" = "0 $u0" ]
ok $? "opening a 1 MiB buffer with O_TRUNC: size 0, its device memory kept ($out; $u0 before)"
[ "$(used "$B/HBM3")" = $((u0 - 1024 * 1024 + 4096)) ] && cmp -s "$WORK/new" "$B/HBM3/keep"
ok $? "after the rewrite and close: 4 KiB held, the new bytes exact"
perl -e 'use Fcntl; sysopen(my $f, $ARGV[0], O_WRONLY | O_TRUNC) or die; sysseek($f, 8192, 0);
	syswrite($f, "x") == 1 or die' "$B/HBM3/keep"
[ -z "$(od -An -v -tx1 -N8192 "$B/HBM3/keep" | tr -d ' \n0')" ] &&
	[ "$(stat -c %s "$B/HBM3/keep")" = 8193 ]
ok $? "O_TRUNC, then a write at 8192: the 8 KiB before it read as zeros, not the old bytes"
rm "$B/HBM3/keep"
[ "$(used "$B/HBM3")" = $((u0 - 1024 * 1024)) ]
ok $? "and removing it gives everything back"

# Two buffers growing side by side, 1 MiB append after append: each is given
# room ahead, so it moves a few times, not at every append; the room goes
# back at the last close, and every byte is where it was written.
u0=$(used "$B/HBM3")
out=$(perl -e 'use Fcntl;
	sysopen(my $a, "$ARGV[0]/ga", O_WRONLY | O_CREAT) or die; sysopen(my $b, "$ARGV[0]/gb", O_WRONLY | O_CREAT) or die;
	my ($moves, $prev) = (0, "");
	for my $i (0 .. 31) {
		syswrite($a, chr(65 + $i % 26) x 1048576) == 1048576 or die "a: $!";
		syswrite($b, chr(97 + $i % 26) x 1048576) == 1048576 or die "b: $!";
		my $at = `getfattr --absolute-names --only-values -n user.pynq.address $ARGV[0]/ga`;
		$moves++ if $prev ne "" && $at ne $prev;
		$prev = $at;
	}
	my $u = `df -B1 --output=used $ARGV[0] | tail -1`; $u =~ s/\s//g;
	close($a) or die; close($b) or die;
	print "$moves $u"' "$B/HBM3")
moves=${out% *} held=${out#* }
[ "$moves" -le 8 ] && [ "$held" -gt $((u0 + 64 * 1024 * 1024)) ]
ok $? "two buffers growing at once: ga moved $moves times in 32 appends; $((held - u0)) bytes held for 64 MiB while open"
[ "$(used "$B/HBM3")" = $((u0 + 64 * 1024 * 1024)) ]
ok $? "after the last close, exactly 64 MiB held"
perl -e 'for my $f ("ga", "gb") { open(my $h, "<", "$ARGV[0]/$f") or die; for my $i (0 .. 31) {
	read($h, my $d, 1048576) == 1048576 or exit 1; my $c = chr(($f eq "ga" ? 65 : 97) + $i % 26);
	exit 1 if $d ne $c x 1048576 } }' "$B/HBM3"
ok $? "and both read back exactly"
rm "$B/HBM3/ga" "$B/HBM3/gb"
# Room held ahead by an open, growing buffer never takes what another one
# needs while the bank still has it: PLRAM0 (128 KiB) fits 64 + 60 KiB.
out=$(perl -e 'use Fcntl; sysopen(my $a, "$ARGV[0]/ra", O_WRONLY | O_CREAT) or die;
	for (1 .. 16) { syswrite($a, "a" x 4096) == 4096 or die "ra: $!" }
	open(my $b, ">", "$ARGV[0]/rb") or die; syswrite($b, "b" x 61440) == 61440 or die "rb: $!\n";
	close($b) or die "rb: $!\n"; close($a) or die; print "ok"' "$B/PLRAM0" 2>&1)
[ "$out" = ok ]
ok $? "64 KiB grown in an open file, then 60 KiB beside it in a 128 KiB bank ($out)"
rm -f "$B/PLRAM0/ra" "$B/PLRAM0/rb"

# Reprogramming needs empty banks; a bank of the old design is gone after.
rm -rf "$B"/*/*
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
ok $? "with every buffer removed, reprogramming works"
[ ! -e "$B/HBM0" ] && [ -d "$B/bank0" ]
ok $? "the old banks are gone, the new ones there"

unmount_pynqfs
done_testing
