#!/bin/sh
# Where the build looks for XRT: $XILINX_XRT first, then AMD's packages in
# /opt/xilinx/xrt, then Debian's. With no /usr/include/xrt at all (a mount
# namespace in which /usr/include holds everything else), meson setup
# still succeeds, without the xrt backend, for -Dxrt=disabled and auto,
# and -Dxrt=enabled says what it looked for.
. "$(dirname "$0")/../misc.sh"

if ! unshare -m true 2>/dev/null; then
	echo "1..0 # SKIP no mount namespaces here (unshare -m)"
	exit 0
fi
mkdir "$WORK/orig"
hidden() { # hidden CMD...: CMD with no /usr/include/xrt
	unshare -m sh -c '
		mount --bind /usr/include "$0" && mount -t tmpfs tmpfs /usr/include || exit 1
		for e in "$0"/*; do
			[ "${e##*/}" = xrt ] || ln -s "$e" "/usr/include/${e##*/}" || exit 1
		done
		exec "$@"' "$WORK/orig" "$@"
}
setup() { # setup DIR OPTIONS...
	d=$1
	shift
	meson setup "$WORK/$d" "$PYNQFS_SRC" "$@" >"$WORK/$d.log" 2>&1
}

hidden env -u XILINX_XRT sh -c "$(command -v meson) setup '$WORK/off' '$PYNQFS_SRC' -Dxrt=disabled >'$WORK/off.log' 2>&1"
ok $? "no /usr/include/xrt, -Dxrt=disabled: meson setup succeeds ($(grep -m1 -i error "$WORK/off.log"))"
! grep -q PYNQFS_HAVE_XRT "$WORK/off/build.ninja"
ok $? "and builds no xrt backend"
hidden env -u XILINX_XRT sh -c "$(command -v meson) setup '$WORK/auto' '$PYNQFS_SRC' >'$WORK/auto.log' 2>&1"
ok $? "no /usr/include/xrt, -Dxrt=auto: meson setup succeeds"
! grep -q PYNQFS_HAVE_XRT "$WORK/auto/build.ninja"
ok $? "without the xrt backend"
hidden env -u XILINX_XRT sh -c "$(command -v meson) setup '$WORK/on' '$PYNQFS_SRC' -Dxrt=enabled >'$WORK/on.log' 2>&1"
[ $? -ne 0 ] && grep -q "no XRT (headers and libxrt_coreutil) in \$XILINX_XRT, /opt/xilinx/xrt or Debian's libxrt-dev" "$WORK/on.log"
ok $? "-Dxrt=enabled without XRT fails, saying where it looked"

# $XILINX_XRT wins: an XRT root of its own (Debian's files, linked).
if [ -e /usr/include/xrt/xrt/xrt_kernel.h ]; then
	lib=$(ls /usr/lib/*/libxrt_coreutil.so 2>/dev/null | head -1)
	mkdir -p "$WORK/xrt/include" "$WORK/xrt/lib"
	ln -s /usr/include/xrt/xrt "$WORK/xrt/include/xrt"
	ln -s "$lib" "$WORK/xrt/lib/libxrt_coreutil.so"
	XILINX_XRT=$WORK/xrt setup env
	ok $? "XILINX_XRT=an XRT root: meson setup succeeds"
	grep -q "$WORK/xrt/include" "$WORK/env/build.ninja" && grep -q "rpath,$WORK/xrt/lib" "$WORK/env/build.ninja"
	ok $? "and builds against that root's headers, with its lib directory as rpath"
else
	skip "Debian's libxrt-dev is not installed" "XILINX_XRT=an XRT root: meson setup succeeds"
	skip "Debian's libxrt-dev is not installed" "and builds against that root"
fi
done_testing
