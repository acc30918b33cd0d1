#!/bin/sh
# Whether an xclbin fits a card's shell, decided as XRT's driver decides
# it: by the shell interfaces it names (interface UUIDs, in its
# PARTITION_METADATA), where it names them and the card has one; by the
# platform's name otherwise. Two-stage shells report another name than the
# one their xclbins carry. The log says which was compared. On a sim card
# the shell's interface UUID is the config's interface_uuid.
. "$(dirname "$0")/../misc.sh"

IFACE=862c7020-a250-293e-3203-6f19956669e5
# design NAME PLATFORM [INTERFACE_UUID]: vadd, built for that platform
design() {
	sed -e "s/^project = .*/project = \"$1\";/" -e "s/^shell = .*/shell = \"$2\";/" \
		"$PYNQFS_SRC/examples/designs/vadd.cfg" >"$WORK/$1.cfg"
	[ -z "${3:-}" ] || echo "interface_uuid = \"$3\";" >>"$WORK/$1.cfg"
	"$PYNQFS_XCLBIN" pack "$WORK/$1.cfg" -o "$WORK/$1.xclbin"
}
design same_iface xilinx_u250_gen3x16_xdma_4_1_202210_1 $IFACE
design other_iface xilinx_u250_gen3x16_xdma_4_1_202210_1 00112233445566778899aabbccddeeff
design no_iface xilinx_u250_gen3x16_xdma_4_1_202210_1
"$PYNQFS_XCLBIN" inspect "$WORK/same_iface.xclbin" | grep -qx "interface: 862c7020a250293e32036f19956669e5"
ok $? "pynqfs-xclbin writes the interface UUID and inspect shows it"

write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u250_gen3x16_xdma_shell_4_1"; interface_uuid = "$IFACE"; },
          { backend = "sim"; name = "xilinx_u250_gen3x16_xdma_shell_4_1"; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
mount_pynqfs -o config="$CONF"
C1=$MNT/card1
grep -q "card0: sim card, shell xilinx_u250_gen3x16_xdma_shell_4_1, interface 862c7020a250293e32036f19956669e5" "$CARD/log"
ok $? "the card's log names its interface"

cp "$WORK/same_iface.xclbin" "$CARD/overlay" && [ "$(cat "$CARD/state")" = ready ] &&
	grep -q "shell check: the xclbin's interface UUID 862c7020a250293e32036f19956669e5 is this card's" "$CARD/log"
ok $? "an xclbin for the card's interface loads, though its platform name differs; the log says what was compared"
grep -qx "interface: 862c7020a250293e32036f19956669e5" "$CARD/summary"
ok $? "summary shows the interface the design needs"
: >"$CARD/overlay"

cp "$WORK/other_iface.xclbin" "$CARD/overlay" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "Invalid argument" "$WORK/err" && [ "$(cat "$CARD/state")" = empty ] &&
	grep -q "shell mismatch: the xclbin needs shell interface 00112233445566778899aabbccddeeff, and this card's is 862c7020a250293e32036f19956669e5 (compared interface UUIDs" "$CARD/log"
ok $? "an xclbin for another interface: EINVAL, and the log names both"

cp "$WORK/no_iface.xclbin" "$CARD/overlay" 2>/dev/null
[ $? -ne 0 ] && grep -q "shell mismatch: the xclbin is built for 'xilinx_u250_gen3x16_xdma_4_1_202210_1' but this card is 'xilinx_u250_gen3x16_xdma_shell_4_1' (compared platform names: the xclbin names no shell interface" "$CARD/log"
ok $? "an xclbin naming no interface: platform names compared, and the log says so"

cp "$WORK/same_iface.xclbin" "$C1/overlay" 2>/dev/null
[ $? -ne 0 ] && grep -q "compared platform names: this card has no interface UUID" "$C1/log"
ok $? "a card with no interface UUID compares platform names, and says why"
unmount_pynqfs

# A bad interface_uuid in the config: a start-up error with FILE:LINE.
write_conf <<C
cards = ( { backend = "sim"; name = "x"; interface_uuid = "862c"; } );
C
"$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "pynqfs.conf:1: .*interface_uuid '862c' is not 32 hex digits" "$WORK/err" &&
	! mountpoint -q "$MNT"
ok $? "interface_uuid that is not 32 hex digits: refused at start-up ($(cat "$WORK/err"))"
done_testing
