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

# The backend the card under test uses: sim (the default), or xrt on XRT's
# noop shim (PYNQFS_TEST_BACKEND=xrt), where kernels run but compute nothing,
# syncs move nothing, every device address is 0xdeadbeef and registers are
# refused.
BACKEND=${PYNQFS_TEST_BACKEND:-sim}

if [ "$BACKEND" = xrt ] && ! grep -q PYNQFS_HAVE_XRT "$PYNQFS_BUILD/build.ninja" 2>/dev/null; then
	echo "1..0 # SKIP this build has no XRT (libxrt-dev missing, or -Dxrt=disabled)"
	exit 0
fi

# card SHELL [KEYS]: a card entry of a config, on the backend under test.
card() {
	if [ "$BACKEND" = xrt ]; then
		echo "{ backend = \"xrt\"; device = 0; name = \"$1\"; ${2:-} }"
	else
		echo "{ backend = \"sim\"; name = \"$1\"; ${2:-} }"
	fi
}

# The config's xrt section, for the xrt backend.
xrt_section() {
	[ "$BACKEND" != xrt ] || echo 'xrt = { emulation = "noop"; };'
}

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

# ok_dev STATUS DESCRIPTION: a check that needs a device that computes and
# moves data (kernel results, device addresses, registers). On XRT's noop
# shim it is reported as skipped, with the reason.
ok_dev() {
	if [ "$BACKEND" = xrt ]; then
		skip "XRT noop shim: kernels compute nothing, addresses are 0xdeadbeef, registers refused" "$2"
	else
		ok "$1" "$2"
	fi
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


# expect WANT SYSCALL ARGS...: pjdfstest's check, on tests/fstest.pl.
# WANT is 0, an errno name, or the value a stat/pread prints.
expect() {
	want=$1
	shift
	got=$($FSTEST "$@" 2>&1)
	[ "$got" = "$want" ]
	ok $? "$* -> $want${got:+ (got $got)}"
}

# expect_as UID WANT SYSCALL ARGS...: the same, as another user.
expect_as() {
	uid=$1
	want=$2
	shift 2
	got=$(setpriv --reuid="$uid" --regid="$uid" --clear-groups $FSTEST "$@" 2>&1)
	[ "$got" = "$want" ]
	ok $? "as uid $uid: $* -> $want${got:+ (got $got)}"
}

# mount_pynqfs [pynqfs options...]: a fresh filesystem at $MNT, card0 at $CARD.
# pynqfs daemonizes once the mount is up, so the mount is ready on return.
WORK=$(mktemp -d /tmp/pynqfs-test.XXXXXX)
chmod 755 "$WORK"
MNT=$WORK/mnt
CARD=$MNT/card0
mkdir "$MNT"
# On any exit: unmount, and keep what a dying daemon said in the TAP output.
cleanup() {
	fusermount3 -u "$MNT" 2>/dev/null
	for f in "$WORK"/asan.* "$WORK"/stderr; do
		[ -s "$f" ] && sed "s|^|# ${f##*/}: |" "$f" | head -80
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
# A copy other users can run: the checkout itself may be private (0700).
cp "$PYNQFS_SRC/tests/fstest.pl" "$WORK/fstest.pl"
chmod 755 "$WORK/fstest.pl"
FSTEST="perl $WORK/fstest.pl"

# u200_conf: $CONF, one U200 card taking any shell on the backend under
# test, with the examples' kernels.
u200_conf() {
	write_conf <<XC
cards = ( $(card xilinx_u200_gen3x16_xdma_2_202110_1 'any_shell = true;') );
$(xrt_section)
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
XC
}

# mount_vadd [pynqfs options...]: u200_conf mounted, vadd loaded on card0;
# B and K its banks and kernels.
mount_vadd() {
	u200_conf
	mount_pynqfs "$@" -o config="$CONF"
	cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
	B=$CARD/banks
	K=$CARD/kernels
}

mount_pynqfs() {
	rm -f "$WORK"/asan.*
	# The built-in default is a sim card: the xrt backend gets the same in a config.
	if [ $# -eq 0 ] && [ "$BACKEND" = xrt ]; then
		u200_conf
		set -- -o config="$CONF"
	fi
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=$WORK/asan" \
		TSAN_OPTIONS="${TSAN_OPTIONS:-}:log_path=$WORK/asan" \
		"$PYNQFS_BUILD/pynqfs" "$@" "$MNT" 2>"$WORK/stderr"
	rc=$?
	ok $rc "mount pynqfs $*"
	[ $rc -eq 0 ] || { sed 's/^/# /' "$WORK/stderr"; done_testing; exit 1; }
	DAEMON=$(pgrep -n -f "^$PYNQFS_BUILD/pynqfs .*$MNT\$")
}

# mount_pynqfs_fg LOG [pynqfs options...]: pynqfs in the foreground (to
# see its exit status, or its -d output), its stderr in LOG, DAEMON its
# pid; returns once the mount is up (or the daemon gone).
mount_pynqfs_fg() {
	log=$1
	shift
	"$PYNQFS_BUILD/pynqfs" "$@" "$MNT" 2>"$log" &
	DAEMON=$!
	i=0
	while ! mountpoint -q "$MNT" && kill -0 $DAEMON 2>/dev/null && [ $i -lt 400 ]; do
		sleep 0.05 # waiting for the mount to appear, not for a race
		i=$((i + 1))
	done
	mountpoint -q "$MNT"
}

# unmount_pynqfs: the daemon must still be serving, exit cleanly on
# unmount, and leave no sanitizer report.
unmount_pynqfs() {
	[ -r "$MNT/cards" ] && cat "$MNT/cards" >/dev/null
	ok $? "daemon still serving before unmount"
	fusermount3 -u "$MNT"
	ok $? "unmount"
	# Wait for the daemon's exit, when LeakSanitizer reports.
	i=0
	while [ -n "$DAEMON" ] && kill -0 "$DAEMON" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	! kill -0 "$DAEMON" 2>/dev/null
	ok $? "daemon exited after unmount"
	no_sanitizer_reports
}

# no_sanitizer_reports: the daemon left no ASan/UBSan/TSan report in $WORK.
no_sanitizer_reports() {
	if ls "$WORK"/asan.* >/dev/null 2>&1; then
		sed 's/^/# /' "$WORK"/asan.* | head -60
		ok 1 "daemon ran without sanitizer reports"
	else
		ok 0 "daemon ran without sanitizer reports"
	fi
}

# runner_pid: the daemon's first kernel runner, waiting up to 10 s for it
# to exist (a CU's worker starts it after `start` has returned).
runner_pid() {
	i=0
	while [ $i -lt 200 ]; do
		r=$(pgrep -P "$DAEMON" -f pynqfs-runner | head -1)
		[ -n "$r" ] && echo "$r" && return 0
		i=$((i + 1))
		sleep 0.05
	done
	return 1
}

# card_log_has PATTERN: the card's log names the reason.
card_log_has() {
	grep -q -- "$1" "$CARD/log"
	ok $? "log says: $1"
}

# dev_log_has PATTERN: the same, for what only a computing device logs.
dev_log_has() {
	grep -q -- "$1" "$CARD/log"
	ok_dev $? "log says: $1"
}

# A config file in $WORK from stdin.
write_conf() {
	CONF=$WORK/pynqfs.conf
	cat >"$CONF"
}

# hls_mount SOURCE KERNEL... [-- CONFIG-LINES]: build an HLS C++ SOURCE
# (tests/hls/) against include/ into one shared object, as each KERNEL.so of
# $WORK/kernels, and mount a sim card whose kernel path is that directory.
hls_mount() {
	src=$1
	shift
	mkdir -p "$WORK/kernels"
	g++ -shared -fPIC -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas -I"$PYNQFS_SRC/include" \
		-o "$WORK/kernels/hls.so" "$PYNQFS_SRC/tests/hls/$src" 2>"$WORK/cc.err"
	ok $? "g++ -shared -fPIC -O2 -I include $src ($(head -3 "$WORK/cc.err"))"
	for k in "$@"; do
		ln -sf hls.so "$WORK/kernels/$k.so"
	done
	write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$WORK/kernels" ]; run_timeout_ms = 60000; };
C
	mount_pynqfs -o config="$CONF"
}
