#!/bin/sh
# pynqfs-vpp's errors, as a v++ user expects them: FILE:LINE for config
# mistakes (an unknown CU, a bank the platform lacks, a stream between two
# outputs, ...), the compiler's own diagnostics for source errors, the
# pragma's line for an interface the sim can't give; exit status 1 and
# nothing written.
. "$(dirname "$0")/../misc.sh"
VPP=$PYNQFS_BUILD/pynqfs-vpp
[ -x "$VPP" ] || { echo "1..0 # SKIP no pynqfs-vpp in this build (libclang-dev missing)"; exit 0; }
U200=xilinx_u200_gen3x16_xdma_2_202110_1
SRC=$PYNQFS_SRC/examples/vitis/src
cd "$WORK" || exit 1

# vpp_fails PATTERN ARGS...: pynqfs-vpp ARGS exits 1 and says PATTERN.
vpp_fails() {
	pat=$1
	shift
	"$VPP" "$@" >"$WORK/out" 2>"$WORK/err"
	st=$?
	[ $st -eq 1 ] && grep -q -- "$pat" "$WORK/err"
	ok $? "pynqfs-vpp ${*##*/}: exit $st, says: $pat ($(head -c 300 "$WORK/err" | tr '\n' ' '))"
}

"$VPP" -c -t sw_emu --platform $U200 -k krnl_vadd -o vadd.xo "$SRC/krnl_vadd.cpp" >/dev/null &&
	"$VPP" -c -t sw_emu --platform $U200 -k krnl_source -D FACTOR=3 -o source.xo "$SRC/krnl_stream.cpp" >/dev/null &&
	"$VPP" -c -t sw_emu --platform $U200 -k krnl_sink --define FACTOR=3 -o sink.xo "$SRC/krnl_stream.cpp" >/dev/null
ok $? "three kernels compile"

# Config mistakes, each with its file and line.
link_cfg() {
	pat=$1
	printf '%s\n' "$2" >"$WORK/bad.cfg"
	shift 2
	vpp_fails "$pat" -l -t sw_emu --platform $U200 --config "$WORK/bad.cfg" -o bad.xclbin "$@"
	[ ! -e bad.xclbin ]
	ok $? "nothing written"
}
link_cfg "bad.cfg:3: no compute unit vadd_9" "[connectivity]
# a comment
sp=vadd_9.in1:DDR[0]" vadd.xo
link_cfg "bad.cfg:2: xilinx_u200_gen3x16_xdma_2_202110_1 has no HBM\[0\] (its memories: bank0..bank3, PLRAM\[0\]..PLRAM\[2\])" "[connectivity]
sp=krnl_vadd_1.in1:HBM[0:3]" vadd.xo
link_cfg "bad.cfg:2: 'DDR\[7\]' is not a memory\|bad.cfg:2: .* has no DDR\[7\]" "[connectivity]
sp=krnl_vadd_1.in1:DDR[7]" vadd.xo
link_cfg "bad.cfg:2: sp: krnl_vadd_1 has no argument or port m_axi_gmem9" "[connectivity]
sp=krnl_vadd_1.m_axi_gmem9:DDR[0]" vadd.xo
link_cfg "bad.cfg:2: krnl_sink_1.in is an input stream: a stream goes from an output (first) to an input (second)" "[connectivity]
stream_connect=krnl_sink_1.in:krnl_source_1.out" source.xo sink.xo
link_cfg "bad.cfg:2: krnl_source_1.out is an output stream" "[connectivity]
stream_connect=krnl_source_1.out:krnl_source_1.out" source.xo sink.xo
link_cfg "krnl_sink_1.in is a stream connected to nothing: add stream_connect=CU.PORT:krnl_sink_1.in" "[connectivity]" source.xo sink.xo
link_cfg "bad.cfg:2: stream_connect=krnl_source_1.out:krnl_sink_1.in:0: the depth is a number of elements" "[connectivity]
stream_connect=krnl_source_1.out:krnl_sink_1.in:0" source.xo sink.xo
link_cfg "bad.cfg:2: nk=vadd:2: no kernel vadd in the .xo files" "[connectivity]
nk=vadd:2" vadd.xo
link_cfg "bad.cfg:2: nk=krnl_vadd:2:a.b.c: more names than 2 compute units" "[connectivity]
nk=krnl_vadd:2:a.b.c" vadd.xo
link_cfg "bad.cfg:2: sp: krnl_vadd_1.size is a scalar: sp connects memory ports" "[connectivity]
sp=krnl_vadd_1.size:DDR[0]" vadd.xo
link_cfg "bad.cfg:2: \[connectivity\] connect: pynqfs-vpp knows nk, sp, stream_connect (sc) and slr" "[connectivity]
connect=a:b" vadd.xo
link_cfg "bad.cfg:2: 'sp' is not key=value" "[connectivity]
sp" vadd.xo
# The same mistakes on the command line name the option.
vpp_fails "\-\-connectivity.sp: no compute unit nope" -l -t sw_emu --platform $U200 --connectivity.sp nope.in1:DDR[0] -o bad.xclbin vadd.xo
vpp_fails "\-\-platform: acme_board_1 is not a platform pynqfs knows the memories of" -l -t sw_emu --platform acme_board_1 -o bad.xclbin vadd.xo
vpp_fails "kernel krnl_vadd is in two .xo files" -l -t sw_emu --platform $U200 -o bad.xclbin vadd.xo vadd.xo
printf 'PK\003\004not really a zip' >vitis.xo
vpp_fails "vitis.xo is a Vitis .xo (a zip of RTL)" -l -t sw_emu --platform $U200 -o bad.xclbin vitis.xo
vpp_fails "carries no kernels" -p -t sw_emu --platform $U200 -o bad.xclbin "$DESIGNS/vadd.xclbin"

