#!/bin/sh
# Buffer args over a byte range, PATH[START:END] (a PYNQ slice, an XRT
# sub-buffer): the kernel gets START's device address and those bytes; a
# range past the buffer's end is refused at args or at the start; a page
# the range doesn't reach is not the kernel's; a name that itself ends in
# ']' and exists is that buffer.
. "$(dirname "$0")/../misc.sh"
ints() { perl -e 'print pack("l<*", @ARGV)' -- "$@"; }
words() { od -An -td4 -v -j "$2" -N "$3" "$1" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }

mount_vadd

ints $(seq 1 1000) >"$B/bank0/a" && ints $(seq 1001 2000) >"$B/bank0/b" && truncate -s 16000 "$B/bank1/c"
echo "banks/bank0/a[400:800] banks/bank0/b[0x190:] banks/bank1/c[:400] 100" >"$K/vadd_1/args"
ok $? "args take ranges: [400:800], [0x190:], [:400]"
[ "$(cat "$K/vadd_1/args" | tr '\n' ' ')" = "in1=banks/bank0/a[400:800] in2=banks/bank0/b[400:] out_r=banks/bank1/c[0:400] size=100 " ]
ok $? "args shows them, in bytes: $(cat "$K/vadd_1/args" | tr '\n' ' ')"
echo call >"$K/vadd_1/run"
ok $? "a call with ranges ($(cat "$K/vadd_1/run"))"
[ "$(words "$B/bank1/c" 0 400)" = "$(seq 101 200 | awk '{printf "%d ", 2 * $1 + 1000}' | sed 's/ $//')" ]
ok_dev $? "out_r[0:400] = a[100..199] + b[100..199], element by element"
[ "$(words "$B/bank1/c" 400 8)" = "0 0" ]
ok_dev $? "and nothing after the range"
a=$(getfattr --absolute-names --only-values -n user.pynq.address "$B/bank0/a")
reg=$(od -An -tx4 -j 16 -N 8 "$K/vadd_1/registers" 2>/dev/null | awk '{printf "0x%s%s", $2, $1}')
[ "$((reg))" = "$((a + 400))" ]
ok_dev $? "in1's register holds a's address + 400 ($reg, a at $a)"

# Writing past its range into a page the range doesn't reach: the guard.
ints $(seq 1 4000) >"$B/bank1/c" && ints $(seq 1 2000) >"$B/bank0/a2" && ints $(seq 1 2000) >"$B/bank0/b2"
echo "banks/bank0/a2 banks/bank0/b2 banks/bank1/c[0:400] 2000" >"$K/vadd_1/args"
/bin/echo call >"$K/vadd_1/run" 2>/dev/null
[ $? -ne 0 ] && grep -q 'past the end of out_r (banks/bank1/c\[0:400\], 400 bytes)' "$K/vadd_1/run"
ok_dev $? "a kernel writing 8000 bytes into c[0:400] fails at the next page ($(cat "$K/vadd_1/run"))"
[ "$(words "$B/bank1/c" 4096 8)" = "1025 1026" ]
ok_dev $? "and c's bytes in pages past the range keep their values"

# Refusals.
for bad in "banks/bank0/a[400:8000]" "banks/bank0/a[40:8]" "banks/bank0/a[4x:8]" "banks/bank0/a[8]" "banks/bank0/nope[0:4]"; do
	/bin/echo "in1=$bad" >"$K/vadd_1/args" 2>"$WORK/err"
	[ $? -ne 0 ] && grep -q "$(errno_text EINVAL)" "$WORK/err"
	ok $? "in1=$bad: EINVAL ($(cat "$WORK/err"))"
done
card_log_has "in1: banks/bank0/a\[400:8000\]: runs past the buffer's end (the buffer has 4000 bytes)"
card_log_has "in1: \[40:8\]: END must be past START"
card_log_has "in1: \[4x:8\]: a byte range is \[START:END\], decimal or 0x"
# A range that fit when bound, but not once the buffer shrank: the start says so.
echo "banks/bank0/a[0:4000] banks/bank0/b banks/bank1/c 10" >"$K/vadd_1/args" && truncate -s 400 "$B/bank0/a"
/bin/echo call >"$K/vadd_1/run" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "$(errno_text EINVAL)" "$WORK/err"
ok $? "a buffer shrunk under its range: the start is refused, EINVAL ($(cat "$WORK/err"))"
card_log_has "start: in1: banks/bank0/a\[0:4000\]: runs past the buffer's end (the buffer has 400 bytes)"

# A name that itself ends in ']' is that buffer.
ints 7 8 9 >"$B/bank0/x[0:4]" && ints 1 1 1 >"$B/bank0/y" && truncate -s 12 "$B/bank1/z"
echo "banks/bank0/x[0:4] banks/bank0/y banks/bank1/z 3" >"$K/vadd_1/args" && echo call >"$K/vadd_1/run"
[ "$(sed -n 1p "$K/vadd_1/args")" = "in1=banks/bank0/x[0:4]" ] && [ "$(words "$B/bank1/z" 0 12)" = "8 9 10" ]
ok_dev $? "banks/bank0/x[0:4] names the buffer called that: all three elements ($(words "$B/bank1/z" 0 12))"
rm -f "$B"/*/*
unmount_pynqfs
no_sanitizer_reports
done_testing
