#!/bin/sh
# scripts/tap-summary.pl, which prints test.sh's last line: a test file that
# cannot start (not executable) counts as a failure, and the files after it
# still run.
set -u
: "${PYNQFS_SRC:?run through scripts/test.sh}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf '#!/bin/sh\necho "ok 1 - fine"\necho 1..1\n' >"$WORK/a.t"
cp "$WORK/a.t" "$WORK/b.t"
chmod +x "$WORK/b.t"
perl "$PYNQFS_SRC/scripts/tap-summary.pl" "$WORK/a.t" "$WORK/b.t" >"$WORK/out" 2>&1
rc=$?
n=0
check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$WORK/out"; fi
}
[ $rc -eq 1 ]
check $? "a file that can't start: exit 1 (got $rc)"
grep -q "a.t .*FAIL" "$WORK/out" && grep -q "could not run" "$WORK/out"
check $? "it is listed as FAIL, saying why"
grep -q "b.t .*ok" "$WORK/out" && tail -1 "$WORK/out" | grep -qx "1 passed, 1 failed, 0 skipped"
check $? "the next file still ran: $(tail -1 "$WORK/out")"
echo "1..$n"
