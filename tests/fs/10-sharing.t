#!/bin/sh
# Cards shared by users (SPEC §9): a card's group may do everything its mode
# allows, others nothing; modes, setuid bits and names behave as on any
# Linux filesystem; active can be switched at run time; mounting behaves.
. "$(dirname "$0")/../misc.sh"

IN=65534  # nobody, in group nogroup (65534): a member of the card's group
OUT=65533 # a user outside it
as() { # as UID SHELL-COMMAND
	setpriv --reuid="$1" --regid="$1" --clear-groups sh -c "$2" 2>&1
}
cp "$DESIGNS/vadd.xclbin" "$WORK/vadd.xclbin"
chmod 644 "$WORK/vadd.xclbin"

# A card owned by root, shared with its group.
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true;
            owner = "root"; group = "$IN"; mode = "0770"; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
mount_pynqfs -o allow_other,config="$CONF"
expect 0660 stat "$CARD/overlay" mode
expect 0440 stat "$CARD/state" mode
out=$(as $IN "cp $WORK/vadd.xclbin $CARD/overlay")
ok $? "a group member programs the card ($out)"
[ "$(cat "$CARD/state")" = ready ]
ok $? "... and the card is ready"
expect 0660 stat "$CARD/kernels/vadd_1/args" mode
expect 0660 stat "$CARD/kernels/vadd_1/run" mode
expect 0660 stat "$CARD/kernels/vadd_1/registers" mode
expect 0440 stat "$CARD/kernels/vadd_1/signature" mode
out=$(as $IN "
	perl -e 'print pack(\"l<*\", 1, 2, 3, 4)' >$CARD/banks/bank0/a &&
	perl -e 'print pack(\"l<*\", 10, 20, 30, 40)' >$CARD/banks/bank0/b &&
	truncate -s 16 $CARD/banks/bank1/c &&
	echo 'banks/bank0/a banks/bank0/b banks/bank1/c 4' >$CARD/kernels/vadd_1/args &&
	echo call >$CARD/kernels/vadd_1/run")
ok $? "a group member makes buffers, sets args and calls vadd ($out)"
[ "$(od -An -td4 "$CARD/banks/bank1/c" | tr -s ' ')" = " 11 22 33 44" ]
ok $? "... which computed 11 22 33 44"
out=$(as $IN "perl -e 'open(my \$f, \"+<\", \$ARGV[0]) or die \$!; sysseek(\$f, 52, 0);
	syswrite(\$f, pack(\"L<\", 2)) == 4 or die \$!' $CARD/kernels/vadd_1/registers &&
	od -An -tx4 -j52 -N4 $CARD/kernels/vadd_1/registers")
[ $? -eq 0 ] && [ "$(echo $out)" = 00000002 ]
ok $? "a group member writes and reads a register ($out)"
# Someone outside the group: nothing, and nothing changes.
before=$(cat "$CARD/kernels/vadd_1/args" "$CARD/kernels/vadd_1/stats" "$CARD/uuid")
expect_as $OUT EACCES open "$CARD/overlay" O_WRONLY,O_TRUNC
expect_as $OUT EACCES open "$CARD/banks/bank0/x" O_WRONLY,O_CREAT
expect_as $OUT EACCES open "$CARD/kernels/vadd_1/args" O_WRONLY
expect_as $OUT EACCES open "$CARD/kernels/vadd_1/run" O_WRONLY
expect_as $OUT EACCES open "$CARD/kernels/vadd_1/registers" O_RDWR
expect_as $OUT EACCES open "$CARD/state" O_RDONLY
[ "$(cat "$CARD/kernels/vadd_1/args" "$CARD/kernels/vadd_1/stats" "$CARD/uuid")" = "$before" ] &&
	[ ! -e "$CARD/banks/bank0/x" ]
ok $? "nothing changed"

# setuid and setgid go when someone other than root writes.
chmod 6777 "$CARD/banks/bank0/a"
expect 06777 stat "$CARD/banks/bank0/a" mode
expect_as $IN 0 pwrite "$CARD/banks/bank0/a" 0 x
expect 0777 stat "$CARD/banks/bank0/a" mode
chmod 4755 "$CARD/banks/bank0/b"
echo y >>"$CARD/banks/bank0/b"
expect 04755 stat "$CARD/banks/bank0/b" mode

# Names past NAME_MAX are ENAMETOOLONG, whatever the call.
long=$(printf '%0300d' 0)
for call in "stat $CARD/banks/bank0/$long size" "truncate $CARD/banks/bank0/$long 0" \
	"unlink $CARD/banks/bank0/$long" "rmdir $CARD/banks/bank0/$long" \
	"chmod $CARD/banks/bank0/$long 0644" "rename $CARD/banks/bank0/$long $CARD/banks/bank0/y" \
	"open $CARD/banks/bank0/$long O_WRONLY,O_CREAT"; do
	# shellcheck disable=SC2086
	expect ENAMETOOLONG $call
done
mkdir "$CARD/banks/bank0/$long" 2>/dev/null
[ $? -ne 0 ] && grep -q "00000000000000000000000000000000000000\.\.\.: a name of 300 bytes; at most 255" "$CARD/log"
ok $? "mkdir of a 300-byte name: refused, and the log says why"
# Every failure has its line: xattrs, which are pynqfs's alone.
setfattr -n user.x -v 1 "$CARD/banks/bank0/a" 2>/dev/null
[ $? -ne 0 ] && grep -q "banks/bank0/a: xattr user.x cannot be set" "$CARD/log"
ok $? "setfattr on a buffer: refused, logged"
setfattr -x user.pynq.address "$CARD/banks/bank0/a" 2>/dev/null
[ $? -ne 0 ] && grep -q "banks/bank0/a: xattr user.pynq.address cannot be removed" "$CARD/log"
ok $? "setfattr -x: refused, logged"

# "size = 1024", as people type it.
echo 'size = 1024' >"$CARD/kernels/vadd_1/args"
ok $? "echo 'size = 1024' > args"
grep -q '^size=1024$' "$CARD/kernels/vadd_1/args"
ok $? "... sets size to 1024"
echo '= 5' >"$CARD/kernels/vadd_1/args" 2>/dev/null
[ $? -ne 0 ]
ok $? "'= 5' is refused"
card_log_has "'=5': a value with no arg name before '='"

# Mounting again on a live mount is refused; nothing is stacked.
"$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "is a pynqfs mount already" "$WORK/err" &&
	[ "$(grep -c " $MNT fuse.pynqfs" /proc/mounts)" = 1 ]
ok $? "a second mount on the same point: refused ($(cat "$WORK/err"))"
rm -f "$CARD"/banks/*/*
unmount_pynqfs

# Switching the active card at run time, like Device.active_device.
write_conf <<C
cards = ( { backend = "sim"; name = "a"; }, { backend = "sim"; name = "b"; },
          { backend = "sim"; name = "c"; } );
C
mount_pynqfs -o config="$CONF"
ln -sfn card2 "$MNT/active"
ok $? "ln -sfn card2 active"
[ "$(readlink "$MNT/active")" = card2 ] && [ "$(cat "$MNT/active/name")" = c ]
ok $? "active now leads to card2"
grep -q "active: now card2 (was card0)" "$MNT/card2/log"
ok $? "card2's log says so"
[ "$(ls "$MNT" | tr '\n' ' ')" = "active card0 card1 card2 cards " ]
ok $? "no temporary link is left behind"
ln -sfn card9 "$MNT/active" 2>/dev/null
[ $? -ne 0 ] && [ "$(readlink "$MNT/active")" = card2 ]
ok $? "to a card that does not exist: refused (ENOENT), active unchanged"
expect ENOENT symlink card9 "$MNT/x9"
expect ENOENT symlink ./card9 "$MNT/x9"
expect EPERM symlink /etc "$MNT/elsewhere"
expect EPERM symlink card1 "$MNT/card0/banks/x"
expect EEXIST symlink card1 "$MNT/active"
expect 0 symlink card1 "$MNT/stray"
expect EPERM rename "$MNT/stray" "$MNT/card0/banks/stray"
expect EPERM rename "$MNT/stray" "$MNT/other"
expect 0 unlink "$MNT/stray"
[ "$(readlink "$MNT/active")" = card2 ] && [ ! -e "$MNT/stray" ]
ok $? "a link that is not renamed onto active can only be removed; active unchanged"
expect_as $IN EACCES symlink card1 "$MNT/mine"
unmount_pynqfs

# Config refusals: modes with special bits, names no script can split.
for bad in 'mode = "4777";' 'mode = "7777";' 'mode = "1777";'; do
	write_conf <<C
cards = ( { backend = "sim"; name = "a"; $bad } );
C
	"$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>"$WORK/err"
	[ $? -ne 0 ] && grep -q "pynqfs.conf:1: mode .*only permission bits" "$WORK/err"
	ok $? "$bad is refused with FILE:LINE ($(cat "$WORK/err"))"
done
write_conf <<'C'
cards = ( { backend = "sim"; name = "a"; device = "all"; } );
C
"$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q 'pynqfs.conf:1: device = "all" is for xrt cards' "$WORK/err"
ok $? "device = \"all\" on a sim card is refused ($(cat "$WORK/err"))"
write_conf <<'C'
cards = ( { backend = "sim"; name = "x y z"; } );
C
"$PYNQFS_BUILD/pynqfs" -o config="$CONF" "$MNT" 2>"$WORK/err"
[ $? -ne 0 ] && grep -q "pynqfs.conf:1: name \"x y z\" has white space" "$WORK/err"
ok $? "a name with spaces is refused ($(cat "$WORK/err"))"

# What pynqfs prints: its own version first; no libfuse noise in -f.
[ "$("$PYNQFS_BUILD/pynqfs" --version | head -1)" = "pynqfs $(sed -n "s/^  version : '\(.*\)',/\1/p" "$PYNQFS_SRC/meson.build")" ]
ok $? "--version says pynqfs's version first"
"$PYNQFS_BUILD/pynqfs" -f "$MNT" 2>"$WORK/err" &
fg=$!
i=0
while ! mountpoint -q "$MNT" && [ $i -lt 200 ]; do
	sleep 0.05 # waiting for the mount to appear, not for a race
	i=$((i + 1))
done
fusermount3 -u "$MNT"
wait $fg
! grep -q "Ignoring invalid" "$WORK/err"
ok $? "-f prints no libfuse warning ($(cat "$WORK/err"))"
done_testing
