#!/bin/sh
# stream_connect=a.out:b.in:DEPTH: the sim's FIFO between them holds DEPTH
# elements, as the AXI4-Stream FIFO v++ puts there does. A source that
# writes 64 elements into a depth-64 FIFO nobody reads finishes; 65 can't,
# and its run times out naming the stream. Without a depth, 1024.
. "$(dirname "$0")/../misc.sh"
VPP=$PYNQFS_BUILD/pynqfs-vpp
[ -x "$VPP" ] || { echo "1..0 # SKIP no pynqfs-vpp in this build (libclang-dev missing)"; exit 0; }
ints() { perl -e 'print pack("l<*", @ARGV)' -- "$@"; }
U200=xilinx_u200_gen3x16_xdma_2_202110_1
SRC=$PYNQFS_SRC/examples/vitis/src/krnl_stream.cpp
CFLAGS=-DFACTOR=3
cd "$WORK" || exit 1

for k in source sink; do
	"$VPP" -c -t sw_emu --platform $U200 -k krnl_$k $CFLAGS -o $k.xo "$SRC" >/dev/null || exit 1
done
"$VPP" -l -t sw_emu --platform $U200 --connectivity.stream_connect krnl_source_1.out:krnl_sink_1.in:64 \
	-o d64.xclbin source.xo sink.xo >/dev/null &&
	"$VPP" -l -t sw_emu --platform $U200 --connectivity.sc krnl_source_1.out:krnl_sink_1.in \
		-o dflt.xclbin source.xo sink.xo >/dev/null
ok $? "linked with depth 64 (--connectivity.stream_connect) and with none (--connectivity.sc)"

mkdir "$WORK/empty"
write_conf <<C
cards = ( { backend = "sim"; name = "$U200"; } );
sim = { kernel_path = [ "$WORK/empty" ]; run_timeout_ms = 4000; };
C
mount_pynqfs -o config="$CONF"
B=$CARD/banks/bank1
K=$CARD/kernels

cp d64.xclbin "$CARD/overlay"
ints $(seq 1 100) >"$B/in" && truncate -s 404 "$B/out"
echo "banks/bank1/in 64" >"$K/krnl_source_1/args" && echo call >"$K/krnl_source_1/run"
grep -q '^done' "$K/krnl_source_1/run"
ok $? "64 elements into the depth-64 FIFO, no reader: the source finishes ($(cat "$K/krnl_source_1/run"))"
echo "banks/bank1/out" >"$K/krnl_sink_1/args" && echo call >"$K/krnl_sink_1/run"
[ "$(od -An -td4 -N8 "$B/out" | tr -s ' ')" = " 64 1" ]
ok $? "the sink then reads all 64 (count, first): $(od -An -td4 -N8 "$B/out")"
echo "banks/bank1/in 65" >"$K/krnl_source_1/args"
/bin/echo call >"$K/krnl_source_1/run" 2>/dev/null
grep -q 'ran past run_timeout_ms' "$K/krnl_source_1/run"
ok $? "65 elements with no reader: the run times out ($(cat "$K/krnl_source_1/run"))"
card_log_has "stream dc_0 (krnl_source_1.out -> krnl_sink_1.in) stopped after 128 elements: out waited to write more, the FIFO full"
rm -f "$B"/* && : >"$CARD/overlay"

cp dflt.xclbin "$CARD/overlay"
ints $(seq 1 100) >"$B/in"
echo "banks/bank1/in 100" >"$K/krnl_source_1/args" && echo call >"$K/krnl_source_1/run"
grep -q '^done' "$K/krnl_source_1/run"
ok $? "with no depth given, 100 elements fit (the sim's 1024) ($(cat "$K/krnl_source_1/run"))"
rm -f "$B"/*
unmount_pynqfs
no_sanitizer_reports
done_testing
