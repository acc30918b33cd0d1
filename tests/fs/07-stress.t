#!/bin/sh
# Many processes at once: buffers created, written, resized, read, renamed
# and removed, kernels started, while another keeps trying to reprogram the
# card. Bounded loops, no timing. Afterwards the daemon must still serve,
# the card must agree with what is left, and no sanitizer may have spoken.
. "$(dirname "$0")/../misc.sh"

write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/tests/kernels", "$PYNQFS_BUILD/examples/kernels" ]; };
C
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/../tests/faulty.xclbin" "$CARD/overlay"
B=$CARD/banks
K=$CARD/kernels

worker() { # id: 150 rounds of buffer traffic in its own directory
	d=$B/bank0/w$1
	mkdir "$d"
	i=0
	while [ $i -lt 150 ]; do
		head -c $(((i * 4099 + $1 * 13) % 70000 + 1)) /dev/urandom >"$d/f$i" 2>/dev/null
		truncate -s $(((i * 7919) % 300000)) "$d/f$i" 2>/dev/null
		cat "$d/f$i" >/dev/null 2>&1
		mv "$d/f$i" "$d/g$i" 2>/dev/null
		[ $((i % 3)) = 0 ] || rm -f "$d/g$i"
		i=$((i + 1))
	done
}
runner() { # 100 vadd runs on shared inputs
	i=0
	while [ $i -lt 100 ]; do
		echo start >"$K/vadd_1/run" 2>/dev/null
		[ $((i % 10)) = 0 ] && cat "$K/vadd_1/run" >/dev/null
		i=$((i + 1))
	done
	cat "$K/vadd_1/run" >/dev/null
}
programmer() { # 60 attempts that must all be refused: buffers exist
	i=0
	refused=0
	while [ $i -lt 60 ]; do
		cp "$DESIGNS/vadd.xclbin" "$CARD/overlay" 2>/dev/null || refused=$((refused + 1))
		i=$((i + 1))
	done
	echo $refused >"$WORK/refused"
}

truncate -s 4096 "$B/bank0/a" "$B/bank0/b" "$B/bank1/c"
echo "banks/bank0/a banks/bank0/b banks/bank1/c 1024" >"$K/vadd_1/args"
worker 1 &
p1=$!
worker 2 &
p2=$!
worker 3 &
p3=$!
runner &
p4=$!
programmer &
p5=$!
wait $p1 $p2 $p3 $p4 $p5
[ "$(cat "$WORK/refused")" = 60 ]
ok $? "all 60 programming attempts were refused while buffers existed"
[ "$(cat "$CARD/state")" = ready ] && [ "$(sed -n 's/^errors: //p' "$K/vadd_1/stats")" = 0 ] &&
	[ "$(sed -n 's/^pending: //p' "$K/vadd_1/stats")" = 0 ]
ok $? "card ready, every vadd run done without error"
[ "$(ls "$B/bank0/w1" | wc -l)" = 50 ] && [ "$(ls "$B/bank0/w3" | wc -l)" = 50 ]
ok $? "each worker's directory keeps its 50 files"
rm -rf "$B"/*/*
[ "$(df -B1 --output=used "$B/bank0" | tail -1 | tr -d ' ')" = 0 ]
ok $? "removing everything gives all of bank0 back"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
ok $? "with the banks empty, programming works: the buffer count is exact"
unmount_pynqfs
done_testing
