#!/bin/sh
# overlay: programming, read-back, freeing, and every refusal (SPEC §3).
. "$(dirname "$0")/../misc.sh"

uuid_of() { "$PYNQFS_XCLBIN" inspect "$1" | sed -n 's/^uuid: //p'; }

mount_pynqfs

cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
ok $? "cp vadd.xclbin to overlay"
[ "$(cat "$CARD/state")" = ready ] && [ "$(cat "$CARD/uuid")" = "$(uuid_of "$DESIGNS/vadd.xclbin")" ]
ok $? "state ready, uuid is the xclbin's"
[ "$(ls "$CARD/banks" | tr '\n' ' ')" = "bank0 bank1 " ]
ok $? "banks/: the two used DDR banks"
cmp -s "$DESIGNS/vadd.xclbin" "$CARD/overlay" &&
	[ "$(stat -c %s "$CARD/overlay")" = "$(stat -c %s "$DESIGNS/vadd.xclbin")" ]
ok $? "reading overlay gives back the loaded bytes; its size is theirs"
[ "$(dd if="$CARD/overlay" bs=1 skip=1000 count=16 2>/dev/null | od -An -tx1)" = \
  "$(dd if="$DESIGNS/vadd.xclbin" bs=1 skip=1000 count=16 2>/dev/null | od -An -tx1)" ]
ok $? "a read at an offset"
grep -q '^vadd_1 *: vadd(const int\* in1, const int\* in2, int\* out_r, unsigned int size)$' "$CARD/summary" &&
	grep -q '^bank0 *: Memory 16 GiB$' "$CARD/summary"
ok $? "summary lists vadd_1 and bank0"
card_log_has "overlay: loaded vadd"

# Reprogram in one step, the new design replacing the old.
cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay"
ok $? "reprogram with hbm_multi"
[ "$(ls "$CARD/banks" | tr '\n' ' ')" = "DDR0 HBM0 HBM1 HBM2 HBM3 PLRAM0 " ]
ok $? "banks named as PYNQ names them: DDR0 HBM0..3 PLRAM0"
[ "$(getfattr --absolute-names --only-values -n user.pynq.tag "$CARD/banks/HBM2")" = "HBM[2]" ]
ok $? "user.pynq.tag holds the raw tag HBM[2]"
[ "$(cat "$CARD/uuid")" = "$(uuid_of "$DESIGNS/hbm_multi.xclbin")" ]
ok $? "uuid follows the new design"

cp "$DESIGNS/k2k_streams.xclbin" "$CARD/overlay"
[ "$(ls "$CARD/streams")" = dc_0 ] &&
	[ "$(cat "$CARD/streams/dc_0")" = "source=vadd_stream_1.out_c sink=vmult_stream_1.in_a" ]
ok $? "streams/dc_0: source=vadd_stream_1.out_c sink=vmult_stream_1.in_a"
[ ! -e "$CARD/banks/dc_0" ] && grep -q '^dc_0 *: Stream$' "$CARD/summary"
ok $? "a stream is no bank; summary lists it as 'dc_0 : Stream'"
expect EACCES open "$CARD/streams/dc_0" O_WRONLY

