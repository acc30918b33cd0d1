#!/bin/sh
# Fuzzing for as long as you like. Two things at once until DURATION seconds
# have passed: the libFuzzer targets (scripts/fuzz.sh; xclbin, args, config,
# a third of the time each), and the operation-sequence fuzzer
# (tests/opfuzz.pl) on two sim cards of one mount of the ASan+UBSan build,
# rounds of 20,000 operations with fresh seeds. Any failure stops that
# fuzzer with what replays it. Ends with what was tried and the daemon's
# memory. New libFuzzer inputs are kept in OUT (merge them into
# tests/fuzz/ by hand: FUZZER -merge=1 tests/fuzz/args OUT/args/new).
#   scripts/fuzz-long.sh [DURATION_SECONDS (1800)] [OUT (a new temp dir)]
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
DURATION=${1:-1800}
OUT=${2:-$(mktemp -d /tmp/pynqfs-fuzz-long.XXXXXX)}
mkdir -p "$OUT"
./scripts/deps.sh >/dev/null
./scripts/build.sh build-test -Dwerror=true -Db_sanitize=address,undefined \
	--buildtype=debugoptimized >/dev/null
B=$top/build-test
MNT=$OUT/mnt
mkdir -p "$MNT"
# Already unmounted at a normal end: under set -e a failing trap would make the exit status 1.
trap 'fusermount3 -u "$MNT" 2>/dev/null || true' EXIT
cat >"$OUT/conf" <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; },
          { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$B/examples/kernels" ]; };
C
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp"
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:log_path=$OUT/asan \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$OUT/asan \
	"$B/pynqfs" -o config="$OUT/conf" "$MNT"
daemon=$(pgrep -n -f "^$B/pynqfs .*$MNT\$")
end=$(($(date +%s) + DURATION))

opfuzz() { # card: rounds until the end
	c=$1
	while [ "$(date +%s)" -lt $end ]; do
		seed=$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')
		perl tests/opfuzz.pl --card "$MNT/card$c" --designs "$B/examples" --seed "$seed" \
			--ops 20000 --save "$OUT/opfuzz.$c.ops" >"$OUT/opfuzz.$c.out" 2>&1 || {
			echo "fuzz-long: opfuzz on card$c FAILED:" >&2
			cat "$OUT/opfuzz.$c.out" >&2
			echo "fuzz-long: replay: perl tests/opfuzz.pl --card MNT/card0 --designs $B/examples --replay $OUT/opfuzz.$c.ops" >&2
			return 1
		}
		sed -n 's/^ok 1 - opfuzz seed [0-9]*: \([0-9]*\) ops.*, \([0-9]*\) bytes verified.*/\1 \2/p' \
			"$OUT/opfuzz.$c.out" >>"$OUT/opfuzz.totals"
	done
}
pids=
for c in 0 1; do
	opfuzz $c &
	pids="$pids $!"
done
fail=0
sh scripts/fuzz.sh $((DURATION / 3)) "$OUT/libfuzzer" >"$OUT/libfuzzer.tap" 2>&1 || fail=1
for pid in $pids; do wait "$pid" || fail=1; done
rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$daemon"/status)
fusermount3 -u "$MNT"
while kill -0 "$daemon" 2>/dev/null; do sleep 0.1; done
if ls "$OUT"/asan.* >/dev/null 2>&1; then
	cat "$OUT"/asan.* >&2
	fail=1
fi
sed -n 's/^\(not \)\{0,1\}ok [0-9]* - /fuzz-long: /p' "$OUT/libfuzzer.tap"
awk '{ o += $1; b += $2 } END { printf "fuzz-long: opfuzz: %d ops in %d rounds, %.0f bytes verified\n", o, NR, b }' \
	"$OUT/opfuzz.totals" 2>/dev/null || echo "fuzz-long: opfuzz: no round finished"
echo "fuzz-long: ${DURATION}s; daemon (ASan+UBSan) RSS ${rss} kB at the end;" \
	"$(ls "$OUT"/asan.* 2>/dev/null | wc -l) sanitizer reports; output in $OUT"
[ $fail = 0 ] && echo "fuzz-long: OK" || { echo "fuzz-long: FAILED"; exit 1; }
