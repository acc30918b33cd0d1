#!/bin/sh
# meson install puts everything where it belongs: binaries, the runner, the
# sim's kernels, example designs, the config, man pages and the mount helper.
# The man pages render, and the installed pynqfs mounts through
# `mount -t fuse.pynqfs` and through an fstab line.
. "$(dirname "$0")/../misc.sh"

DEST=$WORK/dest
meson install -C "$PYNQFS_BUILD" --destdir "$DEST" --quiet >"$WORK/install.log" 2>&1
ok $? "meson install --destdir $DEST"
opt() { # the build's value of a directory option, absolute
	meson introspect "$PYNQFS_BUILD" --buildoptions | perl -MJSON::PP -e '
		my %o = map { $_->{name} => $_->{value} } @{ decode_json(join "", <STDIN>) };
		my $v = $o{$ARGV[0]}; print $v =~ m{^/} ? $v : "$o{prefix}/$v"' "$1"
}
prefix=$(opt prefix)
for f in "$(opt bindir)/pynqfs" "$(opt bindir)/pynqfs-xclbin" "$(opt libexecdir)/pynqfs-runner" \
	"$(opt libdir)/pynqfs/kernels/vadd.so" "$(opt datadir)/pynqfs/designs/vadd.xclbin" \
	"$(opt sysconfdir)/pynqfs/pynqfs.conf" "$(opt mandir)/man1/pynqfs.1" \
	"$(opt mandir)/man7/pynqfs-tree.7" "$(opt datadir)/pynqfs/slurm/prolog" \
	"$(opt datadir)/pynqfs/slurm/pynqfs-slurm.sh" "$(opt includedir)/hls_stream.h"; do
	[ -s "$DEST$f" ]
	ok $? "installed: $f"
done
[ "$(readlink "$DEST/sbin/mount.fuse.pynqfs")" = "$(opt bindir)/pynqfs" ]
ok $? "installed: /sbin/mount.fuse.pynqfs -> $(opt bindir)/pynqfs"
# The Python package, where meson's python3 takes packages.
[ -n "$(find "$DEST" -path '*/pynqfs/overlay.py' 2>/dev/null)" ]
ok $? "installed: the Python package pynqfs ($(find "$DEST" -path '*/pynqfs/__init__.py' | head -1))"
# pynqfs-vpp comes with libclang; with it, its man page and a design it built.
if [ -x "$PYNQFS_BUILD/pynqfs-vpp" ]; then
	for f in "$(opt bindir)/pynqfs-vpp" "$(opt mandir)/man1/pynqfs-vpp.1" \
		"$(opt datadir)/pynqfs/designs/vitis_vadd.xclbin"; do
		[ -s "$DEST$f" ]
		ok $? "installed: $f"
	done
	PYNQFS_INCLUDE=$DEST$(opt includedir) "$DEST$(opt bindir)/pynqfs-vpp" -c -t sw_emu \
		--platform xilinx_u200_gen3x16_xdma_2_202110_1 -k krnl_source -DFACTOR=2 -o "$WORK/k.xo" \
		"$PYNQFS_SRC/examples/vitis/src/krnl_stream.cpp" >/dev/null 2>"$WORK/vpp.err"
	ok $? "the installed pynqfs-vpp builds an HLS stream kernel against the installed headers $(head -3 "$WORK/vpp.err")"
	pages="man1/pynqfs.1 man7/pynqfs-tree.7 man1/pynqfs-vpp.1"
else
	pages="man1/pynqfs.1 man7/pynqfs-tree.7"
fi
for page in $pages; do
	MANWIDTH=80 man -l "$DEST$(opt mandir)/$page" >"$WORK/page" 2>"$WORK/page.err"
	[ $? -eq 0 ] && [ ! -s "$WORK/page.err" ] && grep -q '^NAME' "$WORK/page" &&
		grep -q '^SEE ALSO' "$WORK/page"
	ok $? "man -l $page renders, without warnings $(head -3 "$WORK/page.err")"
done
MANWIDTH=80 man -l "$DEST$(opt mandir)/man1/pynqfs.1" 2>/dev/null | grep -q -- '-o config=file'
ok $? "pynqfs(1) documents -o config"

