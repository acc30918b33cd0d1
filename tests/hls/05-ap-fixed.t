#!/bin/sh
# include/ap_fixed.h: operations, conversions in every quantization and
# overflow mode, and from doubles, against exact rational arithmetic
# (tests/hls/check_fixed.py holds the rules), built with -Werror, ASan and
# UBSan as C++11 and C++17; then an HLS kernel on ap_fixed arrays run on
# the sim card through the filesystem, every element checked.
. "$(dirname "$0")/../misc.sh"

for std in c++11 c++17; do
	g++ -std=$std -Wall -Wextra -Werror -O1 -fsanitize=address,undefined \
		-fno-sanitize-recover=all -I"$PYNQFS_SRC/include" \
		"$PYNQFS_SRC/tests/hls/fixed_ops.cpp" -o "$WORK/fixed_ops_$std" 2>"$WORK/cc.err"
	ok $? "tests/hls/fixed_ops.cpp compiles as $std ($(head -3 "$WORK/cc.err"))"
done
"$WORK/fixed_ops_c++11" 300 >"$WORK/lines" 2>"$WORK/run.err" &&
	"$WORK/fixed_ops_c++17" 300 | cmp -s - "$WORK/lines"
ok $? "it runs clean, the same as C++11 and C++17 ($(head -3 "$WORK/run.err"))"
python3 "$PYNQFS_SRC/tests/hls/check_fixed.py" <"$WORK/lines" >"$WORK/tap"
ok $? "every line as exact arithmetic says"
sed 's/^/# /' "$WORK/tap"

hls_mount mailbox_hls.cpp fxmul
cp "$PYNQFS_BUILD/tests/hls_mailbox.xclbin" "$CARD/overlay"
n=50000
head -c $((n * 2)) /dev/urandom >"$WORK/a"
head -c $((n * 2)) /dev/urandom >"$WORK/b"
cp "$WORK/a" "$CARD/banks/bank0/a" && cp "$WORK/b" "$CARD/banks/bank0/b" &&
	truncate -s $((n * 4)) "$CARD/banks/bank0/out"
echo "banks/bank0/a banks/bank0/b banks/bank0/out $n" >"$CARD/kernels/fxmul_1/args" &&
	echo call >"$CARD/kernels/fxmul_1/run"
grep -q '^done' "$CARD/kernels/fxmul_1/run"
ok $? "fxmul runs ($(cat "$CARD/kernels/fxmul_1/run"))"
cp "$CARD/banks/bank0/out" "$WORK/out"
python3 - "$WORK/a" "$WORK/b" "$WORK/out" $n "$PYNQFS_SRC/tests/hls" <<'PY'
import struct, sys
from fractions import Fraction
sys.path.insert(0, sys.argv[5])
from check_fixed import fit
n = int(sys.argv[4])
a = struct.unpack("<%dh" % n, open(sys.argv[1], "rb").read())
b = struct.unpack("<%dh" % n, open(sys.argv[2], "rb").read())
out = struct.unpack("<%di" % n, open(sys.argv[3], "rb").read())
bad = 0
for x, y, z in zip(a, b, out):
    # ap_fixed<16, 6>: raw / 2^10; the product into ap_fixed<24, 10, AP_RND, AP_SAT>.
    want = fit(Fraction(x * y, 1 << 20), 24, 10, True, "AP_RND", "AP_SAT")
    bad += z != want  # stored sign-extended in 4 bytes
print(f"# {bad} of {n} elements wrong")
sys.exit(bad != 0)
PY
ok $? "ap_fixed<16, 6> x ap_fixed<16, 6> -> ap_fixed<24, 10, AP_RND, AP_SAT>: $n elements exact"
unmount_pynqfs
done_testing
