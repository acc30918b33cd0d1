# Shared by the pynqfs Slurm hooks (sourced, POSIX sh). Settings, from the
# environment slurmd gives the hooks:
#   PYNQFS_MOUNT        where pynqfs is mounted (/mnt/fpga)
#   PYNQFS_SLURM_STATE  where the prolog leaves each job's cards for its
#                       epilog (/run/pynqfs-slurm)
#   PYNQFS_GRES         the GRES name that counts the cards (fpga)
#   PYNQFS_SLURM_LOG    a file to log to, besides syslog (none)
MNT=${PYNQFS_MOUNT:-/mnt/fpga}
STATE=${PYNQFS_SLURM_STATE:-/run/pynqfs-slurm}
GRES=${PYNQFS_GRES:-fpga}

say() { # to the hook's output, syslog, and PYNQFS_SLURM_LOG if set
	echo "pynqfs-slurm: $*" >&2
	[ -n "${PYNQFS_SLURM_LOG:-}" ] && echo "$(date '+%Y-%m-%dT%H:%M:%S') pynqfs-slurm: $*" >>"$PYNQFS_SLURM_LOG"
	command -v logger >/dev/null 2>&1 && logger -t pynqfs-slurm -- "$*" 2>/dev/null
	return 0
}

# The job's card indexes on this node, one per line, from the allocation
# line `scontrol show job -d` prints for each group of nodes:
#      Nodes=n[1-2] CPU_IDs=0-3 Mem=0 GRES=fpga:2(IDX:0-1)
# The job's name, comment, command, paths and working directory are the
# user's words, printed raw, newlines and all: they can spell such a line.
# They can only add lines, never change Slurm's own, so the line must be
# there exactly once for this node; if it is there twice, the job is given
# no card and the attempt is logged.
job_cards() {
	node=${SLURMD_NODENAME:-$(hostname -s)}
	n=0 gres=
	lines=$(scontrol show job -d "$1" 2>/dev/null |
		grep -E '^     Nodes=[^ ]+ CPU_IDs=[^ ]* Mem=[0-9]+ GRES=[^ ]*$') || true
	while read -r nodes _ _ g; do
		[ -n "$nodes" ] || continue
		scontrol show hostnames "${nodes#Nodes=}" 2>/dev/null | grep -qxF "$node" || continue
		n=$((n + 1))
		gres=${g#GRES=}
	done <<LINES
$lines
LINES
	if [ "$n" -gt 1 ]; then
		say "job $1: Slurm's allocation line for $node appears $n times (a job name, comment or path spelling one?): no card given"
		return 1
	fi
	# "fpga:2(IDX:0-1)", "gpu:1(IDX:0),fpga:u280:1(IDX:3)", "IDX:0,2-3"
	echo "$gres" | sed -n "s/^\(.*,\)\{0,1\}$GRES\(:[^(,]*\)*(IDX:\([0-9,-]*\)).*/\3/p" |
		tr ',' '\n' | while IFS=- read -r a b; do
		[ -n "$a" ] || continue
		i=$a
		while [ "$i" -le "${b:-$a}" ]; do
			echo "$i"
			i=$((i + 1))
		done
	done
}

# The running job that card N was given to, if any (from the prolog's
# record, checked with squeue: a field the job's owner cannot spell).
card_holder() {
	j=$(cat "$STATE/card$1.job" 2>/dev/null) || return 1
	[ -n "$j" ] && [ "$j" != "$2" ] || return 1
	st=$(squeue -h -j "$j" -o %T 2>/dev/null) || return 1
	case $st in
	RUNNING | SUSPENDED | COMPLETING | CONFIGURING | STOPPED | SIGNALING)
		echo "$j ($st)"
		return 0
		;;
	esac
	return 1
}

# "UID:GID MODE" that card N was configured with: pynqfs says it in the
# xattr user.pynq.configured; without getfattr, the copy saved the first
# time a prolog saw the card (in its configured state).
configured() {
	if command -v getfattr >/dev/null 2>&1; then
		getfattr --only-values -n user.pynq.configured "$MNT/card$1" 2>/dev/null && return 0
	fi
	cat "$STATE/card$1.configured" 2>/dev/null
}

# ls -ldn's "drwxr-x---" as 0750.
mode_of() {
	echo "$1" | awk '{ m = 0; for (i = 2; i <= 10; i++) { m = m * 2 + (substr($0, i, 1) != "-") }
		printf "%04o\n", m }'
}

save_configured() { # the first time a card is seen, keep its configured owner
	[ -e "$STATE/card$1.configured" ] && return 0
	# shellcheck disable=SC2012
	ls -ldn "$MNT/card$1" | {
		read -r perm _ uid gid _
		echo "$uid:$gid $(mode_of "$perm")"
	} >"$STATE/card$1.configured"
}

# Empty card N: wait out its runs, remove every buffer and directory in its
# banks, free the design, and give it back to its configured owner. Prints
# what it did; non-zero if the card could not be cleaned.
clean_card() {
	c=$MNT/card$1
	[ -d "$c" ] || {
		say "card$1: no such card under $MNT"
		return 1
	}
	runs=0
	for r in "$c"/kernels/*/run; do
		[ -e "$r" ] || continue
		# Queued runs end at once; the running one within the run timeout.
		echo cancel >"$r" 2>/dev/null
		cat "$r" >/dev/null 2>&1
		runs=$((runs + 1))
	done
	nbuf=$(find "$c/banks" -type f 2>/dev/null | wc -l)
	find "$c/banks" -mindepth 2 -depth -delete 2>/dev/null
	design=$(cat "$c/state")
	: >"$c/overlay" || {
		say "card$1: the design could not be freed: $(tail -n 1 "$c/log")"
		return 1
	}
	set -- "$1" $(configured "$1")
	[ -n "${2:-}" ] && chmod "$3" "$c" && chown "$2" "$c" || {
		say "card$1: its configured owner is unknown or cannot be set"
		return 1
	}
	echo "card$1: $nbuf buffer(s) removed, runs of $runs CU(s) waited out, design ($design) freed, owner back to $2 $3"
}
