#!/bin/sh
# The operation-sequence fuzzer (tests/opfuzz.pl) on a mounted sim card:
# its corpus replayed (tests/fuzz/ops/), then a random run of fresh
# operations. Each answer is checked against a model of the card; a failing
# run is saved and its path printed, to replay it with --replay.
# PYNQFS_OPFUZZ_OPS and PYNQFS_OPFUZZ_SEED choose the random run.
. "$(dirname "$0")/../misc.sh"

OPS=${PYNQFS_OPFUZZ_OPS:-5000}
SEED=${PYNQFS_OPFUZZ_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
mount_pynqfs -o config="$CONF"
FUZZ="perl $PYNQFS_SRC/tests/opfuzz.pl --card $CARD --designs $DESIGNS"

$FUZZ --replay "$PYNQFS_SRC"/tests/fuzz/ops/*.ops >"$WORK/replay.out" 2>&1
rc=$?
sed 's/^/# /' "$WORK/replay.out"
[ $rc -eq 0 ] && grep -q '^ok 1 - opfuzz: replayed' "$WORK/replay.out"
ok $? "the corpus replays: $(ls "$PYNQFS_SRC"/tests/fuzz/ops | wc -l) runs"

KEEP=/tmp/pynqfs-opfuzz-$SEED.ops
echo "# opfuzz: $OPS ops, seed $SEED (PYNQFS_OPFUZZ_SEED=$SEED replays it)"
$FUZZ --seed "$SEED" --ops "$OPS" --save "$WORK/run.ops" >"$WORK/fuzz.out" 2>&1
rc=$?
sed 's/^/# /' "$WORK/fuzz.out"
[ $rc -eq 0 ] && grep -q '^ok 1 - opfuzz seed' "$WORK/fuzz.out"
rc=$?
[ $rc -eq 0 ] || { cp "$WORK/run.ops" "$KEEP" && echo "# the failing run: $KEEP"; }
ok $rc "a random run of $OPS operations"

# What the runs left is gone, and every byte of device memory with it.
rm -rf "$CARD"/banks/*/*
: >"$CARD/overlay"
ok $? "the card frees"
unmount_pynqfs
done_testing
