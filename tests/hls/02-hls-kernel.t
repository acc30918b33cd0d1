#!/bin/sh
# A Vitis HLS C++ kernel source, unchanged (extern "C", pragmas, ap_uint<512>
# pointers, wide intermediates, range writes), compiled against
# include/ap_int.h into a sim kernel and run through the filesystem; every
# 512-bit element checked against Python's integers.
. "$(dirname "$0")/../misc.sh"

hls_mount wide_hls.cpp wide_copy
cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay"
ok $? "hbm_multi loads, wide_copy from the HLS source"

n=1000
head -c $((n * 64)) /dev/urandom >"$WORK/src"
cp "$WORK/src" "$CARD/banks/DDR0/src" && truncate -s $((n * 64)) "$CARD/banks/DDR0/dst"
echo "banks/DDR0/src banks/DDR0/dst $n" >"$CARD/kernels/wide_copy_1/args"
echo call >"$CARD/kernels/wide_copy_1/run"
grep -q '^done' "$CARD/kernels/wide_copy_1/run"
ok $? "the run is done ($(cat "$CARD/kernels/wide_copy_1/run"))"
cp "$CARD/banks/DDR0/dst" "$WORK/dst"
python3 - "$WORK/src" "$WORK/dst" $n <<'PY'
import sys
src, dst, n = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), int(sys.argv[3])
bad = 0
for i in range(n):
    v = (int.from_bytes(src[64 * i:64 * i + 64], "little") * 3 + i) % (1 << 512)
    want = ((v & ((1 << 256) - 1)) << 256) | (v >> 256)
    bad += int.from_bytes(dst[64 * i:64 * i + 64], "little") != want
sys.exit(bad != 0)
PY
ok $? "$n ap_uint<512> elements: src * 3 + i, halves swapped, each as Python computes it"
unmount_pynqfs
done_testing
