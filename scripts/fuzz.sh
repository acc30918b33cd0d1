#!/bin/sh
# Fuzz the parsers for a while: the libFuzzer targets for the xclbin parser,
# the args parser and the config loader (clang, ASan+UBSan, build-fuzz/),
# each from its corpus in tests/fuzz/. New inputs go to OUT, never into the
# repo; a crash leaves its input there and the line says how to replay it.
# Prints TAP, one line a target. (The operation-sequence fuzzer over a mount
# is tests/fs/15-opfuzz.t; scripts/fuzz-long.sh runs everything for hours.)
#   scripts/fuzz.sh [SECONDS_EACH (10)] [OUT (a new temp dir)]
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-10}
OUT=${2:-}
if [ -z "$OUT" ]; then # a temp dir, kept only if something was found
	OUT=$(mktemp -d /tmp/pynqfs-fuzz.XXXXXX)
	trap '[ "$fail" = 0 ] && rm -rf "$OUT"' EXIT
fi
fail=0
B=$(pwd)/build-fuzz
if [ ! -f "$B/build.ninja" ]; then
	CC=clang meson setup "$B" -Dfuzzer=true -Dwerror=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dxrt=disabled >"$B.setup.log" 2>&1 || {
		sed 's/^/# /' "$B.setup.log"
		echo "not ok 1 - build-fuzz: meson setup failed"
		exit 1
	}
fi
ninja -C "$B" tests/fuzz_xclbin tests/fuzz_args tests/fuzz_config >"$B/fuzz-targets.log" 2>&1 || {
	sed 's/^/# /' "$B/fuzz-targets.log"
	echo "not ok 1 - build-fuzz: the libFuzzer targets don't build"
	exit 1
}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1}:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp"
n=0
for t in xclbin:corpus args:args config:config; do
	name=${t%%:*} corpus=tests/fuzz/${t#*:}
	n=$((n + 1))
	mkdir -p "$OUT/$name/new" "$OUT/$name/crashes"
	before=$(ls "$corpus" | wc -l)
	# New units land in the first directory, OUT; the repo's corpus is read only.
	rc=0
	"$B/tests/fuzz_$name" -max_total_time="$SECS" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$OUT/$name/crashes/" \
		"$OUT/$name/new" "$corpus" >"$OUT/$name/log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$name/log")
	new=$(ls "$OUT/$name/new" | wc -l)
	if [ $rc -eq 0 ] && [ -n "$runs" ] && [ -z "$(ls "$OUT/$name/crashes")" ]; then
		echo "ok $n - fuzz_$name: $runs inputs in ${SECS}s from $before in the corpus, $new new ones"
	else
		tail -n 30 "$OUT/$name/log" | sed 's/^/# /'
		for c in "$OUT/$name/crashes"/*; do
			[ -e "$c" ] && echo "# replay: $B/tests/fuzz_$name $c"
		done
		echo "not ok $n - fuzz_$name: exit $rc after ${runs:-no} inputs"
		fail=1
	fi
done
echo "1..$n"
exit $fail
