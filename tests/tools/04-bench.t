#!/bin/sh
# scripts/bench.sh runs: a smoke run (--quick: tiny sizes, one round) must
# print its table with a ratio for every case. It asserts that the
# benchmark works, never how fast anything is. It runs as the docs run it,
# so it must be executable.
. "$(dirname "$0")/../misc.sh"

"$PYNQFS_SRC/scripts/bench.sh" --quick >"$WORK/bench.out" 2>&1
rc=$?
sed 's/^/# /' "$WORK/bench.out"
[ $rc -eq 0 ] && grep -q '^bench: OK$' "$WORK/bench.out"
ok $? "scripts/bench.sh --quick runs to the end"
for c in seq-write seq-read cp-over rand-write rand-read create ls-l stat-each unlink \
	shell-echo launch-fd writers-2 mount-16 pipeline; do
	grep -Eq "^$c +[0-9.]+ +[0-9.]+ .* [0-9.]+ \([0-9.]+-[0-9.]+\)" "$WORK/bench.out"
	ok $? "a time and a ratio for $c"
done
grep -q '^two CUs: serial / parallel' "$WORK/bench.out" &&
	grep -q '^vmult runs taking turns between 6 sets of buffers / the same buffers, pynqfs: [0-9.]' "$WORK/bench.out" &&
	grep -q '^daemon memory per empty buffer: [0-9]* bytes' "$WORK/bench.out"
ok $? "the speedup of two CUs, the guard's cost and the memory per buffer"
grep -q '^stream pipeline, 3 stages .*pynqfs: [0-9.]* M elements/s' "$WORK/bench.out"
ok $? "the stream pipeline's elements per second"
done_testing
