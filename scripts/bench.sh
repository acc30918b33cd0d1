#!/bin/sh
# Benchmarks, side by side in one run: pynqfs (a sim card, release build)
# against a trivial in-memory FUSE filesystem (bench/memfs.c: same libfuse,
# same request size, direct_io) and tmpfs. Several rounds, the targets
# alternating within each; prints one table of median time ratios
# (pynqfs / memfs: 1.00 is par, lower is better) with their range, and the
# machine. Absolute times are printed for reference only.
#   scripts/bench.sh [--quick]      (--quick: tiny sizes, one round: a smoke run)
# PYNQFS_BENCH_ROUNDS sets the rounds (3).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
QUICK=0
[ "${1:-}" = --quick ] && QUICK=1
ROUNDS=${PYNQFS_BENCH_ROUNDS:-3}
SEQ_MB=1024 RAND_N=20000 NFILES=10000 NSHELL=500 NLAUNCH=5000 GROW_MB=128 CU_MB=64 NGUARD=200 GUARD_MB=4
NPIPE=4000000
if [ $QUICK = 1 ]; then
	ROUNDS=1 SEQ_MB=16 RAND_N=500 NFILES=200 NSHELL=20 NLAUNCH=100 GROW_MB=8 CU_MB=1 NGUARD=6 GUARD_MB=1
	NPIPE=20000
fi

./scripts/deps.sh >/dev/null
./scripts/build.sh build-bench --buildtype=release >/dev/null
ninja -C build-bench memfs randio launch pipe3 >/dev/null
B=$top/build-bench
W=$(mktemp -d /tmp/pynqfs-bench.XXXXXX)
P=$W/p M=$W/m T=$W/t
mkdir "$P" "$M" "$T" "$W/p16"
cleanup() {
	for d in "$P" "$M" "$W/p16"; do fusermount3 -u "$d" 2>/dev/null || true; done
	umount "$T" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
cat >"$W/conf" <<C
cards = ( { backend = "sim"; name = "xilinx_u280_gen3x16_xdma_1_202211_1"; any_shell = true; },
          { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; },
          { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; } );
sim = { kernel_path = [ "$B/examples/kernels", "$B/tests/kernels" ]; };
C
"$B/pynqfs" -o config="$W/conf" "$P"
PD=$(pgrep -n -f "^$B/pynqfs .*$P\$")
"$B/memfs" "$M"
mount -t tmpfs -o size=4g tmpfs "$T"
C0=$P/card0 C1=$P/card1 C2=$P/card2
cp "$B/examples/hbm_multi.xclbin" "$C0/overlay"
# card1: two CUs of a kernel that only waits (sleeper: ms milliseconds), to
# see how far CUs overlap when the machine's memory bandwidth is no limit.
cp "$B/tests/faulty.xclbin" "$C1/overlay"
for cu in 1 2; do
	head -c 4 /dev/zero >"$C1/banks/bank0/s$cu"
	echo "banks/bank0/s$cu 50" >"$C1/kernels/sleeper_$cu/args"
	echo call >"$C1/kernels/sleeper_$cu/run"
done
# card2: the stream pipeline mm2s -> increment (free-running) -> s2mm.
cp "$B/examples/pipeline.xclbin" "$C2/overlay"
perl -e 'print pack("l<*", 1 .. $ARGV[0])' $NPIPE >"$C2/banks/bank0/in"
truncate -s $((NPIPE * 4)) "$C2/banks/bank1/out"
echo "banks/bank0/in $NPIPE" >"$C2/kernels/mm2s_1/args"
echo "banks/bank1/out $NPIPE" >"$C2/kernels/s2mm_1/args"
# Where each target keeps its files: a bank directory on the card.
dir_of() { case $1 in P) echo "$C0/banks/DDR0" ;; M) echo "$M" ;; T) echo "$T" ;; esac; }

RES=$W/results
now() { date +%s%N; }
# rec CASE TARGET ROUND SECONDS
rec() { echo "$1 $2 $3 $4" >>"$RES"; }
# timed CASE TARGET ROUND CMD...: run CMD, record its wall time
timed() {
	c=$1 t=$2 r=$3
	shift 3
	a=$(now)
	"$@" >/dev/null 2>"$W/err" || {
		echo "bench: $c on $t failed: $*: $(cat "$W/err")" >&2
		exit 1
	}
	b=$(now)
	rec "$c" "$t" "$r" "$(echo "$a $b" | awk '{ printf "%.6f", ($2 - $1) / 1e9 }')"
}
rss() { awk '/^VmRSS:/ { print $2 }' /proc/"$PD"/status; }

