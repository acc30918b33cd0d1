#!/bin/sh
# The xrt backend with runs that take time: XRT's noop shim completes each
# command after Runtime.noop_completion_delay_us (an xrt.ini through
# XRT_INI_PATH, as a user would set it). Runs queue behind the running one,
# the CU says so while they do, `wait` waits for all of them, and each
# run's time is the device's. (Noop ignores wait timeouts, so what a run
# past its time does is tested on core's fake backend: tests/unit.)
PYNQFS_TEST_BACKEND=xrt
. "$(dirname "$0")/../misc.sh"

DELAY_US=200000
printf '[Runtime]\nnoop_completion_delay_us=%s\n' $DELAY_US >"$WORK/xrt.ini"
XRT_INI_PATH=$WORK/xrt.ini
export XRT_INI_PATH
write_conf <<C
cards = ( $(card xilinx_u200_gen3x16_xdma_2_202110_1 'any_shell = true;') );
$(xrt_section)
C
mount_pynqfs -o config="$CONF"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
K=$CARD/kernels/vadd_1
for b in a b; do head -c 4096 /dev/zero >"$CARD/banks/bank0/$b"; done
head -c 4096 /dev/zero >"$CARD/banks/bank1/c"
echo "banks/bank0/a banks/bank0/b banks/bank1/c 16" >"$K/args"

for i in 1 2 3; do echo start >"$K/run" || break; done
ok $? "three starts return at once"
state=$(cat "$K/state")
pending=$(sed -n 's/^pending: //p' "$K/stats")
case "$state" in running | queued) true ;; *) false ;; esac && [ "$pending" -ge 2 ]
ok $? "while the first runs, the others wait: state $state, pending $pending"
echo wait >"$K/run"
ok $? "wait returns once all have ended"
done_n=$(sed -n 's/^done: //p' "$K/stats")
last=$(sed -n 's/^last_us: //p' "$K/stats")
[ "$done_n" = 3 ] && [ "$(cat "$K/state")" = done ] && [ "$last" -ge $DELAY_US ]
ok $? "3 done, each as long as the device took: last_us $last >= $DELAY_US"
line=$(cat "$K/run")
[ "${line%% *}" = done ] && [ "${line#done }" -ge $DELAY_US ]
ok $? "run reads the last one's end: $line"

rm -f "$CARD"/banks/*/*
unmount_pynqfs
no_sanitizer_reports
done_testing
