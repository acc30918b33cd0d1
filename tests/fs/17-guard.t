#!/bin/sh
# The sim card's memory guard: a kernel sees only the buffers named in its
# args. Reads and writes just past the end, just before the start and far
# away fail the run with a log line naming the arg and the offset, and the
# buffer beside it keeps every byte.
. "$(dirname "$0")/../misc.sh"

write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/tests/kernels", "$PYNQFS_BUILD/examples/kernels" ];
        run_timeout_ms = 5000; };
C
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/../tests/faulty.xclbin" "$CARD/overlay"
K=$CARD/kernels
B=$CARD/banks

addr() { getfattr --absolute-names --only-values -n user.pynq.address "$1"; }
hex() { printf '0x%x' "$1"; }
# zeros_after FILE N: FILE, grown to 4096 bytes, reads zeros after byte N.
zeros_after() {
	truncate -s 4096 "$1" && [ "$(od -v -An -tx1 -j "$2" "$1" | tr -d ' \n' | tr -d 0)" = "" ]
}

# 1. vadd told a size four times its output buffer: it writes past out_r
# into the buffer placed right after it.
head -c 16384 /dev/urandom >"$B/bank0/i1"
head -c 16384 /dev/urandom >"$B/bank0/i2"
truncate -s 4096 "$B/bank1/out"
perl -e 'print "N" x 4096' >"$B/bank1/neighbour"
cp "$B/bank1/neighbour" "$WORK/neighbour"
out=$(addr "$B/bank1/out")
[ "$(addr "$B/bank1/neighbour")" = "$(hex $((out + 4096)))" ]
ok $? "the neighbour is placed right after out ($(addr "$B/bank1/neighbour"))"
echo "banks/bank0/i1 banks/bank0/i2 banks/bank1/out 4096" >"$K/vadd_1/args"
echo call >"$K/vadd_1/run" 2>/dev/null
ok $((! $?)) "a vadd writing past its output fails its call"
want="wrote $(hex $((out + 4096))), 0 bytes past the end of out_r (banks/bank1/out, 4096 bytes)"
[ "$(cat "$K/vadd_1/run")" = "error $want" ] && [ "$(cat "$K/vadd_1/state")" = error ]
ok $? "run says 'error $want', state error (got: $(cat "$K/vadd_1/run"))"
card_log_has "kernels/vadd_1: run failed: $want"
cmp -s "$B/bank1/neighbour" "$WORK/neighbour"
ok $? "the neighbour keeps its 4096 bytes"
perl -e 'open(F, "<", $ARGV[0]) or die; read(F, $_, 4096); @a = unpack("l<*", $_);
	open(F, "<", $ARGV[1]) or die; read(F, $_, 4096); @b = unpack("l<*", $_);
	open(F, "<", $ARGV[2]) or die; read(F, $_, 4096); @c = unpack("l<*", $_);
	for (0 .. 1023) { exit 1 if $c[$_] != (($a[$_] + $b[$_] + 2**31) % 2**32) - 2**31 } exit 0' \
	"$B/bank0/i1" "$B/bank0/i2" "$B/bank1/out"
ok $? "what it wrote inside out_r is there: 1024 sums"
echo "size=1024" >"$K/vadd_1/args"
echo call >"$K/vadd_1/run"
ok $? "the same CU runs again, within bounds"

# 2. One byte, read or written, at every edge: poke touches buf[at].
truncate -s 8192 "$B/bank1/buf"
perl -e 'print "M" x 4096' >"$B/bank1/after"
cp "$B/bank1/after" "$WORK/after"
buf=$(addr "$B/bank1/buf")
poke() { # poke AT WRITE WANT: touch buf[AT]; the run must end as WANT says
	echo "banks/bank1/buf $1 $2" >"$K/poke_1/args"
	echo call >"$K/poke_1/run" 2>/dev/null
	got=$(cat "$K/poke_1/run")
	case $3 in
	done) [ "${got%% *}" = done ] ;;
	*) [ "$got" = "error $3" ] && grep -q "kernels/poke_1: run failed: $3" "$CARD/log" ;;
	esac
	ok $? "buf[$1] ($([ "$2" = 1 ] && echo write || echo read)): $3${got:+ (got: $got)}"
}
poke 0 1 done
poke 8191 1 done
poke 8191 0 done
poke 8192 1 "wrote $(hex $((buf + 8192))), 0 bytes past the end of buf (banks/bank1/buf, 8192 bytes)"
poke 8192 0 "read $(hex $((buf + 8192))), 0 bytes past the end of buf (banks/bank1/buf, 8192 bytes)"
poke 8200 1 "wrote $(hex $((buf + 8200))), 8 bytes past the end of buf (banks/bank1/buf, 8192 bytes)"
poke -1 1 "wrote $(hex $((buf - 1))), 1 byte before the start of buf (banks/bank1/buf, 8192 bytes)"
poke -1 0 "read $(hex $((buf - 1))), 1 byte before the start of buf (banks/bank1/buf, 8192 bytes)"
poke -4096 1 "wrote $(hex $((buf - 4096))), 4096 bytes before the start of buf (banks/bank1/buf, 8192 bytes)"
far=$((256 * 1048576))
poke $((8192 + far)) 1 "wrote $(hex $((buf + 8192 + far))), $far bytes past the end of buf (banks/bank1/buf, 8192 bytes)"
poke $((8192 + far)) 0 "read $(hex $((buf + 8192 + far))), $far bytes past the end of buf (banks/bank1/buf, 8192 bytes)"
# Farther than any bank: a host address, outside every buffer.
echo "banks/bank1/buf -68719476736 1" >"$K/poke_1/args"
echo call >"$K/poke_1/run" 2>/dev/null
grep -q '^error the kernel crashed: Segmentation fault (signal 11): wrote 0x[0-9a-f]*, a host address in no buffer of its args$' "$K/poke_1/run"
ok $? "64 GiB before the buffer: 'in no buffer of its args' ($(cat "$K/poke_1/run"))"
cmp -s "$B/bank1/after" "$WORK/after" && cmp -s "$B/bank1/neighbour" "$WORK/neighbour"
ok $? "the buffers beside it keep every byte"
[ "$(od -An -c -j 8191 -N 1 "$B/bank1/buf" | tr -d ' ')" = X ] &&
	[ "$(od -An -c -N 1 "$B/bank1/buf" | tr -d ' ')" = X ]
