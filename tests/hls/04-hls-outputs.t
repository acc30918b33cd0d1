#!/bin/sh
# Scalar outputs of HLS kernels (int&, unsigned int&, long long&): the
# kernel writes them, and after its run they read back in args
# (name=value) and in registers at their offsets, as on a card; an output
# the host never set starts from 0, one it set starts from its value.
. "$(dirname "$0")/../misc.sh"

hls_mount mailbox_hls.cpp addout total
cp "$PYNQFS_BUILD/tests/hls_mailbox.xclbin" "$CARD/overlay"
ok $? "hls_mailbox loads"
K=$CARD/kernels
# reg FILE OFFSET BYTES: a little-endian unsigned value of the register window.
reg() { od -An -t u"$3" -j "$2" -N "$3" "$1" | tr -d ' '; }

[ "$(cat "$K/addout_1/signature")" = "addout(int a, int b, int& sum, unsigned int& calls)" ]
ok $? "signature: $(cat "$K/addout_1/signature")"
echo "a=40 b=2" >"$K/addout_1/args" && echo call >"$K/addout_1/run"
grep -q '^done' "$K/addout_1/run"
ok $? "addout runs with sum and calls never set ($(cat "$K/addout_1/run"))"
grep -qx 'sum=42' "$K/addout_1/args" && grep -qx 'calls=1' "$K/addout_1/args"
ok $? "args shows the outputs: sum=42 calls=1 ($(tr '\n' ' ' <"$K/addout_1/args"))"
[ "$(reg "$K/addout_1/registers" $((0x20)) 4)" = 42 ] && [ "$(reg "$K/addout_1/registers" $((0x28)) 4)" = 1 ]
ok $? "registers hold them at their offsets (0x20: $(reg "$K/addout_1/registers" $((0x20)) 4), 0x28: $(reg "$K/addout_1/registers" $((0x28)) 4))"
echo "a=-50 b=8 calls=41" >"$K/addout_1/args" && echo call >"$K/addout_1/run"
grep -qx 'sum=-42' "$K/addout_1/args" && grep -qx 'calls=42' "$K/addout_1/args"
ok $? "a set output starts from its value: calls=41 -> 42, sum=-42"

n=100000
perl -e 'print pack("l<*", map { $_ * 3 - 70000 } 1 .. $ARGV[0])' $n >"$CARD/banks/bank0/in"
echo "banks/bank0/in $n" >"$K/total_1/args" && echo call >"$K/total_1/run"
want=$(perl -e 'my $s = 0; $s += $_ * 3 - 70000 for 1 .. $ARGV[0]; print $s' $n)
grep -qx "sum=$want" "$K/total_1/args"
ok $? "long long&: the sum of $n ints, $want ($(grep sum= "$K/total_1/args"))"
unmount_pynqfs
done_testing
