#!/bin/sh
# A Vitis project built as a Vitis Makefile builds it (make VPP=pynqfs-vpp:
# $(VPP) -c each kernel, -l with its .cfg, -p), then run on sim cards with
# nothing on the kernel path: vadd on two named CUs whose ports connect by
# arg and by bundle to DDR[n], bankN and PLRAM; a kernel with C++ linkage,
# a helper in a second source and a T& output, on a U280 with an arg over
# HBM[0:3]; three stream kernels (a free-running stage between) joined by
# stream_connect with a depth. Results checked element by element.
. "$(dirname "$0")/../misc.sh"
VPP=$PYNQFS_BUILD/pynqfs-vpp
[ -x "$VPP" ] || { echo "1..0 # SKIP no pynqfs-vpp in this build (libclang-dev missing)"; exit 0; }
ints() { perl -e 'print pack("l<*", @ARGV)' -- "$@"; }
floats() { perl -e 'print pack("f<*", @ARGV)' -- "$@"; }
words() { od -An -t"$1" -v "$2" | tr -s ' \n' '\n' | sed '/^$/d' | tr '\n' ' '; }

cp -r "$PYNQFS_SRC/examples/vitis" "$WORK/project"
make -C "$WORK/project" VPP="$VPP" >"$WORK/make.log" 2>&1
ok $? "make VPP=pynqfs-vpp builds the project ($(grep -m1 error "$WORK/make.log"))"
P=$WORK/project
for f in vadd stream hbm; do
	[ -s "$P/$f.xclbin" ] && [ -s "$P/$f.link.xclbin" ]
	ok $? "$f.link.xclbin (-l) and $f.xclbin (-p) are there"
done
[ -d "$P/package.sw_emu" ] && [ -s "$P/_x.sw_emu/krnl_vadd.xo" ] && [ -s "$P/_x.sw_emu/kernels.so" ]
ok $? "--package.out_dir made; .xo files and intermediate files in --temp_dir"

# What pynqfs-xclbin inspect (a card's summary) says of them.
$PYNQFS_XCLBIN inspect "$P/vadd.xclbin" >"$WORK/vadd.txt"
ok $? "pynqfs-xclbin inspect vadd.xclbin"
grep -q '^vadd_a *: krnl_vadd(const unsigned int \* in1, const unsigned int \* in2, unsigned int \* out, int size)' "$WORK/vadd.txt" &&
	grep -q '^vadd_b *: krnl_vadd' "$WORK/vadd.txt" && grep -q '^shell: xilinx_u200_gen3x16_xdma_2_202110_1' "$WORK/vadd.txt"
ok $? "two CUs named by nk, the signature read from the source, the platform from the .cfg"
[ "$(sed -n '/^Memories/,/^Streams/p' "$WORK/vadd.txt" | grep -c ': Memory')" = 4 ] &&
	grep -q '^PLRAM1 *: Memory 128 KiB' "$WORK/vadd.txt" && ! grep -q '^bank3' "$WORK/vadd.txt"
ok $? "the memories the ports connect to are the used ones: bank0..2, PLRAM1"
$PYNQFS_XCLBIN inspect "$P/stream.xclbin" >"$WORK/stream.txt"
grep -q '^dc_0 *: Stream' "$WORK/stream.txt" && grep -q '^dc_1 *: Stream' "$WORK/stream.txt" &&
	grep -q '^sink *: krnl_sink(stream in, int \* out)' "$WORK/stream.txt"
ok $? "stream.xclbin: two K2K streams, the sink named by nk"
$PYNQFS_XCLBIN inspect "$P/_x.sw_emu/krnl_mul.xo" >/dev/null
ok $? "pynqfs-xclbin inspect reads an .xo too"

mkdir "$WORK/empty"
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; },
          { backend = "sim"; name = "xilinx_u280_gen3x16_xdma_1_202211_1"; } );
sim = { kernel_path = [ "$WORK/empty" ]; run_timeout_ms = 60000; };
C
mount_pynqfs -o config="$CONF"

# vadd: vadd_a's in1 in DDR[0] (bank0), in2 by its bundle in DDR[1], out in PLRAM[1].
cp "$P/vadd.xclbin" "$CARD/overlay"
ok $? "vadd.xclbin loads on the U200 card, no kernel path"
B=$CARD/banks
ints $(seq 0 999) >"$B/bank0/a" && ints $(seq 1000 1999) >"$B/bank1/b" && truncate -s 4000 "$B/PLRAM1/c" &&
	echo "banks/bank0/a banks/bank1/b banks/PLRAM1/c 1000" >"$CARD/kernels/vadd_a/args" &&
	echo call >"$CARD/kernels/vadd_a/run"
