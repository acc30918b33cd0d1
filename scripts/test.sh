#!/bin/sh
# Install what is missing, build twice with warnings as errors (ASan+UBSan,
# and ThreadSanitizer), run every test on the first and the concurrency
# tests on the second, and end with one line: "N passed, N failed, N skipped".
set -eu
cd "$(dirname "$0")/.."

./scripts/deps.sh
./scripts/build.sh build-test -Dwerror=true -Db_sanitize=address,undefined -Dlockcheck=true --buildtype=debugoptimized
./scripts/build.sh build-tsan -Dwerror=true -Db_sanitize=thread -Dlockcheck=true --buildtype=debugoptimized

PYNQFS_SRC=$(pwd)
PYNQFS_BUILD=$(pwd)/build-test
TSAN_BUILD=$(pwd)/build-tsan
export PYNQFS_SRC PYNQFS_BUILD
# Abort on the first sanitizer report, so a test can't pass past one.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp"
export TSAN_OPTIONS="halt_on_error=1:abort_on_error=1:suppressions=$(pwd)/tests/tsan.supp"

echo "test: running unit and filesystem tests (ASan+UBSan), then races (TSan)"
set -- "$PYNQFS_BUILD/tests/test_xclbin" "$PYNQFS_BUILD/tests/test_args" \
	"$PYNQFS_BUILD/tests/test_card" "$PYNQFS_BUILD/tests/test_fs" \
	"$PYNQFS_BUILD/tests/fuzz_xclbin tests/fuzz/corpus" \
	"$PYNQFS_BUILD/tests/fuzz_args tests/fuzz/args" "$PYNQFS_BUILD/tests/fuzz_config tests/fuzz/config"
# libFuzzer on the parsers, briefly (clang; scripts/fuzz-long.sh for hours).
set -- "$@" "sh scripts/fuzz.sh ${PYNQFS_FUZZ_SECONDS:-10}"
for t in tests/*/*.t; do
	[ -e "$t" ] && set -- "$@" "$t"
done
# The overlay, banks and kernels groups again on an xrt card, through XRT's
# noop shim (tests/fs/09-xrt.t runs on it already).
for t in tests/fs/02-overlay.t tests/fs/03-banks.t tests/fs/05-kernels.t tests/fs/22-after.t \
	tests/fs/24-ranges.t tests/fs/25-autofree.t tests/fs/26-mmap.t; do
	set -- "$@" "env PYNQFS_TEST_BACKEND=xrt sh $t"
done
# The same files again on the ThreadSanitizer build: every thread of the
# daemon and of core at once. A report aborts the daemon and fails the file.
set -- "$@" "env PYNQFS_BUILD=$TSAN_BUILD $TSAN_BUILD/tests/test_card"
for t in tests/fs/05-kernels.t tests/fs/07-stress.t tests/fs/08-races.t tests/fs/11-faults.t \
	tests/fs/12-fsx.t tests/fs/15-opfuzz.t tests/fs/17-guard.t tests/fs/18-streams.t tests/fs/20-threats.t \
	tests/fs/22-after.t tests/fs/23-closing.t tests/fs/24-ranges.t tests/fs/25-autofree.t \
	tests/fs/26-mmap.t; do
	set -- "$@" "env PYNQFS_BUILD=$TSAN_BUILD sh $t"
done
exec perl scripts/tap-summary.pl "$@"
