#!/bin/sh
# The Python package (python/pynqfs, PYNQ's XRT API over the mount) under
# pytest, with Debian's python3, numpy and pytest; each test a TAP line.
: "${PYNQFS_SRC:?run through scripts/test.sh}"
: "${PYNQFS_BUILD:?run through scripts/test.sh}"
PY=/usr/bin/python3
if ! $PY -c 'import numpy, pytest' 2>/dev/null; then
	echo "1..0 # SKIP Debian's python3-numpy and python3-pytest are not installed"
	exit 0
fi
out=$(mktemp)
cd "$PYNQFS_SRC" || exit 1
$PY -m pytest -v -p no:cacheprovider -o console_output_style=classic tests/python >"$out" 2>&1
rc=$?
n=0
while read -r line; do
	case "$line" in
	*::*" PASSED"*) n=$((n + 1)); echo "ok $n - ${line%% PASSED*}" ;;
	*::*" FAILED"* | *::*" ERROR"*) n=$((n + 1)); echo "not ok $n - ${line%% *}" ;;
	esac
done <"$out"
if [ $rc -ne 0 ]; then
	n=$((n + 1))
	echo "not ok $n - pytest exited $rc"
	sed 's/^/# /' "$out" | tail -60
fi
rm -f "$out"
echo "1..$n"
