#!/bin/sh
# An xclbin in the shape of a Vitis sw_emu build (EMBEDDED_METADATA and
# clocks; no IP_LAYOUT, MEM_TOPOLOGY or CONNECTIVITY) loads on the sim
# card: compute units from the metadata, the platform's banks, any bank for
# any arg, each default said in the log; its kernel runs from the kernel
# path, or from the xclbin's BITSTREAM when that is an x86-64 shared object
# (the kernel path still wins).
. "$(dirname "$0")/../misc.sh"
ints() { perl -e 'print pack("l<*", @ARGV)' -- "$@"; }

$PYNQFS_XCLBIN pack --sw-emu "$PYNQFS_SRC/examples/designs/vadd.cfg" -o "$WORK/sw.xclbin"
ok $? "pynqfs-xclbin pack --sw-emu vadd.cfg"
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
mount_pynqfs -o config="$CONF"
cp "$WORK/sw.xclbin" "$CARD/overlay"
ok $? "the sw_emu-shaped xclbin loads"
card_log_has "overlay: no IP_LAYOUT: the compute units of EMBEDDED_METADATA; no MEM_TOPOLOGY: the memories of xilinx_u200_gen3x16_xdma_2_202110_1 (4 x 16 GiB DDR4, 3 x 128 KiB PLRAM); no CONNECTIVITY: any bank for any arg"
[ "$(ls "$CARD/banks" | tr '\n' ' ')" = "PLRAM0 PLRAM1 PLRAM2 bank0 bank1 bank2 bank3 " ] && [ "$(ls "$CARD/kernels")" = vadd_1 ]
ok $? "banks/ holds the U200's four banks and three PLRAMs, kernels/ vadd_1"
grep -q '^vadd_1 *: vadd(const int\* in1, const int\* in2, int\* out_r, unsigned int size)' "$CARD/summary"
ok $? "summary lists the compute unit"
# Any bank for any arg: in1 and in2 in one bank, out_r in another.
ints $(seq 1 1000) >"$CARD/banks/bank3/a"
ints $(seq 1001 2000) >"$CARD/banks/bank3/b"
truncate -s 4000 "$CARD/banks/bank0/c"
echo "banks/bank3/a banks/bank3/b banks/bank0/c 1000" >"$CARD/kernels/vadd_1/args" &&
	echo call >"$CARD/kernels/vadd_1/run"
grep -q '^done' "$CARD/kernels/vadd_1/run" &&
	[ "$(od -An -tu4 -v "$CARD/banks/bank0/c" | tr -s ' \n' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')" = "$(seq 1002 2 3000 | sort -u | tr '\n' ' ')" ]
ok $? "vadd computes, its buffers where the user put them ($(cat "$CARD/kernels/vadd_1/run"))"
# vadd1000 CUBE: run vadd on 1..1000 and 1001..2000, print c's distinct values.
vadd1000() {
	ints $(seq 1 1000) >"$CARD/banks/bank1/a" && ints $(seq 1001 2000) >"$CARD/banks/bank1/b" &&
		truncate -s 4000 "$CARD/banks/bank2/c" &&
		echo "banks/bank1/a banks/bank1/b banks/bank2/c 1000" >"$CARD/kernels/vadd_1/args" &&
		/bin/echo call >"$CARD/kernels/vadd_1/run" 2>/dev/null
	od -An -tu4 -v "$CARD/banks/bank2/c" | tr -s ' \n' '\n' | sed '/^$/d' | sort -u | tr '\n' ' '
}
unmount_pynqfs

# The kernels in BITSTREAM, as Vitis' sw_emu builds them: a shared object of
# the HLS C++ source, with nothing on the kernel path.
mkdir -p "$WORK/kernels" "$WORK/empty"
printf '#include <ap_int.h>\nextern "C" void vadd(const int *a, const int *b, int *c, unsigned int n) {\n#pragma HLS INTERFACE m_axi port = a\n\tfor (unsigned int i = 0; i < n; i++)\n\t\tc[i] = a[i] + b[i];\n}\n' |
	g++ -shared -fPIC -O2 -Wno-unknown-pragmas -I"$PYNQFS_SRC/include" -x c++ -o "$WORK/sw_vadd.so" - &&
	$PYNQFS_XCLBIN pack --sw-emu="$WORK/sw_vadd.so" "$PYNQFS_SRC/examples/designs/vadd.cfg" -o "$WORK/swb.xclbin"
ok $? "pynqfs-xclbin pack --sw-emu=sw_vadd.so: the kernels as BITSTREAM"
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; } );
sim = { kernel_path = [ "$WORK/empty" ]; };
C
mount_pynqfs -o config="$CONF"
cp "$WORK/swb.xclbin" "$CARD/overlay"
card_log_has "overlay: the xclbin's BITSTREAM is an x86-64 shared object ([0-9]* bytes): kernels not on sim.kernel_path run from it"
[ "$(vadd1000)" = "$(seq 1002 2 3000 | sort -u | tr '\n' ' ')" ]
ok $? "vadd runs from the xclbin's own shared object, kernel path empty ($(cat "$CARD/kernels/vadd_1/run"))"
unmount_pynqfs

# The kernel path wins: a vadd.so there (subtracting) runs instead.
printf 'void vadd(const int *a, const int *b, int *c, unsigned int n)\n{\n\tfor (unsigned int i = 0; i < n; i++)\n\t\tc[i] = b[i] - a[i];\n}\n' |
	cc -shared -fPIC -O2 -x c -o "$WORK/kernels/vadd.so" -
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; } );
sim = { kernel_path = [ "$WORK/kernels" ]; };
C
mount_pynqfs -o config="$CONF"
cp "$WORK/swb.xclbin" "$CARD/overlay"
[ "$(vadd1000)" = "1000 " ]
ok $? "with vadd.so on the kernel path, that one runs (b - a: 1000 each)"
unmount_pynqfs

# No MEM_TOPOLOGY and a platform pynqfs doesn't know: refused (EINVAL), named.
sed 's/^shell = .*/shell = "acme_board_1";/' "$PYNQFS_SRC/examples/designs/vadd.cfg" >"$WORK/acme.cfg"
$PYNQFS_XCLBIN pack --sw-emu "$WORK/acme.cfg" -o "$WORK/acme.xclbin"
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
C
mount_pynqfs -o config="$CONF"
out=$(cp "$WORK/acme.xclbin" "$CARD/overlay" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "$(errno_text EINVAL)" && [ "$(cat "$CARD/state")" = empty ]
ok $? "an unknown platform without MEM_TOPOLOGY: EINVAL, nothing loaded ($out)"
card_log_has "no MEM_TOPOLOGY, and acme_board_1 is not a platform pynqfs knows the memories of: nowhere to put buffers"
unmount_pynqfs

# A BITSTREAM that is no shared object (a card's bitstream) means nothing to the sim.
head -c 4096 /dev/urandom >"$WORK/noise"
$PYNQFS_XCLBIN pack --sw-emu="$WORK/noise" "$PYNQFS_SRC/examples/designs/vadd.cfg" -o "$WORK/swn.xclbin"
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; } );
sim = { kernel_path = [ "$WORK/empty" ]; };
C
mount_pynqfs -o config="$CONF"
cp "$WORK/swn.xclbin" "$CARD/overlay"
vadd1000 >/dev/null
grep -q '^error no vadd.so on the kernel path' "$CARD/kernels/vadd_1/run" &&
	! grep -q "BITSTREAM is an x86-64" "$CARD/log"
ok $? "a BITSTREAM of other bytes is left alone: $(cat "$CARD/kernels/vadd_1/run")"
unmount_pynqfs
done_testing
