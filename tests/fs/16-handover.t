#!/bin/sh
# Cards handed over at run time (as a scheduler does between jobs): root may
# chown, chgrp and chmod a card directory on a live mount; the files inside
# follow at once; nobody else may; the previous owner's open files stop
# working at their next use; the configured owner stays readable.
. "$(dirname "$0")/../misc.sh"

U1=65534 # nobody
U2=65533
as() { # as UID SHELL-COMMAND
	setpriv --reuid="$1" --regid="$1" --clear-groups sh -c "$2" 2>&1
}
cp "$DESIGNS/vadd.xclbin" "$WORK/vadd.xclbin"
chmod 644 "$WORK/vadd.xclbin"
write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; },
          { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true;
            owner = "$U1"; group = "$U1"; mode = "0750"; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels" ]; };
C
mount_pynqfs -o allow_other,config="$CONF"
xa() { getfattr --absolute-names --only-values -n user.pynq.configured "$1" 2>&1; }
[ "$(xa "$CARD")" = "0:0 0755" ] && [ "$(xa "$MNT/card1")" = "$U1:$U1 0750" ]
ok $? "user.pynq.configured tells each card's configured owner ($(xa "$CARD"); $(xa "$MNT/card1"))"

# Only root hands a card over; permission bits only.
out=$(as $U1 "chmod 0777 $MNT/card1")
[ $? -ne 0 ] && echo "$out" | grep -q "Operation not permitted"
ok $? "its owner may not chmod a card ($out)"
grep -q "card1: only root may hand a card over" "$MNT/card1/log"
ok $? "card1's log says why"
out=$(as $U1 "chown $U1:$U1 $MNT/card1")
[ $? -ne 0 ] && echo "$out" | grep -q "Operation not permitted"
ok $? "nor chown it ($out)"
out=$(chmod 4755 "$CARD" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "Operation not permitted"
ok $? "setuid on a card: EPERM even for root ($out)"
card_log_has "a card takes permission bits only"

# Root gives card0 to U1: closed first, then given, everything inside follows.
chmod 0700 "$CARD" && chown "$U1:$U1" "$CARD"
ok $? "root: chmod 0700, chown $U1:$U1 card0"
expect "$U1" stat "$CARD" uid
expect 0700 stat "$CARD" mode
expect "$U1" stat "$CARD/overlay" uid
expect "$U1" stat "$CARD/overlay" gid
expect 0600 stat "$CARD/overlay" mode
expect 0400 stat "$CARD/state" mode
card_log_has "card0: handed over: owner $U1:$U1 mode 0700, was 0:0 0700"
! grep -q "mode 0700, was 0:0 0755" "$CARD/log"
ok $? "a card given to another owner starts a fresh log (the chmod before it is gone)"
out=$(as $U1 "cp $WORK/vadd.xclbin $CARD/overlay && echo 'size=4' >$CARD/kernels/vadd_1/args")
ok $? "the new owner programs the card and sets args ($out)"
expect "$U1" stat "$CARD/kernels/vadd_1/run" uid
expect 0600 stat "$CARD/kernels/vadd_1/run" mode
expect 01700 stat "$CARD/banks/bank0" mode
expect_as $U2 EACCES open "$CARD/state" O_RDONLY

# U1's files, open across a handover to U2: refused at their next use.
mkfifo "$WORK/go"
as $U1 "perl -e '
	open(my \$a, \">>\", \"$CARD/kernels/vadd_1/args\") or die \"args: \$!\";
	open(my \$l, \"<\", \"$CARD/log\") or die \"log: \$!\";
	open(my \$o, \">\", \"$CARD/overlay\") or die \"overlay: \$!\";
	open(my \$x, \"<\", \"$WORK/vadd.xclbin\"); local \$/; my \$img = <\$x>;
	syswrite(\$o, \$img) == length(\$img) or die \"overlay write: \$!\";
	open(my \$r, \">\", \"$WORK/opened\"); close(\$r);
	open(my \$g, \"<\", \"$WORK/go\"); <\$g>;
	print defined syswrite(\$a, \"size=5\\n\") ? \"args: written\\n\" : \"args: \$!\\n\";
	my \$buf;
	print defined sysread(\$l, \$buf, 100) ? \"log: read\\n\" : \"log: \$!\\n\";
	print close(\$o) ? \"overlay: programmed\\n\" : \"overlay: \$!\\n\";
'" >"$WORK/u1.out" 2>&1 &
u1=$!
i=0
while [ ! -e "$WORK/opened" ] && kill -0 $u1 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.05 # waiting for U1 to have its files open
	i=$((i + 1))
done
stat "$CARD/name" "$CARD/kernels/vadd_1/signature" "$CARD/kernels" >/dev/null # in the kernel's cache now
chown "$U2:$U2" "$CARD"
ok $? "root hands card0 to $U2 while $U1 has args, log and overlay open"
[ "$(stat -c %u "$CARD/name" "$CARD/kernels/vadd_1/signature" "$CARD/kernels" | sort -u)" = "$U2" ]
ok $? "at once, the owner of what the kernel had cached is $U2 too"
echo go >"$WORK/go"
wait $u1
sed 's/^/# /' "$WORK/u1.out"
grep -q "^args: Permission denied" "$WORK/u1.out"
ok $? "$U1's next write to args: EACCES"
grep -q "^log: Permission denied" "$WORK/u1.out"
ok $? "$U1's next read of log: EACCES"
grep -q "^overlay: Permission denied" "$WORK/u1.out"
ok $? "$U1's close of a written overlay: EACCES, nothing programmed"
card_log_has "uid $U1 opened this before the card changed hands"
[ "$(sed -n 's/^size=//p' "$CARD/kernels/vadd_1/args")" = 4 ]
ok $? "args unchanged by the previous owner"
out=$(as $U2 "echo 'size=6' >$CARD/kernels/vadd_1/args && cat $CARD/state")
[ "$out" = ready ]
ok $? "the new owner uses the card ($out)"

# Back to the configured owner, from the xattr, as an epilog does.
set -- $(xa "$CARD")
chmod "$2" "$CARD" && chown "$1" "$CARD"
expect 0 stat "$CARD/overlay" uid
expect 0644 stat "$CARD/overlay" mode
unmount_pynqfs
done_testing
