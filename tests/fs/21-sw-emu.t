#!/bin/sh
# An xclbin in the shape of a Vitis sw_emu build (EMBEDDED_METADATA and
# clocks; no IP_LAYOUT, MEM_TOPOLOGY or CONNECTIVITY) loads on the sim
# card: compute units from the metadata, the platform's banks, any bank for
# any arg, each default said in the log; its kernel runs from the kernel
# path and computes.
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
card_log_has "overlay: no IP_LAYOUT: the compute units of EMBEDDED_METADATA; no MEM_TOPOLOGY: the memories of xilinx_u200_gen3x16_xdma_2_202110_1 (4 x 16 GiB DDR4); no CONNECTIVITY: any bank for any arg"
[ "$(ls "$CARD/banks" | tr '\n' ' ')" = "bank0 bank1 bank2 bank3 " ] && [ "$(ls "$CARD/kernels")" = vadd_1 ]
ok $? "banks/ holds the U200's four banks, kernels/ vadd_1"
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
unmount_pynqfs
done_testing
