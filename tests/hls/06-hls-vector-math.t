#!/bin/sh
# include/hls_vector.h, hls_math.h and a local hls::stream: checked in C++
# (tests/hls/vector_math.cpp, ASan and UBSan), then an HLS kernel on hls::vector<float, 16> arrays run
# on the sim card through the filesystem, every float checked.
. "$(dirname "$0")/../misc.sh"

g++ -std=c++11 -Wall -Wextra -Werror -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-I"$PYNQFS_SRC/include" "$PYNQFS_SRC/tests/hls/vector_math.cpp" -o "$WORK/vm" 2>"$WORK/cc.err"
ok $? "tests/hls/vector_math.cpp compiles ($(head -3 "$WORK/cc.err"))"
"$WORK/vm" >"$WORK/tap" 2>&1
ok $? "its checks pass"
sed 's/^/# /' "$WORK/tap"

hls_mount mailbox_hls.cpp vecmac
cp "$PYNQFS_BUILD/tests/hls_mailbox.xclbin" "$CARD/overlay"
n=4096
python3 -c "
import random, struct, sys
random.seed(5)
sys.stdout.buffer.write(struct.pack('<%df' % ($n * 32), *[random.uniform(-1e3, 1e3) for _ in range($n * 32)]))" >"$WORK/ab"
head -c $((n * 64)) "$WORK/ab" >"$CARD/banks/bank0/a" && tail -c $((n * 64)) "$WORK/ab" >"$CARD/banks/bank0/b" &&
	truncate -s $((n * 64)) "$CARD/banks/bank0/out"
echo "banks/bank0/a banks/bank0/b banks/bank0/out $n" >"$CARD/kernels/vecmac_1/args" &&
	echo call >"$CARD/kernels/vecmac_1/run"
grep -q '^done' "$CARD/kernels/vecmac_1/run"
ok $? "vecmac runs ($(cat "$CARD/kernels/vecmac_1/run"))"
cp "$CARD/banks/bank0/out" "$WORK/out"
python3 - "$WORK/ab" "$WORK/out" $n <<'PY'
import struct, sys
n = int(sys.argv[3]) * 16
ab = struct.unpack("<%df" % (2 * n), open(sys.argv[1], "rb").read())
out = struct.unpack("<%df" % n, open(sys.argv[2], "rb").read())
f32 = lambda x: struct.unpack("<f", struct.pack("<f", x))[0]
# float32: the product of two floats is exact in a double, then rounded once;
# so is its sum with 1.0 at these magnitudes.
bad = sum(o != f32(f32(x * y) + 1.0) for x, y, o in zip(ab[:n], ab[n:], out))
print(f"# {bad} of {n} floats wrong")
sys.exit(bad != 0)
PY
ok $? "hls::vector<float, 16>: $n elements of a * b + 1, each float as IEEE float32 gives it"
unmount_pynqfs
done_testing
