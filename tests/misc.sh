# Shared helpers for the shell tests (pjdfstest style). Source it:
#   . "$(dirname "$0")/../misc.sh"
# It prints TAP: call plan-free `expect`/`ok` lines and end with `done_testing`.

: "${PYNQFS_SRC:?run through scripts/test.sh}"
: "${PYNQFS_BUILD:?run through scripts/test.sh}"
PYNQFS_XCLBIN=$PYNQFS_BUILD/pynqfs-xclbin
DESIGNS=$PYNQFS_BUILD/examples
FIXTURES=$PYNQFS_SRC/../shared/fixtures

ntest=0
nfail=0

# ok COND_EXIT_STATUS DESCRIPTION
ok() {
	ntest=$((ntest + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $ntest - $2"
	else
		echo "not ok $ntest - $2"
		nfail=$((nfail + 1))
	fi
}

skip() {
	ntest=$((ntest + 1))
	echo "ok $ntest - $2 # SKIP $1"
}

# expect WANT CMD...: WANT is 0 or an errno name (ENOENT) the command's
# failure must name, as pjdfstest's expect does.
expect() {
	want=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$want" = 0 ]; then
		[ $rc -eq 0 ]
		ok $? "$* -> 0${out:+ ($out)}"
	else
		[ $rc -ne 0 ] && echo "$out" | grep -q "$(errno_text "$want")"
		ok $? "$* -> $want (got rc=$rc: $out)"
	fi
}

# The strerror text for an errno name.
errno_text() {
	perl -e 'use POSIX; $! = POSIX->can($ARGV[0])->(); print "$!"' "$1"
}

done_testing() {
	echo "1..$ntest"
	[ $nfail -eq 0 ]
}
