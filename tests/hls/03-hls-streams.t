#!/bin/sh
# HLS C++ stream kernels, unchanged (tests/hls/streams_hls.cpp), on the sim
# card: hls::stream<T>& args bind to the card's K2K FIFOs with no wrapper,
# the element width is the xclbin's dataWidth (512-bit elements arrive
# whole), a local hls::stream carries a dataflow region, ap_axiu carries
# TLAST, and an element type of another width than its port stops the run
# with a log line naming the port and both widths.
. "$(dirname "$0")/../misc.sh"

hls_mount streams_hls.cpp wsrc wsink ssrc ssink asrc asink badsink hinc
cp "$PYNQFS_BUILD/tests/hls_streams.xclbin" "$CARD/overlay"
ok $? "hls_streams loads"
K=$CARD/kernels
B=$CARD/banks/bank0
# pipe SRC SINK SRCARGS SINKARGS: start the sink, call the source, wait for the sink.
pipe() {
	echo "$4" >"$K/$2/args" && echo start >"$K/$2/run" && echo "$3" >"$K/$1/args" &&
		echo call >"$K/$1/run" && echo wait >"$K/$2/run"
	ok $? "$1 -> $2: both runs done ($(cat "$K/$1/run"); $(cat "$K/$2/run"))"
}

# 512-bit elements, through a dataflow region's local stream.
n=2000
head -c $((n * 64)) /dev/urandom >"$WORK/win"
cp "$WORK/win" "$B/win" && truncate -s $((n * 64)) "$B/wout"
pipe wsrc_1 wsink_1 "banks/bank0/win $n" "banks/bank0/wout $n"
cp "$B/wout" "$WORK/wout"
python3 - "$WORK/win" "$WORK/wout" $n <<'PY'
import sys
a, b, n = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), int(sys.argv[3])
m = (1 << 512) - 1
bad = 0
for i in range(n):
    x = int.from_bytes(a[64 * i:64 * i + 64], "little")
    bad += int.from_bytes(b[64 * i:64 * i + 64], "little") != ((x << 8) | (x >> 504)) & m
print(f"# {bad} of {n} elements wrong")
sys.exit(bad != 0)
PY
ok $? "hls::stream<ap_uint<512> >: $n elements whole, rotated by the local dataflow stage"

# A struct of an int and a float.
n=5000
python3 -c "
import random, struct, sys
random.seed(7)
sys.stdout.buffer.write(struct.pack('<%di' % $n, *[random.randint(-2**22, 2**22) for _ in range($n)]))" >"$WORK/sin"
cp "$WORK/sin" "$B/sin" && truncate -s $((n * 4)) "$B/sout"
pipe ssrc_1 ssink_1 "banks/bank0/sin $n" "banks/bank0/sout $n"
cp "$B/sout" "$WORK/sout"
python3 - "$WORK/sin" "$WORK/sout" $n <<'PY'
import struct, sys
n = int(sys.argv[3])
a = struct.unpack("<%di" % n, open(sys.argv[1], "rb").read())
b = struct.unpack("<%di" % n, open(sys.argv[2], "rb").read())
sys.exit(any(y != 3 * x for x, y in zip(a, b)))
PY
ok $? "hls::stream<pkt> (int, float): $n elements, each 3 v"

# ap_axiu<32, 0, 0, 0>: data and TLAST.
n=3000
head -c $((n * 4)) /dev/urandom >"$WORK/ain"
# The sink may take 10 more than come: it stops at TLAST, counting at out[n + 10].
cp "$WORK/ain" "$B/ain" && truncate -s $(((n + 11) * 4)) "$B/aout"
pipe asrc_1 asink_1 "banks/bank0/ain $n" "banks/bank0/aout $((n + 10))"
cp "$B/aout" "$WORK/aout"
python3 - "$WORK/ain" "$WORK/aout" $n <<'PY'
import struct, sys
n = int(sys.argv[3])
a = struct.unpack("<%dI" % n, open(sys.argv[1], "rb").read())
b = struct.unpack("<%dI" % (n + 11), open(sys.argv[2], "rb").read())
sys.exit(any(y != x ^ 0x5a5a5a5a for x, y in zip(a, b)) or b[n + 10] != n)
PY
ok $? "hls::stream<ap_axiu<32, 0, 0, 0> >: $n elements, and TLAST on the last stopped the sink"

# Through a free-running HLS stage: asrc_3 -> hinc_1 (ap_ctrl_none) -> asink_2.
[ "$(cat "$K/hinc_1/state")" = running ]
ok $? "the free-running hinc_1 runs from load"
n=100000
head -c $((n * 4)) /dev/urandom >"$WORK/fin"
cp "$WORK/fin" "$B/fin" && truncate -s $(((n + 1) * 4)) "$B/fout"
pipe asrc_3 asink_2 "banks/bank0/fin $n" "banks/bank0/fout $n"
cp "$B/fout" "$WORK/fout"
python3 - "$WORK/fin" "$WORK/fout" $n <<'PY'
import struct, sys
n = int(sys.argv[3])
a = struct.unpack("<%dI" % n, open(sys.argv[1], "rb").read())
b = struct.unpack("<%dI" % (n + 1), open(sys.argv[2], "rb").read())
sys.exit(any(y != ((x + 1) & 0xffffffff) ^ 0x5a5a5a5a for x, y in zip(a, b)) or b[n] != n)
PY
ok $? "$n elements through the free-running HLS stage, each + 1, TLAST kept"

# An element type of 64 bits on a 32-bit port: the run stops, and says why.
truncate -s 4 "$B/bad"
echo "banks/bank0/ain 1" >"$K/asrc_2/args" && echo start >"$K/asrc_2/run"
echo "banks/bank0/bad" >"$K/badsink_1/args"
/bin/echo call >"$K/badsink_1/run" 2>/dev/null
grep -q '^error the kernel crashed' "$K/badsink_1/run"
ok $? "badsink_1 (hls::stream<ap_uint<64> > on a 32-bit port): $(cat "$K/badsink_1/run")"
card_log_has "hls::stream: badsink_1.in carries 32 bits an element (4 bytes, the xclbin's dataWidth), but the kernel's element type is 8 bytes"
# The width is the xclbin's: both ends must agree, and a description must say it.
sed '/ap_uint<64> >&/s/width = 32/width = 64/' \
	"$PYNQFS_SRC/tests/designs/hls_streams.cfg" >"$WORK/odd.cfg"
rm -f "$B"/*
$PYNQFS_XCLBIN pack "$WORK/odd.cfg" -o "$WORK/odd.xclbin"
out=$(cp "$WORK/odd.xclbin" "$CARD/overlay" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "$(errno_text EIO)" && [ -d "$K/asink_1" ]
ok $? "a design whose stream ends disagree (32 and 64 bits): the sim refuses it (EIO), the old design stays ($out)"
card_log_has "stream asrc_2.out -> badsink_1.in: asrc_2.out writes 32 bits, badsink_1.in reads 64"
sed 's/ width = 512;//' "$PYNQFS_SRC/tests/designs/hls_streams.cfg" >"$WORK/nowidth.cfg"
! $PYNQFS_XCLBIN pack "$WORK/nowidth.cfg" -o "$WORK/nowidth.xclbin" 2>"$WORK/pack.err" &&
	grep -q "a stream needs width, its TDATA bits" "$WORK/pack.err"
ok $? "pynqfs-xclbin pack: a stream arg without width is refused ($(head -1 "$WORK/pack.err"))"
unmount_pynqfs
done_testing