# Malformed images: close(2) fails with EINVAL, the old design stays.
before=$(cat "$CARD/uuid")
head -c 2000 "$DESIGNS/vadd.xclbin" >"$WORK/cut.xclbin"
out=$(cp "$WORK/cut.xclbin" "$CARD/overlay" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'Invalid argument'
ok $? "cp of a truncated xclbin fails with EINVAL ($out)"
[ "$(cat "$CARD/uuid")" = "$before" ] && [ "$(cat "$CARD/state")" = ready ] && [ -e "$CARD/streams/dc_0" ]
ok $? "after a refused xclbin the card keeps its design"
card_log_has "malformed xclbin: header declares"
head -c 5000 /dev/urandom >"$WORK/junk"
cp "$WORK/junk" "$CARD/overlay" 2>/dev/null
[ $? -ne 0 ]
ok $? "random bytes are refused"
card_log_has "magic is not 'xclbin2'"

# Written piecewise, without O_TRUNC: still one program at close.
dd if="$DESIGNS/vadd.xclbin" of="$CARD/overlay" bs=100 conv=notrunc 2>/dev/null
ok $? "dd in 100-byte writes without O_TRUNC programs at close"
[ "$(cat "$CARD/uuid")" = "$(uuid_of "$DESIGNS/vadd.xclbin")" ]
ok $? "... and loads vadd"

# Buffers pin the design: EBUSY, also for an unlinked buffer still open.
echo data >"$CARD/banks/bank0/a"
out=$(cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'Device or resource busy'
ok $? "cp while a buffer exists: EBUSY ($out)"
card_log_has "1 buffer is still allocated"
exec 3<"$CARD/banks/bank0/a"
rm "$CARD/banks/bank0/a"
# Refused at open, which the shell reports (it ignores close(2)'s result).
out=$( (: >"$CARD/overlay") 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'Device or resource busy'
ok $? "': > overlay' while an unlinked buffer is open: the shell sees EBUSY ($out)"
[ "$(cat "$CARD/state")" = ready ] && [ -n "$(cat "$CARD/uuid")" ]
ok $? "': > overlay' while an unlinked buffer is open: design kept"
card_log_has "freeing the design refused: 1 buffer is still allocated"
exec 3<&-
cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay"
ok $? "once the last descriptor closes, programming works again"

# Freeing: ': >' and truncate(2) to zero.
: >"$CARD/overlay"
[ "$(cat "$CARD/state")" = empty ] && [ ! -s "$CARD/uuid" ] && [ -z "$(ls "$CARD/banks")" ] &&
	[ "$(stat -c %s "$CARD/overlay")" = 0 ] && grep -q 'No design loaded' "$CARD/summary"
ok $? "freed: state empty, no uuid, no banks, overlay 0 bytes"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
expect 0 truncate "$CARD/overlay" 0
[ "$(cat "$CARD/state")" = empty ]
ok $? "truncate(2) to 0 frees the design"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
expect EINVAL truncate "$CARD/overlay" 5
card_log_has "truncate only to 0"
[ "$(cat "$CARD/state")" = ready ]
ok $? "truncate to 5 changed nothing"

# The real PYNQ xclbin: an empty shell name, one PSDDR bank of 512 GiB.
if [ -f "$FIXTURES/pynq-default.xclbin" ]; then
	cp "$FIXTURES/pynq-default.xclbin" "$CARD/overlay"
	ok $? "the PYNQ fixture loads on a card that takes any shell"
	[ "$(ls "$CARD/banks")" = PSDDR ] && [ "$(df -B1 --output=size "$CARD/banks/PSDDR" | tail -1 | tr -d ' ')" = 549755813888 ]
	ok $? "banks/PSDDR, and df reports 512 GiB"
else
	skip "no ../shared/fixtures" "the PYNQ fixture loads"
	skip "no ../shared/fixtures" "banks/PSDDR"
fi
unmount_pynqfs

# A card that knows its shell refuses others.
write_conf <<C
cards = ( $(card xilinx_u200_gen3x16_xdma_2_202110_1 'any_shell = false;') );
$(xrt_section)
C
mount_pynqfs -o config="$CONF"
out=$(cp "$DESIGNS/hbm_multi.xclbin" "$CARD/overlay" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'Invalid argument' && [ "$(cat "$CARD/state")" = empty ]
ok $? "an xclbin for the U280 on a U200 card: EINVAL ($out)"
card_log_has "shell mismatch: the xclbin is built for 'xilinx_u280_gen3x16_xdma_1_202211_1'"
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
ok $? "an xclbin for its own shell loads"
unmount_pynqfs

done_testing
