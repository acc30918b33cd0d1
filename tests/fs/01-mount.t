#!/bin/sh
# Mounting, the root, a card's files, and config errors (SPEC §1, §2, §9).
. "$(dirname "$0")/../misc.sh"

# Config errors stop pynqfs before mounting, naming file, line and reason.
write_conf <<'C'
cards = (
  { backend = "sim"; name = "u200"; },
  { backend = "sim"; nme = "typo"; }
);
C
out=$("$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "pynqfs.conf:3: unknown setting 'nme'" && ! mountpoint -q "$MNT"
ok $? "a config typo: non-zero exit, file:line and reason, nothing mounted ($out)"

printf 'cards = ( { backend = "sim"; name = "x"; } )\nactive = 3;\n' >"$CONF"
out=$("$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "pynqfs.conf:2: active must be between 0 and 0"
ok $? "active out of range is refused ($out)"

printf 'cards = ( { backend = "sim"; name = "x"; } )\nmax_queued = 0;\n' >"$CONF"
out=$("$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "pynqfs.conf:2: max_queued must be between 1 and 1000000"
ok $? "max_queued = 0 is refused ($out)"

printf 'cards = ( { backend = "sim"; name = "x"; mode = 750; } );\n' >"$CONF"
out=$("$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'mode must be a string'
ok $? "mode as a number is refused, as libconfig would misread it ($out)"

printf 'cards = ( { backend = "sim"; name = "x" ' >"$CONF"
out=$("$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'pynqfs.conf:1: syntax error'
ok $? "a syntax error names its line ($out)"

out=$("$PYNQFS_BUILD/pynqfs" -o config="$WORK/none.conf" "$MNT" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'none.conf: cannot read'
ok $? "a missing config file is an error ($out)"

"$PYNQFS_BUILD/pynqfs" --version | grep -q '^pynqfs [0-9]'
ok $? "--version"
"$PYNQFS_BUILD/pynqfs" --help | grep -q 'config=FILE'
ok $? "--help describes -o config"
"$PYNQFS_BUILD/pynqfs" >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "no mountpoint: non-zero exit"

# Two cards, the second active and owned by another user and group.
write_conf <<'C'
cards = (
  { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; },
  { backend = "sim"; name = "xilinx_u280_gen3x16_xdma_1_202211_1";
    owner = "65534"; group = "65534"; mode = "0750"; }
);
active = 1;
log_lines = 3;
C
mount_pynqfs -o config="$CONF"

ls "$MNT" | tr '\n' ' ' | grep -qx 'active card0 card1 cards '
ok $? "root lists active card0 card1 cards, sorted"
printf 'card0 xilinx_u200_gen3x16_xdma_2_202110_1 sim\ncard1 xilinx_u280_gen3x16_xdma_1_202211_1 sim\n' | cmp -s - "$MNT/cards"
ok $? "cards: one line per card, index order"
[ "$(readlink "$MNT/active")" = card1 ]
ok $? "active -> card1 (config active = 1)"
ls "$CARD" | tr '\n' ' ' | grep -qx 'backend banks kernels log name overlay state streams summary uuid '
ok $? "a card holds backend banks kernels log name overlay state streams summary uuid"
[ "$(cat "$CARD/name")" = xilinx_u200_gen3x16_xdma_2_202110_1 ] && [ "$(cat "$CARD/backend")" = sim ]
ok $? "name and backend"
[ "$(cat "$CARD/state")" = empty ] && [ ! -s "$CARD/uuid" ] && [ "$(stat -c %s "$CARD/overlay")" = 0 ]
ok $? "a new card: state empty, uuid empty, overlay 0 bytes"
grep -q 'No design loaded' "$CARD/summary"
ok $? "summary says no design is loaded"
for f in name backend state uuid summary log cards; do
	p=$CARD/$f
	[ $f = cards ] && p=$MNT/cards
	[ ! -s "$p" ] || [ "$(tail -c1 "$p" | od -An -c | tr -d ' ')" = '\n' ] || { ok 1 "$f ends with a newline"; continue; }
done
ok 0 "every text file ends with a newline"
[ "$(stat -c %A "$CARD/state")" = -r--r--r-- ] && [ "$(stat -c %A "$CARD/overlay")" = -rw-r--r-- ]
ok $? "read-only files have no write bits; overlay is rw"
expect EACCES open "$CARD/state" O_WRONLY
expect EACCES open "$MNT/cards" O_WRONLY
card_log_has "state: is read-only"

c1=$MNT/card1
[ "$(stat -c '%a %u %g' "$c1")" = "750 65534 65534" ]
ok $? "card1 dir: mode 0750, owner and group from the config"
[ "$(stat -c %a "$c1/state")" = 440 ] && [ "$(stat -c %a "$c1/overlay")" = 640 ] &&
	[ "$(stat -c '%u %g' "$c1/state")" = "65534 65534" ] && [ "$(stat -c '%u' "$c1/banks")" = 65534 ]
ok $? "card1 files follow its mode and owner: state 0440, overlay 0640, owned 65534"

expect EPERM mkdir "$CARD/new" 0755
card_log_has "new: a directory can only be made in banks"
expect EPERM open "$CARD/new" O_CREAT,O_WRONLY 0644
expect EPERM mkdir "$MNT/new" 0755
expect EPERM unlink "$CARD/name"
expect EPERM chmod "$CARD/state" 0666

# log_lines = 3 keeps the newest three lines.
for i in 1 2 3 4; do $FSTEST mkdir "$CARD/x$i" 0755 >/dev/null; done
[ "$(wc -l <"$CARD/log")" = 3 ] && tail -n1 "$CARD/log" | grep -q 'x4'
ok $? "log keeps log_lines = 3 lines, newest last"

unmount_pynqfs

# mount(8) and /etc/fstab, through mount.fuse3: "PROGRAM#SOURCE" names
# the binary (mount resets PATH, so an installed pynqfs also works by name).
mount -t fuse "$PYNQFS_BUILD/pynqfs#sim" "$MNT" -o config="$CONF" &&
	[ "$(wc -l <"$MNT/cards")" = 2 ] && mount | grep -q "on $MNT type fuse.pynqfs"
ok $? "mount -t fuse 'pynqfs#sim' with -o config: both cards, type fuse.pynqfs"
fusermount3 -u "$MNT"
echo "$PYNQFS_BUILD/pynqfs#sim $MNT fuse noauto,config=$CONF 0 0" >"$WORK/fstab"
mount -T "$WORK/fstab" "$MNT" && [ "$(wc -l <"$MNT/cards")" = 2 ]
ok $? "an fstab line mounts it too"
fusermount3 -u "$MNT"

# The example config that is installed mounts as it is.
mount_pynqfs -o config="$PYNQFS_SRC/conf/pynqfs.conf"
[ "$(cat "$MNT/cards")" = "card0 xilinx_u200_gen3x16_xdma_2_202110_1 sim" ]
ok $? "conf/pynqfs.conf mounts its one U200 card"
unmount_pynqfs

# No config: one sim card that takes any shell.
mount_pynqfs
[ "$(wc -l <"$MNT/cards")" = 1 ] && [ "$(readlink "$MNT/active")" = card0 ]
ok $? "built-in default: one card, active -> card0"
grep -q 'takes any shell' "$CARD/log"
ok $? "the default card takes any shell"
unmount_pynqfs

done_testing
