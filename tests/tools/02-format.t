#!/bin/sh
# The C sources are as the checked-in .clang-format lays them out.
. "$(dirname "$0")/../misc.sh"
cd "$PYNQFS_SRC" || exit 1
if ! command -v clang-format >/dev/null; then
	skip "clang-format is not installed" "sources are clang-formatted"
	done_testing
	exit 0
fi
files=$(git ls-files '*.c' '*.h' '*.cpp' 2>/dev/null || find core fs conf tools tests examples -name '*.[ch]' -o -name '*.cpp')
bad=""
for f in $files; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
[ -z "$bad" ]
ok $? "every C file is clang-formatted${bad:+ (not:$bad)}"
done_testing
