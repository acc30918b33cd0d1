#!/bin/sh
# Install what is missing, build, mount pynqfs on its built-in simulated
# card and walk the PYNQ workflow with plain shell tools: program vadd,
# fill buffers, bind args, call the kernel, check its output against sums
# computed here, inspect, free; then run a three-stage stream pipeline and
# check it. Exits non-zero on any mismatch.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

./scripts/deps.sh
./scripts/build.sh build

MNT=$(mktemp -d /tmp/pynqfs-demo.XXXXXX)
TMP=$(mktemp -d /tmp/pynqfs-demo-data.XXXXXX)
cleanup() {
	cd /
	fusermount3 -u "$MNT" 2>/dev/null || true
	rmdir "$MNT" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

show() {
	echo "\$ $*"
	"$@"
}
# A shell line with redirections, shown as typed.
showsh() {
	echo "\$ $1"
	sh -c "$1"
}
fail() {
	echo "demo: FAILED: $*" >&2
	exit 1
}

echo "== mount pynqfs on $MNT (no config: one simulated card)"
"$top/build/pynqfs" "$MNT"
cd "$MNT"
show ls -l
show cat cards
cd card0

echo
echo "== program the card: cp an xclbin to overlay"
show cp "$top/build/examples/vadd.xclbin" overlay
show cat state
[ "$(cat state)" = ready ] || fail "state is not ready"
show cat summary

echo
echo "== allocate buffers in banks and move data (pynq.allocate + sync)"
# 1024 little-endian int32 values each, computed here, independently.
perl -e 'print pack("l<*", map { $_ * 3 - 500 } 0 .. 1023)' >"$TMP/in1"
perl -e 'print pack("l<*", map { 7 - $_ } 0 .. 1023)' >"$TMP/in2"
show cp "$TMP/in1" banks/bank0/in1
show cp "$TMP/in2" banks/bank0/in2
show truncate -s 4096 banks/bank1/out
cmp "$TMP/in1" banks/bank0/in1 || fail "in1 read back differs"
cmp "$TMP/in2" banks/bank0/in2 || fail "in2 read back differs"
echo "read back: in1 and in2 match what was written"
show ls -lR banks
show getfattr --absolute-names -d banks/bank0/in1
show df -h banks/bank0

echo
echo "== run the kernel: bind its args, call it (PYNQ's vadd_1.call(a, b, c, 1024))"
show cat kernels/vadd_1/signature
showsh 'echo "banks/bank0/in1 banks/bank0/in2 banks/bank1/out 1024" > kernels/vadd_1/args'
show cat kernels/vadd_1/args
showsh 'echo call > kernels/vadd_1/run'
show cat kernels/vadd_1/run
# The expected sums, computed here from the same formulas, not by the kernel.
perl -e 'print pack("l<*", map { ($_ * 3 - 500) + (7 - $_) } 0 .. 1023)' >"$TMP/want"
cmp "$TMP/want" banks/bank1/out || fail "vadd output differs from in1 + in2"
echo "out = in1 + in2 for all 1024 elements:" \
	"$(od -An -td4 -N16 banks/bank1/out | tr -s ' ') ..."
show cat kernels/vadd_1/stats
echo '$ od -An -tx4 -N56 kernels/vadd_1/registers    # control word, then args at 0x10..0x34'
od -An -tx4 -N56 kernels/vadd_1/registers

echo
echo "== start / wait (PYNQ's .start() then .wait())"
showsh 'echo start > kernels/vadd_1/run; echo start > kernels/vadd_1/run'
show cat kernels/vadd_1/run
cmp "$TMP/want" banks/bank1/out || fail "vadd output differs after start/wait"
echo "\$ ls -R"
ls -R

echo
echo "== a partial sync: write 8 bytes at offset 400, read them back"
printf 'pynqfs!!' | dd of=banks/bank0/in1 bs=1 seek=400 conv=notrunc 2>/dev/null
[ "$(dd if=banks/bank0/in1 bs=1 skip=400 count=8 2>/dev/null)" = 'pynqfs!!' ] || fail "partial write"
echo "bytes 400..407 now read: $(dd if=banks/bank0/in1 bs=1 skip=400 count=8 2>/dev/null)"

echo
echo "== free: remove the buffers, then the design"
show rm banks/bank0/in1 banks/bank0/in2 banks/bank1/out
echo '$ : > overlay'
: >overlay
show cat state
[ "$(cat state)" = empty ] || fail "design not freed"

echo
echo "== a stream pipeline: mm2s -> increment (free-running) -> s2mm"
show cp "$top/build/examples/pipeline.xclbin" overlay
show cat streams/dc_0 streams/dc_1
show cat kernels/increment_1/state
[ "$(cat kernels/increment_1/state)" = running ] || fail "increment_1 is not running"
perl -e 'print pack("l<*", map { $_ * 7 - 3000 } 0 .. 4999)' >"$TMP/pin"
show cp "$TMP/pin" banks/bank0/in
show truncate -s 20000 banks/bank1/out
showsh 'echo "banks/bank0/in 5000" > kernels/mm2s_1/args'
show cat kernels/mm2s_1/args
showsh 'echo "banks/bank1/out 5000" > kernels/s2mm_1/args'
showsh 'echo start > kernels/mm2s_1/run; echo call > kernels/s2mm_1/run'
show cat kernels/mm2s_1/run kernels/s2mm_1/run
perl -e 'print pack("l<*", map { $_ * 7 - 3000 + 1 } 0 .. 4999)' >"$TMP/pwant"
cmp "$TMP/pwant" banks/bank1/out || fail "the pipeline's output is not in + 1"
echo "out = in + 1 for all 5000 elements, through two FIFOs of 1024:" \
	"$(od -An -td4 -N16 banks/bank1/out | tr -s ' ') ..."
show rm banks/bank0/in banks/bank1/out
: >overlay
show cat log

cd /
fusermount3 -u "$MNT"
echo
echo "demo: OK"
