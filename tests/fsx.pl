#!/usr/bin/perl
# fsx for bank files: random pwrite, pread, truncate up and down, writes past
# the end, cp over, and unlink while open, on several buffers of a mounted
# card, every read checked against an in-memory model of what each buffer
# must hold. Prints the seed, so that a failure can be replayed exactly, and
# on a mismatch the operation and the bytes expected and found.
#
#   fsx.pl --card DIR --seed N --ops N [--kernel] BUFFER...
#
# BUFFERs are card-relative (banks/bank0/f). With --kernel, vadd_1 also runs
# between operations, reading two of the buffers and writing a third, and
# the model computes what it must have written.
use strict;
use warnings;
use Fcntl qw(O_RDWR O_CREAT O_EXCL O_TRUNC O_WRONLY SEEK_SET);
use Getopt::Long;

my ($card, $seed, $ops, $kernel) = ('', time ^ $$, 1000, 0);
GetOptions('card=s' => \$card, 'seed=i' => \$seed, 'ops=i' => \$ops, 'kernel' => \$kernel)
	or die "usage: fsx.pl --card DIR --seed N --ops N [--kernel] BUFFER...\n";
my @bufs = @ARGV or die "fsx.pl: no buffers\n";
srand($seed);
my $MAX = 1 << 20;    # a buffer never grows past 1 MiB here
my (%model, $verified, $n);

sub fail {
	print "not ok 1 - fsx seed $seed, op $n: @_\n1..1\n";
	exit 1;
}

sub path { "$card/$_[0]" }

sub diff_at {    # first differing offset of two strings, or -1
	my ($a, $b) = @_;
	return -1 if $a eq $b;
	my $i = 0;
	$i++ while $i < length($a) && $i < length($b) && substr($a, $i, 1) eq substr($b, $i, 1);
	return $i;
}

sub check {    # check [off, off+len) of buffer $b as read through fd $fh
	my ($b, $fh, $off, $len, $what) = @_;
	my $got = '';
	sysseek($fh, $off, SEEK_SET) or fail("$what: seek $off: $!");
	my $r = sysread($fh, $got, $len);
	fail("$what: read $len at $off: $!") unless defined $r;
	my $want = $off < length($model{$b}) ? substr($model{$b}, $off, $len) : '';
	my $d = diff_at($want, $got);
	if ($d >= 0) {
		fail(sprintf("%s: %s [%d, +%d): byte %d differs: want %s got %s (lengths %d, %d)",
			$what, $b, $off, $len, $off + $d,
			unpack("H*", substr($want, $d, 16)), unpack("H*", substr($got, $d, 16)),
			length($want), length($got)));
	}
	$verified += length($got);
}

# Random bytes: slices of a pool made once from the seed (fast, and replayable).
my $pool = pack('L*', map { int(rand(4294967296)) } 1 .. (1 << 19));
sub rnd_bytes { substr($pool, int(rand(length($pool) - $_[0])), $_[0]) }

sub open_rw {
	my ($b) = @_;
	sysopen(my $fh, path($b), O_RDWR | O_CREAT) or fail("open $b: $!");
	return $fh;
}

for my $b (@bufs) {
	sysopen(my $fh, path($b), O_WRONLY | O_CREAT | O_TRUNC) or fail("create $b: $!");
	$model{$b} = '';
}

for ($n = 1; $n <= $ops; $n++) {
	my $b = $bufs[int(rand(@bufs))];
	my $size = length($model{$b});
	my $op = rand(100);
	if ($op < 35) {    # pwrite, sometimes past the end
		my $off = int(rand($size + 4096));
		my $len = 1 + int(rand(65536));
		$len = $MAX - $off if $off + $len > $MAX;
		next if $len <= 0;
		my $data = rnd_bytes($len);
		my $fh = open_rw($b);
		sysseek($fh, $off, SEEK_SET);
		my $w = syswrite($fh, $data);
		fail("pwrite $len at $off to $b: $!") unless defined $w && $w == $len;
		$model{$b} .= "\0" x ($off - $size) if $off > $size;
		substr($model{$b}, $off, $len) = $data;
	} elsif ($op < 65) {    # pread anywhere, also past the end
		my $fh = open_rw($b);
		check($b, $fh, int(rand($size + 100)), 1 + int(rand(70000)), "pread");
	} elsif ($op < 80) {    # truncate up or down
		my $to = int(rand($MAX / 2));
		truncate(path($b), $to) or fail("truncate $b to $to: $!");
		if ($to < $size) { substr($model{$b}, $to) = '' }
		else { $model{$b} .= "\0" x ($to - $size) }
	} elsif ($op < 88) {    # cp over: O_TRUNC, then the whole new content
		my $data = rnd_bytes(int(rand(200000)));
		sysopen(my $fh, path($b), O_WRONLY | O_TRUNC) or fail("open O_TRUNC $b: $!");
		for (my $at = 0; $at < length($data); $at += 65536) {
			my $chunk = substr($data, $at, 65536);
			syswrite($fh, $chunk) == length($chunk) or fail("cp over $b: $!");
		}
		$model{$b} = $data;
	} elsif ($op < 94) {    # unlink while open: the buffer lives until closed
		my $fh = open_rw($b);
		unlink(path($b)) or fail("unlink $b: $!");
		check($b, $fh, 0, $size, "read after unlink");
		my $data = rnd_bytes(100);
		sysseek($fh, 0, SEEK_SET);
		syswrite($fh, $data) == 100 or fail("write after unlink $b: $!");
		substr($model{$b}, 0, 100) = $data;
		check($b, $fh, 0, 100, "read back after unlink");
		close($fh);
		sysopen(my $nf, path($b), O_WRONLY | O_CREAT | O_EXCL) or fail("re-create $b: $!");
		$model{$b} = '';
	} elsif ($kernel && @bufs >= 3 && $op < 97) {    # vadd_1: c = a + b over their common ints
		my ($x, $y, $z) = @bufs[0 .. 2];
		my $cnt = int(min(length($model{$x}), length($model{$y}), length($model{$z})) / 4);
		next unless $cnt;
		open(my $a, '>', "$card/kernels/vadd_1/args") or fail("args: $!");
		print $a "$x $y $z $cnt\n";
		close($a) or fail("args $x $y $z $cnt: $!");
		open(my $r, '>', "$card/kernels/vadd_1/run") or fail("run: $!");
		print $r "call\n";
		close($r) or fail("call vadd_1: $!");
		my @p = unpack("l<$cnt", $model{$x});
		my @q = unpack("l<$cnt", $model{$y});
		substr($model{$z}, 0, 4 * $cnt) = pack("l<*", map { unpack('l<', pack('l<', $p[$_] + $q[$_])) } 0 .. $cnt - 1);
	} else {    # stat
		my @st = stat(path($b));
		fail("stat $b: $!") unless @st;
		fail("size of $b is $st[7], want $size") unless $st[7] == $size;
	}
}
for my $b (@bufs) {    # everything, once more, at the end
	my $fh = open_rw($b);
	check($b, $fh, 0, length($model{$b}) + 1, "final read");
}
print "ok 1 - fsx seed $seed: $ops ops on " . scalar(@bufs) . " buffers, $verified bytes verified\n1..1\n";

sub min { my $m = shift; for (@_) { $m = $_ if $_ < $m } $m }