# Source mistakes: the compiler's own diagnostics, the pragma's line.
printf 'extern "C" void k(int *a) {\n\ta[0] = b;\n}\n' >broken.cpp
vpp_fails "broken.cpp:2:[0-9]*: error: .b. was not declared" -c -t sw_emu --platform $U200 -k k -o k.xo broken.cpp
[ ! -e k.xo ]
ok $? "no .xo written"
printf 'extern "C" void k(int *a, int n) {\n#pragma HLS INTERFACE m_axi port = a\n#pragma HLS INTERFACE m_axi port = nn\n\ta[0] = n;\n}\n' >pragma.cpp
vpp_fails "pragma.cpp:3: INTERFACE m_axi port=nn: k has no argument nn" -c -t sw_emu --platform $U200 -k k -o k.xo pragma.cpp
printf 'extern "C" void k(int *a, int n) {\n#pragma HLS INTERFACE bram port = a\n\ta[0] = n;\n}\n' >bram.cpp
vpp_fails "bram.cpp:2: INTERFACE bram: the sim knows m_axi, axis, s_axilite" -c -t sw_emu --platform $U200 -k k -o k.xo bram.cpp
printf '#include <hls_stream.h>\nextern "C" void k(hls::stream<int> &s, int *a) {\n\ta[0] = s.read();\n\ts.write(1);\n}\n' >both.cpp
vpp_fails "stream s is both read and written: an axis port is read or written, not both" -c -t sw_emu --platform $U200 -k k -o k.xo both.cpp
printf 'struct big { int x[4]; };\nextern "C" void k(big b, int *a) {\n\ta[0] = b.x[0];\n}\n' >struct.cpp
vpp_fails "arg b: the sim cannot pass type 'big'" -c -t sw_emu --platform $U200 -k k -o k.xo struct.cpp
vpp_fails "arg out: a pynq_stream \* is the sim's C form of a stream" -c -t sw_emu --platform $U200 -k mm2s \
	-I "$PYNQFS_SRC/include" -o k.xo "$PYNQFS_SRC/examples/kernels/mm2s.c"
vpp_fails "no function krnl_nope is defined here" -c -t sw_emu --platform $U200 -k krnl_nope -o k.xo "$SRC/krnl_vadd.cpp"
vpp_fails "the targets are sw_emu, hw_emu and hw" -c -t fpga --platform $U200 -k krnl_vadd -o k.xo "$SRC/krnl_vadd.cpp"
vpp_fails "unknown option --frobnicate" -c --frobnicate -k krnl_vadd -o k.xo "$SRC/krnl_vadd.cpp"
vpp_fails "platform names the platform" -c -t sw_emu -k krnl_vadd -o k.xo "$SRC/krnl_vadd.cpp"

# Hardware options are accepted and said to be ignored; an .xpfm names its platform.
mkdir -p pf/xilinx_u250_gen3x16_xdma_4_1_202210_1
printf '<?xml version="1.0"?>\n<sdx:platform xmlns:sdx="http://www.xilinx.com/sdx" sdx:vendor="xilinx.com" sdx:name="xilinx_u250_gen3x16_xdma_4_1_202210_1"/>\n' \
	>pf/xilinx_u250_gen3x16_xdma_4_1_202210_1/u250.xpfm
"$VPP" -c -t hw --platform pf/xilinx_u250_gen3x16_xdma_4_1_202210_1/u250.xpfm -k krnl_vadd \
	--kernel_frequency 300 --hls.clock 300000000:krnl_vadd -R2 -o u250.xo "$SRC/krnl_vadd.cpp" >/dev/null 2>"$WORK/err"
ok $? "-t hw, --kernel_frequency, --hls.clock, -R2 accepted"
grep -q "note: --hls.clock ignored" "$WORK/err"
ok $? "and the ignored ones said so on stderr"
$PYNQFS_XCLBIN inspect u250.xo | grep -q '^shell: xilinx_u250_gen3x16_xdma_4_1_202210_1$'
ok $? "the platform's name read from its .xpfm"
"$VPP" --help | grep -q 'pynqfs-vpp -c'
ok $? "--help prints the usage"
done_testing