# Stream kernel models build against the installed header alone, from C and C++.
inc=$DEST$(opt includedir)
[ -s "$inc/pynq_stream.h" ] &&
	cc -shared -fPIC -O2 -Wall -Wextra -Werror -I"$inc" -o "$WORK/mm2s.so" \
		"$PYNQFS_SRC/examples/kernels/mm2s.c" &&
	nm -D --defined-only "$WORK/mm2s.so" | grep -q ' T mm2s$'
ok $? "a stream kernel model compiles against the installed pynq_stream.h, nothing to link"
printf '#include <pynq_stream.h>\nextern "C" void k(pynq_stream *s) { pynq_stream_write_u32(s, pynq_stream_read_u32(s, 0) + 1, true); }\n' |
	c++ -shared -fPIC -O2 -Wall -Werror -I"$inc" -x c++ -o "$WORK/k.so" - 2>"$WORK/cxx.err"
ok $? "and from C++ ($(head -3 "$WORK/cxx.err"))"
printf '#include <ap_int.h>\nextern "C" void k(const ap_uint<512> *in, ap_uint<512> *out, int n) {\n#pragma HLS INTERFACE m_axi port = in\n\tfor (int i = 0; i < n; i++) {\n#pragma HLS PIPELINE II = 1\n\t\tout[i] = in[i] + 1;\n\t}\n}\n' |
	c++ -shared -fPIC -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas -I"$inc" -x c++ \
		-o "$WORK/hls.so" - 2>"$WORK/hls.err"
ok $? "an HLS kernel source (ap_uint<512>, pragmas) compiles against the installed ap_int.h ($(head -3 "$WORK/hls.err"))"
c++ -shared -fPIC -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas -I"$inc" -o "$WORK/fixed.so" \
	"$PYNQFS_SRC/tests/hls/mailbox_hls.cpp" 2>"$WORK/fixed.err"
ok $? "HLS kernels on ap_fixed and hls::vector arrays compile against the installed headers ($(head -3 "$WORK/fixed.err"))"
c++ -shared -fPIC -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas -I"$inc" -o "$WORK/streams.so" \
	"$PYNQFS_SRC/tests/hls/streams_hls.cpp" 2>"$WORK/streams.err"
ok $? "HLS stream kernels (hls_stream.h, ap_axi_sdata.h) compile against the installed headers ($(head -3 "$WORK/streams.err"))"
# mount(8) runs /sbin/mount.fuse.pynqfs for type fuse.pynqfs. Point one at
# the installed binary for this test, unless pynqfs is installed for real.
HELPER=/sbin/mount.fuse.pynqfs
if [ -e "$HELPER" ] || [ -L "$HELPER" ]; then
	skip "$HELPER exists (pynqfs is installed here): not replaced" "mount -t fuse.pynqfs"
	done_testing
	exit
fi
ln -s "$DEST$(opt bindir)/pynqfs" "$HELPER"
trap 'rm -f "$HELPER"; cleanup' EXIT
CONFIG=$DEST$(opt sysconfdir)/pynqfs/pynqfs.conf
mount -t fuse.pynqfs pynqfs "$MNT" -o config="$CONFIG" 2>"$WORK/stderr"
ok $? "mount -t fuse.pynqfs pynqfs MNT -o config=<installed pynqfs.conf>"
DAEMON=$(pgrep -n -f "pynqfs pynqfs $MNT")
cp "$DEST$(opt datadir)/pynqfs/designs/vadd.xclbin" "$CARD/overlay" && [ "$(cat "$CARD/state")" = ready ]
ok $? "the installed design loads on the installed config's card"
: >"$CARD/overlay"
unmount_pynqfs
echo "pynqfs $MNT fuse.pynqfs noauto,config=$CONFIG 0 0" >"$WORK/fstab"
mount -T "$WORK/fstab" "$MNT" 2>"$WORK/stderr"
ok $? "an fstab line of type fuse.pynqfs mounts it"
DAEMON=$(pgrep -n -f "pynqfs pynqfs $MNT")
grep -q "^card0 xilinx_u200_gen3x16_xdma_2_202110_1 sim$" "$MNT/cards"
ok $? "... with the installed config's card"
unmount_pynqfs
done_testing