[ "$(words u4 "$B/PLRAM1/c")" = "$(seq 1000 2 2998 | tr '\n' ' ')" ]
ok $? "vadd_a adds, element by element ($(cat "$CARD/kernels/vadd_a/run"))"
/bin/echo "banks/bank1/b banks/bank1/b banks/PLRAM1/c 1000" >"$CARD/kernels/vadd_a/args" 2>/dev/null
[ $? -ne 0 ]
ok $? "in1 of vadd_a in bank1 is refused: sp put it in DDR[0]"
card_log_has "in1: banks/bank1/b is in bank1, but port m_axi_gmem0 connects to bank0"
# vadd_b: both its gmem0 ports (in1, out) in bank2 by one sp; in2 in the
# U200's default memory, bank1 (DDR[1]).
ints $(seq 1 1000) >"$B/bank2/a" && ints $(seq 1 1000) >"$B/bank1/b2" && truncate -s 4000 "$B/bank2/c" &&
	echo "banks/bank2/a banks/bank1/b2 banks/bank2/c 1000" >"$CARD/kernels/vadd_b/args" &&
	echo call >"$CARD/kernels/vadd_b/run"
[ "$(words u4 "$B/bank2/c")" = "$(seq 2 2 2000 | tr '\n' ' ')" ]
ok $? "vadd_b: sp by port (m_axi_gmem0) connects in1 and out; in2 in the default bank1 ($(cat "$CARD/kernels/vadd_b/run"))"
grep -q "xclbin's BITSTREAM is an x86-64 shared object" "$CARD/log"
ok $? "the kernels ran from the xclbin's own shared object"
rm -f "$B"/*/*

# Streams: source -> triple (free-running, depth 64 FIFO before it) -> sink.
cp "$P/stream.xclbin" "$CARD/overlay"
ok $? "stream.xclbin loads"
[ "$(cat "$CARD/streams/dc_0")" = "source=krnl_source_1.out sink=krnl_triple_1.in" ] &&
	[ "$(cat "$CARD/streams/dc_1")" = "source=krnl_triple_1.out sink=sink.in" ]
ok $? "streams/ names both connections"
ints $(seq -500 1499) >"$B/bank1/in" && truncate -s 8004 "$B/bank1/out" &&
	echo "banks/bank1/out" >"$CARD/kernels/sink/args" && echo start >"$CARD/kernels/sink/run" &&
	echo "banks/bank1/in 2000" >"$CARD/kernels/krnl_source_1/args" &&
	echo call >"$CARD/kernels/krnl_source_1/run" && echo wait >"$CARD/kernels/sink/run"
[ "$(words d4 "$B/bank1/out")" = "2000 $(seq -1500 3 4497 | tr '\n' ' ')" ]
ok $? "2000 elements through the pipeline, each times FACTOR (-DFACTOR=3 in the Makefile), TLAST kept ($(cat "$CARD/kernels/sink/run"))"
rm -f "$B"/*/*

# HBM: krnl_mul on the U280 card; a over HBM[0:3] takes any of those four.
C1=$MNT/card1
cp "$P/hbm.xclbin" "$C1/overlay"
ok $? "hbm.xclbin loads on the U280 card"
for ch in 0 3; do
	floats $(seq 1 100) >"$C1/banks/HBM$ch/a" && truncate -s 400 "$C1/banks/HBM4/o" &&
		echo "banks/HBM$ch/a banks/HBM4/o 2.0 100 0" >"$C1/kernels/krnl_mul_1/args" &&
		echo call >"$C1/kernels/krnl_mul_1/run"
	[ "$(words f4 "$C1/banks/HBM4/o" | tr -s ' ' '\n' | sed '/^$/d' | awk '{printf "%g ", $1}')" = "$(seq 1 100 | awk '{printf "%g ", $1 * 2 + 0.5}')" ]
	ok $? "a in HBM$ch (within HBM[0:3]): out = a * 2 + 0.5, element by element"
done
grep -q '^count=100$' "$C1/kernels/krnl_mul_1/args"
ok $? "the T& output count reads back 100 ($(grep count "$C1/kernels/krnl_mul_1/args"))"
[ "$(ls "$C1/banks" | tr '\n' ' ')" = "HBM0 HBM1 HBM2 HBM3 HBM4 " ]
ok $? "the U280 card shows the five HBM channels the design connects, no others"
floats 1 >"$C1/banks/HBM4/a"
/bin/echo "banks/HBM4/a banks/HBM4/o 2.0 1 0" >"$C1/kernels/krnl_mul_1/args" 2>/dev/null
[ $? -ne 0 ]
ok $? "a in HBM4, outside HBM[0:3], is refused"
CARD=$C1 card_log_has "a: banks/HBM4/a is in HBM4, but port m_axi_gmem connects to HBM0..HBM3"
unmount_pynqfs

# XRT's own loader takes what pynqfs-vpp writes: the xclbins on an xrt card
# through XRT's noop shim (no data moves there; the load is the check).
if grep -q PYNQFS_HAVE_XRT "$PYNQFS_BUILD/build.ninja"; then
	write_conf <<C
cards = ( { backend = "xrt"; device = 0; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
xrt = { emulation = "noop"; };
C
	mount_pynqfs -o config="$CONF"
	for f in vadd stream hbm; do
		cp "$P/$f.xclbin" "$CARD/overlay" && [ "$(cat "$CARD/state")" != empty ]
		ok $? "XRT loads $f.xclbin ($(tail -1 "$CARD/log"))"
		: >"$CARD/overlay"
	done
	unmount_pynqfs
else
	for f in vadd stream hbm; do
		skip "this build has no XRT" "XRT loads $f.xclbin"
	done
fi
no_sanitizer_reports
done_testing
