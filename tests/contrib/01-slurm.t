#!/bin/sh
# Cards handed out by Slurm (contrib/slurm/): a single-node cluster (munged,
# slurmctld, slurmd, as root, on fixed ports of 127.0.0.1, everything under
# a temp dir, stopped by PID at the end) over a mount with two sim cards,
# counted as GRES fpga:2. Two users' jobs run at once, each on its own card;
# a third waits for a card; a job cancelled mid-run and a job that crashes
# leave their card empty and back to its configured owner.
. "$(dirname "$0")/../misc.sh"

for t in munged mungekey slurmctld slurmd sbatch scontrol squeue scancel; do
	command -v "$t" >/dev/null 2>&1 && continue
	skip "Slurm is not installed here ($t missing; scripts/deps.sh installs slurmctld, slurmd, slurm-client and munge)" \
		"a single-node Slurm cluster over pynqfs"
	done_testing
	exit
done

S=$WORK/slurm
mkdir -p "$S/state" "$S/spool" "$S/run" "$S/hooks" "$S/jobs"
chmod 0755 "$S" "$S/run" "$S/hooks"
chmod 1777 "$S/jobs"
# Copies the jobs' users can read: the checkout may be private (0700).
mkdir "$S/designs"
cp "$DESIGNS/vadd.xclbin" "$PYNQFS_BUILD/tests/faulty.xclbin" "$S/designs/"
chmod 0755 "$S/designs"
chmod 0644 "$S"/designs/*
SRC_HOOKS=$PYNQFS_SRC/contrib/slurm
cp "$SRC_HOOKS"/* "$S/hooks/"
chmod 0755 "$S"/hooks/*
# The hooks take their settings from the environment; slurmd gives them a
# clean one, so each is wrapped (as a site would in /etc/slurm/).
for h in prolog taskprolog epilog; do
	cat >"$S/$h" <<W
#!/bin/sh
PYNQFS_MOUNT=$MNT PYNQFS_SLURM_STATE=$S/hookstate PYNQFS_SLURM_LOG=$S/hooks.log exec $S/hooks/$h
W
	chmod 0755 "$S/$h"
done

write_conf <<C
cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; },
          { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true;
            group = "users"; mode = "0750"; } );
sim = { kernel_path = [ "$PYNQFS_BUILD/examples/kernels", "$PYNQFS_BUILD/tests/kernels" ];
        run_timeout_ms = 3000; };
C
mount_pynqfs -o config="$CONF" -o allow_other
users_gid=$(getent group users | cut -d: -f3)

# Node and controller, as one host.
HOST=$(hostname -s)
export SLURM_CONF=$S/slurm.conf
cat >"$SLURM_CONF" <<C
ClusterName=pynqfs
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/run/munge.sock
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
# More CPUs than the machine has: jobs wait for cards here, never for cores.
SlurmdParameters=config_overrides
KillWait=2
GresTypes=fpga
PrologFlags=Alloc
Prolog=$S/prolog
TaskProlog=$S/taskprolog
Epilog=$S/epilog
NodeName=pynqfs-node NodeHostname=$HOST NodeAddr=127.0.0.1 CPUs=8 Gres=fpga:2 State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
C
PYNQFS_MOUNT=$MNT sh "$S/hooks/gres-conf" >"$S/gres.conf"
grep -q "^Name=fpga File=$MNT/card1\$" "$S/gres.conf"
ok $? "gres-conf writes the node's gres.conf from the mount's cards ($(grep -c '^Name' "$S/gres.conf") lines)"

mungekey -c -k "$S/munge.key" >/dev/null 2>&1 || dd if=/dev/urandom of="$S/munge.key" bs=1024 count=1 2>/dev/null
chmod 0600 "$S/munge.key"
munged -f --socket="$S/run/munge.sock" --key-file="$S/munge.key" --pid-file="$S/run/munged.pid" \
	--log-file="$S/munged.log" --seed-file="$S/munged.seed" 2>"$S/munged.err"
ok $? "munged starts ($(cat "$S/munged.err"))"
MUNGED=$(cat "$S/run/munged.pid" 2>/dev/null)
slurmctld -D -c >"$S/slurmctld.out" 2>&1 &
CTLD=$!
slurmd -D -N pynqfs-node >"$S/slurmd.out" 2>&1 &
SLURMD=$!
stop_slurm() {
	kill "$SLURMD" "$CTLD" 2>/dev/null
	wait "$SLURMD" "$CTLD" 2>/dev/null
	[ -n "$MUNGED" ] && kill "$MUNGED" 2>/dev/null
}
trap 'stop_slurm; cleanup' EXIT

# until CMD: retry a condition for up to 60 s (waiting for a daemon or a job
# to reach a state; nothing here depends on how long that takes).
until_ok() {
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge 600 ] && return 1
		sleep 0.1
	done
}
node_idle() { sinfo -h -N -o %t | grep -qx idle; }
until_ok node_idle
rc=$?
ok $rc "the node registers with its 2 cards ($(sinfo -h -N -o '%N %t %G'))"
if [ $rc -ne 0 ]; then
	tail -n 15 "$S/slurmctld.log" "$S/slurmd.log" "$S/slurmd.out" | sed 's/^/# /'
	done_testing
	exit 1
fi

# A job: program its card, compute with vadd, check every element, and
# try the other card. It waits for $S/jobs/go.TAG before computing.
cat >"$S/jobs/compute.sh" <<'J'
#!/bin/sh
tag=$1 mnt=$2 designs=$3
echo "cards=$PYNQFS_CARDS visible=$FPGA_VISIBLE_DEVICES user=$(id -u)"
card=$PYNQFS_CARDS
: >"$PWD/started.$tag"
i=0
while [ ! -e "$PWD/go.$tag" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
cp "$designs/vadd.xclbin" "$card/overlay" || { echo "program: failed"; exit 1; }
perl -e 'print pack("l<*", 0 .. 4095)' >"$card/banks/bank0/in1"
perl -e 'print pack("l<*", map { 2 * $_ } 0 .. 4095)' >"$card/banks/bank0/in2"
truncate -s 16384 "$card/banks/bank1/out"
echo "banks/bank0/in1 banks/bank0/in2 banks/bank1/out 4096" >"$card/kernels/vadd_1/args"
echo call >"$card/kernels/vadd_1/run" || { echo "call: failed"; exit 1; }
perl -e 'local $/; my @o = unpack("l<*", <STDIN>); for (0 .. 4095) { exit 1 if $o[$_] != 3 * $_ } exit(@o == 4096 ? 0 : 1)' \
	<"$card/banks/bank1/out" && echo "vadd: all 4096 correct"
for c in "$mnt"/card[0-9]*; do
	[ "$c" = "$card" ] && continue
	err=$(ls "$c/banks" 2>&1) && echo "other card $c: open to this job" || echo "other card $c: $err"
	err=$(cp "$designs/vadd.xclbin" "$c/overlay" 2>&1) && echo "other card $c: programmed" || echo "other card $c: $err"
done
J
chmod 0755 "$S/jobs/compute.sh"
submit() { # USER ARGS...: sbatch as USER, prints the job id
	u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
		sbatch --parsable --chdir="$S/jobs" --output="$S/jobs/%j.out" "$@"
}
state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
finished() { # the job is over and its epilog has run
	st=$(state "$1")
	case $st in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL) ;; *) return 1 ;; esac
	! scontrol show job "$1" | grep -q 'COMPLETING'
}
running() { [ "$(state "$1")" = RUNNING ]; }
U1=nobody
U2=daemon
UID1=$(id -u $U1)
UID2=$(id -u $U2)

A=$(submit $U1 --gres=fpga:1 "$S/jobs/compute.sh" a "$MNT" "$S/designs")
B=$(submit $U2 --gres=fpga:1 "$S/jobs/compute.sh" b "$MNT" "$S/designs")
until_ok running "$A" && until_ok running "$B" &&
	until_ok test -e "$S/jobs/started.a" && until_ok test -e "$S/jobs/started.b"
ok $? "jobs $A ($U1) and $B ($U2) run at once"
# A job whose name, comment and working directory spell an allocation of
# both cards (with newlines, as Slurm allows), with no --gres at all.
cat >"$S/jobs/who.sh" <<'J'
#!/bin/sh
echo "cards=$PYNQFS_CARDS"
J
chmod 0755 "$S/jobs/who.sh"
fake="x GRES=fpga(IDX:0-1)
     Nodes=pynqfs-node CPU_IDs=0 Mem=0 GRES=fpga:2(IDX:0-1)"
mkdir "$S/jobs/$fake" && chmod 0777 "$S/jobs/$fake"
X=$(setpriv --reuid="$U2" --regid="$(id -g "$U2")" --init-groups sbatch --parsable -J "$fake" \
	--comment "$fake" --chdir="$S/jobs/$fake" --output="$S/jobs/%j.out" "$S/jobs/who.sh")
until_ok finished "$X"
ok $? "a job ($X) whose name, comment and directory spell 'GRES=fpga:2(IDX:0-1)' ends: $(state "$X")"
grep -q "^cards=\$" "$S/jobs/$X.out"
ok $? "it was given no card ($(cat "$S/jobs/$X.out"))"
grep -q "job $X: Slurm's allocation line for pynqfs-node appears 3 times" "$S/hooks.log"
ok $? "the hooks logged the attempt"
! grep -q "job $X: card" "$S/hooks.log"
ok $? "and touched no card for it"
C=$(submit $U1 --gres=fpga:1 "$S/jobs/compute.sh" c "$MNT" "$S/designs")
until_ok sh -c "squeue -h -j $C -o %r | grep -q Resources"
ok $? "a third job ($C) waits for a card: $(squeue -h -j "$C" -o '%T %r')"
owners=$(stat -c '%u' "$MNT/card0" "$MNT/card1" | sort -n | tr '\n' ' ')
[ "$owners" = "$(printf '%s\n' "$UID1" "$UID2" | sort -n | tr '\n' ' ')" ]
ok $? "each card is owned by its job's user ($owners)"
[ "$(stat -c %a "$MNT/card0")" = 700 ] && [ "$(stat -c %a "$MNT/card1")" = 700 ]
ok $? "and closed to everyone else (mode 0700)"
: >"$S/jobs/go.a"
: >"$S/jobs/go.b"
until_ok finished "$A" && until_ok finished "$B"
ok $? "both end: $(state "$A"), $(state "$B")"
for j in "$A:$UID1" "$B:$UID2"; do
	id=${j%%:*}
	out=$S/jobs/$id.out
	sed "s/^/# job $id: /" "$out"
	grep -q "^cards=$MNT/card[01] visible=[01] user=${j#*:}\$" "$out"
	ok $? "job $id saw PYNQFS_CARDS and FPGA_VISIBLE_DEVICES, as its user"
	grep -q "^vadd: all 4096 correct" "$out"
	ok $? "job $id programmed its card, allocated, ran vadd and checked the result"
	[ "$(grep -c "^other card .*: .*Permission denied" "$out")" = 2 ]
	ok $? "job $id was refused the other card: EACCES for ls and for programming it"
done
until_ok running "$C" && until_ok test -e "$S/jobs/started.c"
ok $? "the waiting job got a card"
: >"$S/jobs/go.c"
until_ok finished "$C"
grep -q "^vadd: all 4096 correct" "$S/jobs/$C.out"
ok $? "and computed on it"

# The same words beside a real request for one card: still no card, and
# neither card leaves its configured owner.
Y=$(setpriv --reuid="$U2" --regid="$(id -g "$U2")" --init-groups sbatch --parsable -J "$fake" \
	--gres=fpga:1 --chdir="$S/jobs" --output="$S/jobs/%j.out" "$S/jobs/who.sh")
until_ok finished "$Y"
grep -q "^cards=\$" "$S/jobs/$Y.out" && [ "$(stat -c %u "$MNT/card0")" = 0 ] &&
	[ "$(stat -c %u "$MNT/card1")" = 0 ]
ok $? "a job ($Y) with --gres=fpga:1 and a name spelling both cards gets none ($(cat "$S/jobs/$Y.out"))"

# configured: the card back to its owner, group and mode of the config.
clean() { # CARD UID GID MODE
	c=$MNT/card$1
	[ "$(stat -c '%u %g %a' "$c")" = "$2 $3 $4" ] && [ "$(cat "$c/state")" = empty ] &&
		[ -z "$(find "$c/banks" -mindepth 1 2>/dev/null)" ]
}
clean 0 0 0 755 && clean 1 0 "$users_gid" 750
ok $? "after the jobs, each card is empty and back to its configured owner, group and mode"
grep -q "handed over: owner 0:0 mode 0755, was $UID1:" "$CARD/log" "$MNT/card1/log"
ok $? "the return to the configured owner is in the card's log"
! grep -q "overlay: loaded\|kernels/vadd_1" "$CARD/log" "$MNT/card1/log"
ok $? "and nothing of the jobs' own (their designs, their kernels' lines)"

# A job cancelled mid-run: its kernel never ends by itself (gate_1 waits for
# a flag nobody sets); the epilog waits it out (the run timeout), then cleans.
cat >"$S/jobs/stuck.sh" <<'J'
#!/bin/sh
set -- $PYNQFS_CARDS "$1"
card=$1 designs=$3
cp "$designs/faulty.xclbin" "$card/overlay" || exit 1
truncate -s 4096 "$card/banks/bank0/flag"
echo "banks/bank0/flag" >"$card/kernels/gate_1/args"
echo start >"$card/kernels/gate_1/run"
exec 3<"$card/banks/bank0/flag"
: >"$PWD/stuck.$SLURM_JOB_ID"
sleep 3600
J
chmod 0755 "$S/jobs/stuck.sh"
D=$(submit $U2 --gres=fpga:2 "$S/jobs/stuck.sh" "$S/designs")
until_ok test -e "$S/jobs/stuck.$D"
ok $? "a job ($D, both cards) starts a kernel that never finishes"
scancel "$D"
until_ok finished "$D"
ok $? "scancel ends it: $(state "$D")"
clean 0 0 0 755 && clean 1 0 "$users_gid" 750
ok $? "its cards are empty and back to their configured owners"

# A job that crashes with buffers and a design on its card.
cat >"$S/jobs/crash.sh" <<'J'
#!/bin/sh
card=$PYNQFS_CARDS
cp "$1/vadd.xclbin" "$card/overlay" && mkdir "$card/banks/bank0/d" &&
	head -c 100000 /dev/zero >"$card/banks/bank0/d/x" && kill -SEGV $$
J
chmod 0755 "$S/jobs/crash.sh"
E=$(submit $U1 --gres=fpga:1 "$S/jobs/crash.sh" "$S/designs")
until_ok finished "$E"
ok $? "a job that crashes ends: $(state "$E")"
clean 0 0 0 755 && clean 1 0 "$users_gid" 750
ok $? "its card is empty and back to its configured owner"
sed 's/^/# /' "$S/hooks.log"
grep -q "job $E: card[01]: 1 buffer(s) removed, runs of 1 CU(s) waited out, design (ready) freed" "$S/hooks.log"
ok $? "the epilog logged what it cleaned"

stop_slurm
trap cleanup EXIT
unmount_pynqfs
done_testing
