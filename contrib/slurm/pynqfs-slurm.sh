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

# The job's card indexes, one per line, from `scontrol show job -d`
# ("GRES=fpga:2(IDX:0-1)", "GRES=fpga:u280:1(IDX:3)", "IDX:0,2-3").
job_cards() {
	scontrol show job -d "$1" 2>/dev/null |
		sed -n "s/.*GRES=.*$GRES[^(]*(IDX:\([0-9,-]*\)).*/\1/p" | head -n 1 |
		tr ',' '\n' | while IFS=- read -r a b; do
		[ -n "$a" ] || continue
		i=$a
		while [ "$i" -le "${b:-$a}" ]; do
			echo "$i"
			i=$((i + 1))
		done
	done
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
		# Reading run waits for every run started (bounded by the run timeout).
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
