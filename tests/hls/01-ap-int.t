#!/bin/sh
# include/ap_int.h against Python's integers: every operation on random and
# edge values of widths 1, 7, 64, 65, 512 and 1024, signed and unsigned,
# mixed with each other and with C integers, gives the value and the
# result type Vitis HLS gives (tests/hls/check_ap.py holds the rules).
# Compiled with -Werror, ASan and UBSan, as C++11 and as C++17.
set -u
: "${PYNQFS_SRC:?run through scripts/test.sh}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for std in c++11 c++17; do
	if ! g++ -std=$std -Wall -Wextra -Werror -O1 -fsanitize=address,undefined \
		-fno-sanitize-recover=all -I"$PYNQFS_SRC/include" \
		"$PYNQFS_SRC/tests/hls/ap_ops.cpp" -o "$WORK/ap_ops_$std" 2>"$WORK/cc.err"; then
		echo "not ok 1 - tests/hls/ap_ops.cpp compiles as $std against include/ap_int.h"
		sed 's/^/# /' "$WORK/cc.err" | head -30
		echo "1..1"
		exit 1
	fi
done
if ! "$WORK/ap_ops_c++11" 300 >"$WORK/lines" 2>"$WORK/run.err" ||
	! "$WORK/ap_ops_c++17" 300 | cmp -s - "$WORK/lines"; then
	echo "not ok 1 - ap_ops runs clean, the same as C++11 and C++17"
	sed 's/^/# /' "$WORK/run.err" | head -30
	echo "1..1"
	exit 1
fi
exec python3 "$PYNQFS_SRC/tests/hls/check_ap.py" <"$WORK/lines"