head -c $((64 * 1024 * 1024)) /dev/urandom >"$W/src64"
[ $QUICK = 1 ] && head -c $((1024 * 1024)) "$W/src64" >"$W/src" || cp "$W/src64" "$W/src"

round=1
while [ $round -le "$ROUNDS" ]; do
	echo "bench: round $round of $ROUNDS" >&2
	# Data: sequential, random, cp over an existing file.
	for t in P M T; do
		d=$(dir_of $t)
		rm -f "$d/seq"
		timed seq-write $t $round dd if=/dev/zero of="$d/seq" bs=1M count=$SEQ_MB
		timed seq-read $t $round dd if="$d/seq" of=/dev/null bs=1M
		rm -f "$d/seq"
		cp "$W/src" "$d/cp"
		timed cp-over $t $round cp "$W/src" "$d/cp"
		rm -f "$d/cp"
		out=$("$B/randio" "$d/rand" $((256 * 1024 * 1024)) $RAND_N)
		rec rand-write $t $round "${out% *}"
		rec rand-read $t $round "${out#* }"
		rm -f "$d/rand"
	done
	# Metadata: create, ls -l, stat each, unlink, of NFILES files.
	for t in P M T; do
		d=$(dir_of $t)/many
		mkdir "$d"
		r0=$(rss)
		timed create $t $round perl -e 'for (1 .. $ARGV[1]) { open(my $f, ">", "$ARGV[0]/f$_") or die $! }' "$d" $NFILES
		[ $t = P ] && echo "rss-per-empty-buffer P $round $((($(rss) - r0) * 1024 / NFILES))" >>"$W/mem"
		timed ls-l $t $round ls -l "$d"
		timed stat-each $t $round perl -e 'for (1 .. $ARGV[1]) { lstat("$ARGV[0]/f$_") or die $! }' "$d" $NFILES
		timed unlink $t $round perl -e 'for (1 .. $ARGV[1]) { unlink("$ARGV[0]/f$_") or die $! }' "$d" $NFILES
		rmdir "$d"
	done
	# Launches: a shell's echo call > run against echo x > file, and a
	# client keeping run open against 1-byte write+read round trips.
	head -c 4096 /dev/zero >"$C0/banks/HBM0/a"
	head -c 4096 /dev/zero >"$C0/banks/HBM1/c"
	echo "banks/HBM0/a banks/HBM0/a banks/HBM1/c 1024" >"$C0/kernels/vmult_1/args"
	for t in P M T; do
		f=$(dir_of $t)/x
		[ $t = P ] && f=$C0/kernels/vmult_1/run || echo x >"$f"
		w=x
		[ $t = P ] && w=call
		timed shell-echo $t $round sh -c 'i=0; while [ $i -lt $1 ]; do echo "$2" >"$3" || exit 1; i=$((i + 1)); done' sh $NSHELL $w "$f"
		if [ $t = P ]; then
			rec launch-fd P $round "$("$B/launch" "$f" $NLAUNCH)"
		else
			rec launch-fd $t $round "$("$B/launch" -b "$f" $NLAUNCH)"
			rm -f "$f"
		fi
	done
	rm -f "$C0/banks/HBM0/a" "$C0/banks/HBM1/c"
	# Two files growing at once, against one after the other.
	for t in P M T; do
		d=$(dir_of $t)
		grow='g() { dd if=/dev/zero of="$1" bs=1M count=$2 oflag=append conv=notrunc status=none; }'
		timed grow-serial $t $round sh -c "$grow; g \"\$1/g1\" \$2 && g \"\$1/g2\" \$2" sh "$d" $GROW_MB
		rm -f "$d/g1" "$d/g2"
		timed grow-parallel $t $round sh -c "$grow; g \"\$1/g1\" \$2 & g \"\$1/g2\" \$2 & wait" sh "$d" $GROW_MB
		rm -f "$d/g1" "$d/g2"
	done
	# Two CUs in parallel (two processes) against the same runs one after the other.
	n=$((CU_MB * 1024 * 1024 / 4))
	for cu in 1 2; do
		b0=$((2 * (cu - 1))) b1=$((2 * (cu - 1) + 1))
		head -c $((n * 4)) /dev/zero >"$C0/banks/HBM$b0/i$cu"
		truncate -s $((n * 4)) "$C0/banks/HBM$b1/o$cu"
		echo "banks/HBM$b0/i$cu banks/HBM$b0/i$cu banks/HBM$b1/o$cu $n" >"$C0/kernels/vmult_$cu/args"
	done
	call='c() { echo call >"$1/kernels/vmult_$2/run"; }'
	# Once untimed: a CU's first run starts its runner and maps its buffers.
	sh -c "$call; c \"\$1\" 1 && c \"\$1\" 2" sh "$C0"
	timed cus-serial P $round sh -c "$call; c \"\$1\" 1 && c \"\$1\" 2" sh "$C0"
	timed cus-parallel P $round sh -c "$call; c \"\$1\" 1 & a=\$!; c \"\$1\" 2 & b=\$!; wait \$a && wait \$b" sh "$C0"
	rm -f "$C0"/banks/HBM*/i? "$C0"/banks/HBM*/o?
	# The memory guard's cost: runs naming other buffers each time (taking
	# turns between 2, within what a runner keeps mapped; between 6, more)
	# against runs naming the same ones.
	n=$((GUARD_MB * 1024 * 1024 / 4))
	for s in 1 2 3 4 5 6; do
		head -c $((n * 4)) /dev/zero >"$C0/banks/HBM0/gi$s"
		truncate -s $((n * 4)) "$C0/banks/HBM1/go$s"
	done
	runs='r() { i=0; while [ $i -lt $2 ]; do s=$((i % $3 + 1));
		echo "banks/HBM0/gi$s banks/HBM0/gi$s banks/HBM1/go$s $4" >"$1/kernels/vmult_1/args" &&
		echo call >"$1/kernels/vmult_1/run" || exit 1; i=$((i + 1)); done; }'
	for k in 1 2 6; do
		timed guard-turns-$k P $round sh -c "$runs; r \"\$1\" \$2 $k \$3" sh "$C0" $NGUARD $n
	done
	rm -f "$C0"/banks/HBM*/g??
	call='c() { echo call >"$1/kernels/sleeper_$2/run"; }'
	timed sleepers-serial P $round sh -c "$call; c \"\$1\" 1 && c \"\$1\" 2" sh "$C1"
	timed sleepers-parallel P $round sh -c "$call; c \"\$1\" 1 & a=\$!; c \"\$1\" 2 & b=\$!; wait \$a && wait \$b" sh "$C1"
	# NPIPE elements through the three stages, against the same FIFOs
	# between three threads of one process (bench/pipe3.c).
	pipe='p() { echo start >"$1/kernels/s2mm_1/run" && echo call >"$1/kernels/mm2s_1/run" &&
		echo wait >"$1/kernels/s2mm_1/run"; }'
	timed pipeline P $round sh -c "$pipe; p \"\$1\"" sh "$C2"
	timed pipeline M $round "$B/pipe3" $NPIPE
	# Two writers at once, each on its own file.
	for t in P M T; do
		d=$(dir_of $t)
		timed writers-2 $t $round sh -c 'dd if=/dev/zero of="$1/w1" bs=1M count=$2 status=none & dd if=/dev/zero of="$1/w2" bs=1M count=$2 status=none & wait' sh "$d" $((SEQ_MB / 4))
		rm -f "$d/w1" "$d/w2"
	done
	# Mounting 16 cards, against mounting memfs.
	{
		printf 'cards = ( '
		i=0
		while [ $i -lt 16 ]; do
			[ $i -gt 0 ] && printf ', '
			printf '{ backend = "sim"; name = "xilinx_u280_gen3x16_xdma_1_202211_1"; any_shell = true; }'
			i=$((i + 1))
		done
		printf ' );\n'
	} >"$W/conf16"
	timed mount-16 P $round "$B/pynqfs" -o config="$W/conf16" "$W/p16"
	echo "rss-16-cards P $round $(awk '/^VmRSS:/ { print $2 }' /proc/"$(pgrep -n -f "^$B/pynqfs .*$W/p16\$")"/status)" >>"$W/mem"
	fusermount3 -u "$W/p16"
	fusermount3 -u "$M"
	timed mount-16 M $round "$B/memfs" "$M"
	round=$((round + 1))
