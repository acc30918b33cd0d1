#!/bin/sh
# Install what is missing, build with warnings as errors and ASan/UBSan,
# run every test, and end with one line: "N passed, N failed, N skipped".
set -eu
cd "$(dirname "$0")/.."

./scripts/deps.sh
./scripts/build.sh build-test -Dwerror=true -Db_sanitize=address,undefined --buildtype=debugoptimized

PYNQFS_SRC=$(pwd)
PYNQFS_BUILD=$(pwd)/build-test
export PYNQFS_SRC PYNQFS_BUILD
# Abort on the first sanitizer report, so a test can't pass past one.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

echo "test: running unit and filesystem tests"
set -- "$PYNQFS_BUILD/tests/test_xclbin" "$PYNQFS_BUILD/tests/test_args" \
	"$PYNQFS_BUILD/tests/fuzz_xclbin tests/fuzz/corpus"
for t in tests/*/*.t; do
	[ -e "$t" ] && set -- "$@" "$t"
done
exec perl scripts/tap-summary.pl "$@"
