#!/bin/sh
# Whatever it is fed, the daemon answers with an errno and lives on
# (SPEC §10). unmount_pynqfs checks it served to the end, exited cleanly
# and left no sanitizer report.
. "$(dirname "$0")/../misc.sh"

mount_pynqfs
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
K=$CARD/kernels/vadd_1

# Random bytes, NULs included, into every control file.
for i in 1 2 3 4 5 6 7 8; do
	head -c $((i * 97)) /dev/urandom >"$WORK/junk$i"
done
bad=0
for f in "$K/args" "$K/run"; do
	for i in 1 2 3 4 5 6 7 8; do
		cp "$WORK/junk$i" "$f" 2>/dev/null && bad=$((bad + 1))
	done
done
[ $bad = 0 ]
ok $? "random bytes into args and run are refused ($bad accepted)"
printf 'in1=banks/bank0/\0x size=1' >"$WORK/nul"
cp "$WORK/nul" "$K/args" 2>/dev/null
[ $? -ne 0 ] && grep -qx 'size=' "$K/args"
ok $? "a NUL inside args is refused, nothing set"
head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' >"$WORK/big"
cp "$WORK/big" "$K/args" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q 'too large' "$WORK/err"
ok $? "a megabyte of args is refused with EFBIG"

# Paths that try to leave the card or the mount.
for p in ../../../../etc/passwd /../../etc/passwd "$MNT/../x" banks/../../card0/banks/bank0 \
	 ./././banks active/banks/bank0 "banks/bank0/"; do
	out=$( (/bin/echo "in1=$p" >"$K/args") 2>&1)
	[ $? -ne 0 ] || { ok 1 "in1=$p refused"; continue; }
done
ok 0 "args paths escaping the card, dirs and empty-looking ones are refused"
touch "$CARD/banks/bank0/a"
/bin/echo "in1=../card0/banks/bank0/a" >"$K/args" && grep -qx 'in1=banks/bank0/a' "$K/args"
ok $? "a path through .. that lands on a buffer is taken, normalised"

# Registers far away and misaligned.
expect EINVAL pwrite "$K/registers" 1099511627776 abcd
[ "$($FSTEST pread "$K/registers" 1099511627776 8)" = "" ]
ok $? "a register read past the control space reads nothing"
expect EINVAL pwrite "$K/registers" 65536 abcd
expect EINVAL pread "$K/registers" 1 1

# Mutated xclbins: accepted or refused, never a crash.
perl -e '
	my ($in, $dir) = @ARGV;
	open(my $f, "<:raw", $in) or die; local $/; my $img = <$f>;
	srand(7);
	for my $i (1 .. 40) {
		my $m = $img;
		for (1 .. 1 + int(rand(6))) {
			my $at = $i % 2 ? int(rand(0x1c8 + 5 * 40)) : int(rand(length $m));
			substr($m, $at, 1) = chr(int(rand(256)));
		}
		open(my $o, ">:raw", "$dir/m$i.xclbin") or die; print $o $m;
	}' "$DESIGNS/hbm_multi.xclbin" "$WORK"
rm -f "$CARD/banks/bank0/a"
acc=0
for i in $(seq 1 40); do
	cp "$WORK/m$i.xclbin" "$CARD/overlay" 2>/dev/null && acc=$((acc + 1))
	cat "$CARD/summary" "$CARD/state" >/dev/null || break
	ls -R "$CARD/kernels" "$CARD/banks" >/dev/null || break
done
[ "$i" = 40 ]
ok $? "40 mutated xclbins through overlay ($acc loaded), every summary and tree readable"
for n in 1 300 456 1000 2000; do
	head -c $n "$DESIGNS/vadd.xclbin" >"$WORK/t.xclbin"
	cp "$WORK/t.xclbin" "$CARD/overlay" 2>/dev/null && { ok 1 "truncated at $n refused"; break; }
done
ok 0 "xclbins truncated at 1, 300, 456, 1000, 2000 bytes are all refused"

# Names: longest allowed, and one byte longer.
long=$(printf '%0255d' 0)
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay" 2>/dev/null || { : >"$CARD/overlay"; cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"; }
expect 0 open "$CARD/banks/bank0/$long" O_CREAT,O_WRONLY 0644
expect ENAMETOOLONG open "$CARD/banks/bank0/${long}1" O_CREAT,O_WRONLY 0644
expect 0 unlink "$CARD/banks/bank0/$long"
expect 0 mkdir "$CARD/banks/bank0/d" 0755
expect ENAMETOOLONG mkdir "$CARD/banks/bank0/${long}1" 0755
expect ENAMETOOLONG rename "$CARD/banks/bank0/d" "$CARD/banks/bank0/${long}1"
name='we ird\tname*?'
expect 0 open "$CARD/banks/bank0/$name" O_CREAT,O_WRONLY 0644
expect 0 unlink "$CARD/banks/bank0/$name"

# Directories nested 3000 deep, then the whole design freed at once.
perl -e 'chdir $ARGV[0] or die; for (1 .. 3000) { mkdir "n" or die "mkdir: $!"; chdir "n" or die }
	open(my $f, ">", "buf") or die; print $f "x"' "$CARD/banks/bank0"
ok $? "3000 nested directories with a buffer at the bottom"
perl -e 'chdir $ARGV[0] or die; for (1 .. 3000) { chdir "n" or die } unlink "buf" or die' "$CARD/banks/bank0"
ok $? "... and its buffer removed again at the bottom"
: >"$CARD/overlay"
[ "$(cat "$CARD/state")" = empty ] && [ -z "$(ls "$CARD/banks")" ]
ok $? "freeing the design drops the 3000-deep tree (no recursion to overflow)"

unmount_pynqfs
done_testing