done

perl - "$RES" "$W/mem" "$ROUNDS" "$QUICK" "$NPIPE" <<'PERL'
use strict;
use warnings;
my ($res, $mem, $rounds, $quick) = @ARGV;
my (%t, @order);
open(my $f, '<', $res) or die;
while (<$f>) {
	my ($c, $tg, $r, $s) = split;
	push @order, $c unless exists $t{$c};
	$t{$c}{$tg}[$r - 1] = $s;
}
sub median { my @s = sort { $a <=> $b } @_; $s[$#s / 2] }
my %target = ('seq-write' => 1.11, 'seq-read' => 1.11, 'rand-write' => 1.11, 'rand-read' => 1.11,
	'cp-over' => 1.11, 'ls-l' => 2, 'stat-each' => 2, 'create' => 1.5, 'unlink' => 1.5,
	'shell-echo' => 2, 'launch-fd' => 2);
printf "%-17s %10s %10s %10s  %-22s %-22s %s\n", 'work', 'pynqfs s', 'memfs s', 'tmpfs s',
	'pynqfs/memfs', 'pynqfs/tmpfs', 'target';
for my $c (@order) {
	my $p = $t{$c}{P} or next;
	my @cols = map { $t{$c}{$_} ? sprintf('%.4f', median(@{ $t{$c}{$_} })) : '-' } qw(P M T);
	my @rat;
	for my $base (qw(M T)) {
		if (!$t{$c}{$base}) { push @rat, "-"; next }
		my @r = map { $p->[$_] / $t{$c}{$base}[$_] } 0 .. $#$p;
		my @s = sort { $a <=> $b } @r;
		push @rat, sprintf('%.2f (%.2f-%.2f)', median(@r), $s[0], $s[-1]);
	}
	printf "%-17s %10s %10s %10s  %-22s %-22s %s\n", $c, @cols, @rat,
		$target{$c} ? "<= $target{$c}" : '';
}
# Ratios within one filesystem.
for my $pair (['grow-parallel', 'grow-serial', 'two files growing at once / one after the other'],
	['cus-serial', 'cus-parallel', 'two CUs: serial / parallel (speedup; target >= 1.8)'],
	['sleepers-serial', 'sleepers-parallel', 'two CUs of a 50 ms kernel that only waits: serial / parallel'],
	['guard-turns-2', 'guard-turns-1', 'vmult runs taking turns between 2 sets of buffers / the same buffers'],
	['guard-turns-6', 'guard-turns-1', 'vmult runs taking turns between 6 sets of buffers / the same buffers']) {
	my ($x, $y, $what) = @$pair;
	for my $tg (qw(P M T)) {
		next unless $t{$x}{$tg} && $t{$y}{$tg};
		my @r = map { $t{$x}{$tg}[$_] / $t{$y}{$tg}[$_] } 0 .. $#{ $t{$x}{$tg} };
		my @s = sort { $a <=> $b } @r;
		printf "%s, %s: %.2f (%.2f-%.2f)\n", $what, { P => 'pynqfs', M => 'memfs', T => 'tmpfs' }->{$tg},
			median(@r), $s[0], $s[-1];
	}
}
if ($t{pipeline}{P}) {
	my $n = $ARGV[4];
	printf "stream pipeline, 3 stages (mm2s, increment free-running, s2mm), pynqfs: %.2f M elements/s (median; target >= 1); 3 threads on the same FIFOs: %.2f M/s\n",
		$n / median(@{ $t{pipeline}{P} }) / 1e6, $n / median(@{ $t{pipeline}{M} }) / 1e6;
}
open(my $m, '<', $mem) or die;
my %mm;
while (<$m>) { my ($k, undef, undef, $v) = split; push @{ $mm{$k} }, $v }
printf "daemon memory per empty buffer: %d bytes (median of %d rounds; target <= 1024)\n",
	median(@{ $mm{'rss-per-empty-buffer'} }), scalar @{ $mm{'rss-per-empty-buffer'} };
printf "daemon RSS with 16 cards mounted: %d kB\n", median(@{ $mm{'rss-16-cards'} });
PERL
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
	"$(uname -sr), libfuse $(pkg-config --modversion fuse3); $ROUNDS rounds; sizes: seq ${SEQ_MB} MiB," \
	"random $RAND_N x 4 KiB in 256 MiB, $NFILES files, $NSHELL shell echoes, $NLAUNCH launches," \
	"$NGUARD guard runs on ${GUARD_MB} MiB buffers"
echo "bench: OK"
