#!/bin/sh
# The data verifier for as long as you like: two sim cards in one mount,
# several fsx processes on each (tests/fsx.pl, each on its own buffers, one
# per card also running vadd_1 between operations), round after round with
# fresh seeds, until DURATION seconds have passed. Any mismatch stops it
# with the seed that replays it. Ends with what was done and the daemon's
# memory.
#   scripts/verify-long.sh [DURATION_SECONDS (1800)] [PROCESSES_PER_CARD (3)]
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
DURATION=${1:-1800}
PROCS=${2:-3}
./scripts/deps.sh >/dev/null
./scripts/build.sh build >/dev/null
B=$top/build
WORK=$(mktemp -d /tmp/pynqfs-verify.XXXXXX)
MNT=$WORK/mnt
mkdir "$MNT"
trap 'fusermount3 -u "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT
cat >"$WORK/conf" <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; },
          { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$B/examples/kernels" ]; };
C
"$B/pynqfs" -o config="$WORK/conf" "$MNT"
daemon=$(pgrep -n -f "^$B/pynqfs .*$MNT\$")
for c in 0 1; do cp "$B/examples/vadd.xclbin" "$MNT/card$c/overlay"; done
end=$(($(date +%s) + DURATION))
worker() { # card proc: fsx rounds until the end
	c=$1 p=$2 rounds=0
	kernel=
	[ "$p" = 0 ] && kernel=--kernel
	while [ "$(date +%s)" -lt $end ]; do
		seed=$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')
		out=$(perl tests/fsx.pl --card "$MNT/card$c" --seed "$seed" --ops 20000 $kernel \
			"banks/bank0/p${p}a" "banks/bank0/p${p}b" "banks/bank1/p${p}c" \
			"banks/bank1/p${p}d" "banks/bank0/p${p}e") || {
			echo "verify: card$c process $p FAILED: $out" >&2
			echo "verify: replay: perl tests/fsx.pl --card MNT/card$c --seed $seed --ops 20000 $kernel ..." >&2
			return 1
		}
		rounds=$((rounds + 1))
		echo "$out" | sed -n 's/.*, \([0-9]*\) bytes verified/\1/p' >>"$WORK/bytes.$c.$p"
	done
	echo "$rounds" >"$WORK/rounds.$c.$p"
}
pids=
for c in 0 1; do
	p=0
	while [ $p -lt "$PROCS" ]; do
		worker $c $p &
		pids="$pids $!"
		p=$((p + 1))
	done
done
fail=0
for pid in $pids; do wait "$pid" || fail=1; done
rounds=$(cat "$WORK"/rounds.* 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
bytes=$(cat "$WORK"/bytes.* 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')
runs=$(sed -n 's/^starts: //p' "$MNT/card0/kernels/vadd_1/stats" "$MNT/card1/kernels/vadd_1/stats" | awk '{ s += $1 } END { print s }')
rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$daemon"/status)
echo "verify: ${DURATION}s, 2 cards x $PROCS processes: $rounds rounds of 20000 ops" \
	"($((rounds * 20000)) ops), $bytes bytes verified, $runs vadd runs, daemon RSS ${rss} kB"
[ $fail = 0 ] && echo "verify: OK" || { echo "verify: FAILED"; exit 1; }