ok $? "the writes within bounds are in buf"

# 3. A size that is not a multiple of the page: the bytes after the end of
# its last page are checked after the run, and put back.
truncate -s 4000 "$B/bank1/odd"
echo "banks/bank1/odd 4000 1" >"$K/poke_1/args"
echo call >"$K/poke_1/run" 2>/dev/null
want="wrote $(hex $(($(addr "$B/bank1/odd") + 4000))), 0 bytes past the end of buf (banks/bank1/odd, 4000 bytes)"
[ "$(cat "$K/poke_1/run")" = "error $want" ]
ok $? "a write 0 bytes past the end inside the last page: $want"
echo "banks/bank1/odd 4095 1" >"$K/poke_1/args"
echo call >"$K/poke_1/run" 2>/dev/null
grep -q "^error wrote 0x[0-9a-f]*, 95 bytes past the end of buf (banks/bank1/odd, 4000 bytes)$" "$K/poke_1/run"
ok $? "95 bytes past the end: $(cat "$K/poke_1/run")"
zeros_after "$B/bank1/odd" 4000
ok $? "what it wrote there is gone: the buffer grown to 4096 reads zeros after byte 4000"

# A kernel that writes past the end into its last page and then faults
# (vadd told 2000 elements of a 4000-byte out_r: it writes out_r[1000..1023]
# in the page, then faults at 1024): nothing it wrote there may show when
# the buffer grows.
truncate -s 4000 "$B/bank1/short"
echo "banks/bank0/i1 banks/bank0/i2 banks/bank1/short 2000" >"$K/vadd_1/args"
echo call >"$K/vadd_1/run" 2>/dev/null
grep -q "^error wrote 0x[0-9a-f]*, 96 bytes past the end of out_r (banks/bank1/short, 4000 bytes)$" "$K/vadd_1/run"
ok $? "vadd past a 4000-byte out_r faults at the page's end: $(cat "$K/vadd_1/run")"
zeros_after "$B/bank1/short" 4000
ok $? "what it wrote after byte 4000 is gone: grown to 4096, the buffer reads zeros there"

# 4. A start from the registers: no path to name, the address instead.
echo "banks/bank1/buf 8192 1" >"$K/poke_1/args"
echo start >"$K/poke_1/run"
cat "$K/poke_1/run" >/dev/null
printf '\001\000\000\000' | dd of="$K/poke_1/registers" conv=notrunc 2>/dev/null
cat "$K/poke_1/run" >/dev/null
grep -q "kernels/poke_1: run failed: wrote $(hex $((buf + 8192))), 0 bytes past the end of buf (8192 bytes at $(hex $buf))" "$CARD/log"
ok $? "from ap_start in registers: 'of buf (8192 bytes at $(hex $buf))'"

echo "banks/bank1/buf 0 0" >"$K/poke_1/args"
echo call >"$K/poke_1/run"
ok $? "poke_1 runs again after all that"

# 5. Runs taking turns between more buffers than a runner keeps mapped:
# each run writes its own buffer, and only that one.
for f in p1 p2 p3 p4 p5 p6; do truncate -s 8192 "$B/bank1/$f"; done
for at in 0 100 4096 8191; do
	for f in p1 p2 p3 p4 p5 p6 p3 p1; do
		echo "banks/bank1/$f $at 1" >"$K/poke_1/args" && echo call >"$K/poke_1/run" || break 2
	done
done
ok $? "32 runs over six buffers in turn"
for f in p1 p2 p3 p4 p5 p6; do
	[ "$(od -v -An -c "$B/bank1/$f" | tr -d ' \n' | sed 's/\\0//g')" = XXXX ] || break
	[ "$(od -An -c -j 4096 -N 1 "$B/bank1/$f" | tr -d ' ')" = X ] || break
done
ok $? "each buffer holds its four X and nothing else"
echo "banks/bank1/p2 8192 1" >"$K/poke_1/args"
echo call >"$K/poke_1/run" 2>/dev/null
grep -q "^error wrote 0x[0-9a-f]*, 0 bytes past the end of buf (banks/bank1/p2, 8192 bytes)$" "$K/poke_1/run"
ok $? "and the guard still holds: $(cat "$K/poke_1/run")"
no_sanitizer_reports
done_testing
