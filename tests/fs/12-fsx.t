#!/bin/sh
# The data verifier (tests/fsx.pl): random writes, reads, truncates, cp over
# and unlink while open on five buffers in two banks, with vadd_1 computing
# into one of them between operations; every byte read is checked against a
# model. PYNQFS_FSX_OPS and PYNQFS_FSX_SEED choose the length and the seed
# (printed, to replay a failure); scripts/verify-long.sh runs it for hours.
. "$(dirname "$0")/../misc.sh"

OPS=${PYNQFS_FSX_OPS:-20000}
SEED=${PYNQFS_FSX_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
echo "# fsx: $OPS ops, seed $SEED (PYNQFS_FSX_SEED=$SEED replays it)"
perl "$PYNQFS_SRC/tests/fsx.pl" --card "$CARD" --seed "$SEED" --ops "$OPS" --kernel \
	banks/bank0/a banks/bank0/b banks/bank1/c banks/bank1/d banks/bank0/e >"$WORK/fsx.out" 2>&1
rc=$?
sed 's/^/# /' "$WORK/fsx.out"
[ $rc -eq 0 ] && grep -q '^ok 1 - fsx' "$WORK/fsx.out"
ok $? "fsx: $(sed -n 's/^\(not \)\{0,1\}ok 1 - //p' "$WORK/fsx.out")"
[ "$(sed -n 's/^errors: //p' "$CARD/kernels/vadd_1/stats")" = 0 ]
ok $? "every vadd run between operations ended done"
rm -f "$CARD"/banks/*/*
[ "$(df -B1 --output=used "$CARD/banks/bank0" | tail -1 | tr -d ' ')" = 0 ]
ok $? "all device memory comes back"
unmount_pynqfs
done_testing
