#!/usr/bin/perl
# Operation-sequence fuzzer for a mounted sim card: random create, write,
# read, truncate, rename, unlink, mkdir, rmdir, args, run, program and free,
# each checked against a model of what the card must hold and answer (the
# errno SPEC names, the bytes written, what a kernel computed), with the
# daemon checked alive after every step.
#
#   opfuzz.pl --card DIR --designs DIR --seed N --ops N [--save FILE]
#   opfuzz.pl --card DIR --designs DIR --replay FILE...
#
# A run is a list of text lines, one operation each ("write banks/bank0/f1
# 4096 100 7"); --save writes the lines of a random run (on failure too), and
# --replay runs saved ones (tests/fuzz/ops/ is the corpus). The card must
# start with no design; each replayed file starts from that state again.
# Prints one TAP line per run.
use strict;
use warnings;
use Errno;
use Fcntl qw(O_RDWR O_CREAT O_EXCL O_WRONLY O_TRUNC SEEK_SET);
use Getopt::Long;
use POSIX qw(strerror);

my ($card, $designs, $seed, $ops, $save) = ('', '', time ^ $$, 1000, '');
my @replay;
GetOptions('card=s' => \$card, 'designs=s' => \$designs, 'seed=i' => \$seed,
	'ops=i' => \$ops, 'save=s' => \$save, 'replay' => sub { @replay = (1) })
	or die "usage: opfuzz.pl --card DIR --designs DIR (--seed N --ops N | --replay FILE...)\n";
@replay = @ARGV if @replay;

# What each design holds, as far as the model needs it: banks with their
# capacity, and for each CU the banks of its ports and what it computes.
my %DESIGN = (
	vadd => {
		banks => { bank0 => 16 << 30, bank1 => 16 << 30 },
		cus => { vadd_1 => [qw(bank0 bank0 bank1 add)] },
	},
	hbm_multi => {
		banks => { HBM0 => 256 << 20, HBM1 => 256 << 20, HBM2 => 256 << 20,
			HBM3 => 256 << 20, DDR0 => 16 << 30, PLRAM0 => 128 << 10 },
		cus => { vmult_1 => [qw(HBM0 HBM0 HBM1 mul)], vmult_2 => [qw(HBM2 HBM2 HBM3 mul)] },
	},
);
my @NAMES = qw(f0 f1 f2 d0/f0 d0/f1 d1/f0);
my @DIRS = qw(d0 d1);
my $PAGE = 4096;

my ($replay_file, %OP, $design, %file, %dir, %failed, %seen, $step, $line, @done, %count, $verified);

sub fail {
	my $msg = "opfuzz " . (@replay ? "replay of $replay_file" : "seed $seed") . ", step $step ($line): @_";
	save_run();
	print "not ok 1 - $msg\n";
	# What the card said last: the why of a refusal the model didn't expect.
	print "# log: $_" for grep { defined } (`tail -n 5 '@{[path('log')]}' 2>/dev/null`)[0 .. 4];
	print "1..1\n";
	exit 1;
}

sub save_run {
	return unless $save;
	open(my $f, '>', $save) or die "opfuzz: $save: $!\n";
	print $f "$_\n" for @done;
	close($f);
}

# The outcome of a call: 'ok' or the errno's name.
sub outcome { $_[0] ? 'ok' : do { my ($n) = grep { $!{$_} } keys %!; $n // "errno " . ($! + 0) } }

sub expect {
	my ($what, $got, @want) = @_;
	$seen{$got}++;
	$seen{"$line:$got"}++ if $ENV{OPFUZZ_DEBUG};
	return if grep { $_ eq $got } @want;
	fail("$what: got $got, want " . join(' or ', @want));
}

sub bank_of { $_[0] =~ m{^banks/([^/]+)/} ? $1 : '' }
sub parent { my $p = $_[0]; $p =~ s{/[^/]+$}{}; $p }
sub path { "$card/$_[0]" }
sub pages { int(($_[0] + $PAGE - 1) / $PAGE) * $PAGE }

sub used {    # device memory the model's buffers of a bank take
	my ($bank) = @_;
	my $u = 0;
	$u += pages(length($file{$_})) for grep { bank_of($_) eq $bank } keys %file;
	return $u;
}

sub cap { $design ? $DESIGN{$design}{banks}{ $_[0] } // 0 : 0 }

sub parent_ok {    # the parent directory of a path in a bank exists
	my ($p) = @_;
	my $b = bank_of($p);
	return 0 unless $b && cap($b);
	my $d = parent($p);
	return $d eq "banks/$b" || $dir{$d};
}

# What a resize of buffer $p to $size must answer.
sub resize_outcome {
	my ($p, $size) = @_;
	my $b = bank_of($p);
	return 'EFBIG' if $size > cap($b);
	my $after = used($b) - pages(length($file{$p})) + pages($size);
	return $after > cap($b) ? 'ENOSPC' : 'ok';
}

# Data: slices of a fixed pseudo-random pool, so that a saved run replays.
my $POOL = do { my $x = 1; pack('L*', map { $x = ($x * 1103515245 + 12345) % 2147483648 } 1 .. (1 << 18)) };
sub df_used {    # device memory of a bank in use, as statfs reports it
	my ($b) = @_;
	my ($blocks, $free, $bsize) = split(' ', `stat -f -c '%b %f %S' '@{[path("banks/$b")]}'`);
	return ($blocks - $free) * $bsize;
}

# A bank's memory is contiguous: growing a buffer needs one free range of
# its new size, and a small bank can have room in total but not in one
# piece. The model doesn't place buffers, so it takes that ENOSPC when the
# bank is small, the accounting agrees with the model and the buffer is
# intact, and answers 'ok' for it.
sub fragmented {
	my ($p, $size) = @_;
	my $b = bank_of($p);
	return 'ENOSPC' if cap($b) > (1 << 20);
	my $used = df_used($b);
	fail("ENOSPC growing $p: statfs says $used bytes used, the model " . used($b)) if $used != used($b);
	$OP{read}->($p, 0, length($file{$p}) + 1);
	$seen{"ENOSPC (fragmented, taken as ok)"}++;
	return 'ok';
}

sub data { my ($len, $s) = @_; substr($POOL, $s % (length($POOL) - $len), $len) }

sub alive {
	my @st = stat("$card/state");
	fail("the card is gone: $!") unless @st;
}


$OP{create} = sub {
	my ($p) = @_;
	my $r = sysopen(my $fh, path($p), O_WRONLY | O_CREAT | O_EXCL);
	my $want = exists $file{$p} || $dir{$p} ? 'EEXIST' : parent_ok($p) ? 'ok' : 'ENOENT';
	expect("create $p", outcome($r), $want);
	$file{$p} = '' if $r;
};
$OP{write} = sub {
	my ($p, $off, $len, $s) = @_;
	my $r = sysopen(my $fh, path($p), O_RDWR | O_CREAT);
	expect("open $p", outcome($r), exists $file{$p} || parent_ok($p) ? 'ok' : 'ENOENT');
	return unless $r;
	$file{$p} //= '';
	my $d = data($len, $s);
	my $size = length($file{$p});
	my $new = $off + $len > $size ? $off + $len : $size;
	my $want = resize_outcome($p, $new);
	sysseek($fh, $off, SEEK_SET) or fail("seek $p $off: $!");
	my $w = syswrite($fh, $d);
	my $got = defined $w ? ($w == $len ? 'ok' : "short $w") : outcome(0);
	$got = fragmented($p, $new) if $got eq 'ENOSPC' && $want eq 'ok';
	expect("write $len at $off to $p", $got, $want);
	return unless defined $w;
	$file{$p} .= "\0" x ($off - $size) if $off > $size;
	substr($file{$p}, $off, $len) = $d;
};
$OP{read} = sub {
	my ($p, $off, $len) = @_;
	my $r = sysopen(my $fh, path($p), O_RDWR);
	expect("open $p", outcome($r), exists $file{$p} ? 'ok' : 'ENOENT');
	return unless $r;
	sysseek($fh, $off, SEEK_SET) or fail("seek $p $off: $!");
	my $got = '';
	defined sysread($fh, $got, $len) or fail("read $len at $off of $p: $!");
	my $want = $off < length($file{$p}) ? substr($file{$p}, $off, $len) : '';
	if ($got ne $want) {
		my $i = 0;
		$i++ while $i < length($got) && $i < length($want) && substr($got, $i, 1) eq substr($want, $i, 1);
		fail(sprintf("read %d at %d of %s: byte %d differs: want %s got %s (lengths %d, %d)",
			$len, $off, $p, $off + $i, unpack('H*', substr($want, $i, 16)),
			unpack('H*', substr($got, $i, 16)), length($want), length($got)));
	}
	$verified += length($got);
};
$OP{truncate} = sub {
	my ($p, $size) = @_;
	my $r = truncate(path($p), $size);
	my $want = exists $file{$p} ? resize_outcome($p, $size) : 'ENOENT';
	my $got = outcome($r);
	$got = fragmented($p, $size) if $got eq 'ENOSPC' && $want eq 'ok';
	expect("truncate $p $size", $got, $want);
	return unless $r;
	my $old = length($file{$p});
	if ($size < $old) { substr($file{$p}, $size) = '' }
	else { $file{$p} .= "\0" x ($size - $old) }
};
$OP{rewrite} = sub {    # cp over: open with O_TRUNC, write at off (zeros before it), close
	my ($p, $off, $len, $s) = @_;
	my $r = sysopen(my $fh, path($p), O_WRONLY | O_TRUNC);
	expect("open O_TRUNC $p", outcome($r), exists $file{$p} ? 'ok' : 'ENOENT');
	return unless $r;
	$file{$p} = '';
	my $want = resize_outcome($p, $off + $len);
	my $d = data($len, $s);
	sysseek($fh, $off, SEEK_SET) or fail("seek $p $off: $!");
	my $w = syswrite($fh, $d);
	my $got = defined $w ? ($w == $len ? 'ok' : "short $w") : outcome(0);
	close($fh) or fail("close $p after O_TRUNC: $!");
	$got = fragmented($p, $off + $len) if $got eq 'ENOSPC' && $want eq 'ok';
	expect("rewrite $len at $off of $p", $got, $want);
	$file{$p} = "\0" x $off . $d if defined $w;
};
$OP{stat} = sub {
	my ($p) = @_;
	my @st = stat(path($p));
	expect("stat $p", outcome(scalar @st), exists $file{$p} || $dir{$p} ? 'ok' : 'ENOENT');
	fail("size of $p is $st[7], want " . length($file{$p}))
		if @st && exists $file{$p} && $st[7] != length($file{$p});
};
$OP{rename} = sub {
	my ($p, $q) = @_;
	my $r = rename(path($p), path($q));
	# The kernel looks both paths up before pynqfs sees the rename.
	my $want = !exists $file{$p} || !parent_ok($q) ? 'ENOENT'
		: bank_of($p) ne bank_of($q) ? 'EXDEV' : $dir{$q} ? 'EISDIR' : 'ok';
	expect("rename $p $q", outcome($r), $want);
	return unless $r;
	$file{$q} = delete $file{$p} unless $p eq $q;
};
$OP{unlink} = sub {
	my ($p) = @_;
	my $r = unlink(path($p));
	expect("unlink $p", outcome($r), exists $file{$p} ? 'ok' : $dir{$p} ? 'EISDIR' : 'ENOENT');
	delete $file{$p} if $r;
};
$OP{unlinkopen} = sub {    # open, unlink, use the buffer through the fd, close
	my ($p, $s) = @_;
	my $r = sysopen(my $fh, path($p), O_RDWR);
	expect("open $p", outcome($r), exists $file{$p} ? 'ok' : 'ENOENT');
	return unless $r;
	unlink(path($p)) or fail("unlink open $p: $!");
	stat(path($p)) and fail("$p still listed after unlink");
	my $len = length($file{$p});
	my $want = resize_outcome($p, $len > 100 ? $len : 100);
	my $d = data(100, $s);
	my $w = syswrite($fh, $d);
	expect("write to unlinked $p", defined $w ? 'ok' : outcome(0), $want);
	substr($file{$p}, 0, 100) = $d if defined $w;
	my $got = '';
	sysseek($fh, 0, SEEK_SET);
	defined sysread($fh, $got, 100) or fail("read unlinked $p: $!");
	fail("unlinked $p reads back " . unpack('H*', substr($got, 0, 8))) if $got ne substr($file{$p}, 0, 100);
	$verified += length($got);
	delete $file{$p};
};
$OP{mkdir} = sub {
	my ($p) = @_;
	my $r = mkdir(path($p));
	expect("mkdir $p", outcome($r), $dir{$p} || exists $file{$p} ? 'EEXIST' : parent_ok($p) ? 'ok' : 'ENOENT');
	$dir{$p} = 1 if $r;
};
$OP{rmdir} = sub {
	my ($p) = @_;
	my $r = rmdir(path($p));
	my $full = grep { index($_, "$p/") == 0 } keys %file;
	expect("rmdir $p", outcome($r), !$dir{$p} ? (exists $file{$p} ? 'ENOTDIR' : 'ENOENT')
		: $full ? 'ENOTEMPTY' : 'ok');
	delete $dir{$p} if $r;
};
$OP{ls} = sub {
	my ($b) = @_;
	my $r = opendir(my $dh, path("banks/$b"));
	expect("ls banks/$b", outcome($r), cap($b) ? 'ok' : 'ENOENT');
	return unless $r;
	my $got = join(' ', sort grep { !/^\.\.?$/ } readdir($dh));
	my %want = map { m{^banks/$b/([^/]+)} ? ($1 => 1) : () } keys(%file), keys(%dir);
	my $want = join(' ', sort keys %want);
	fail("ls banks/$b: got '$got', want '$want'") if $got ne $want;
	my $used = df_used($b);
	fail("df banks/$b: $used bytes used, want " . used($b)) if $used != used($b);
};
$OP{xattr} = sub {
	my ($p) = @_;
	my $v = `getfattr --absolute-names --only-values -n user.pynq.bank '@{[path($p)]}' 2>/dev/null`;
	my $want = exists $file{$p} ? bank_of($p) : '';
	fail("user.pynq.bank of $p is '$v', want '$want'") if $v ne $want;
};

sub ctl {    # write text to a control file in one write(2); 'ok' or the errno
	my ($f, $text) = @_;
	sysopen(my $fh, path($f), O_WRONLY) or return outcome(0);
	my $w = syswrite($fh, $text);
	return outcome(0) unless defined $w;
	return close($fh) ? 'ok' : outcome(0);
}

sub unescape { my $t = $_[0] // ''; $t =~ s/%([0-9a-f]{2})/chr(hex($1))/ge; $t }

$OP{args} = sub {    # garbage to args: refused, or set (a later run sets all args again)
	my ($cu, $text) = @_;
	my $cus = $design ? $DESIGN{$design}{cus} : {};
	my $got = ctl("kernels/$cu/args", unescape($text));
	expect("args $cu", $got, $cus->{$cu} ? qw(ok EINVAL EXDEV EFBIG) : 'ENOENT');
};
$OP{runword} = sub {    # garbage to run, never a start: refused, or a wait
	my ($cu, $text) = @_;
	my $cus = $design ? $DESIGN{$design}{cus} : {};
	my $got = ctl("kernels/$cu/run", unescape($text));
	expect("run $cu", $got, !$cus->{$cu} ? 'ENOENT' : $failed{$cu} ? qw(ok EINVAL EFBIG EIO) : qw(ok EINVAL EFBIG));
};
sub run_kernel {    # set all args, then call (or start and wait)
	my ($how, $cu, $x, $y, $z, $n) = @_;
	my $k = $design ? $DESIGN{$design}{cus}{$cu} : undef;
	my $got = ctl("kernels/$cu/args", "$x $y $z $n\n");
	unless ($k) {
		expect("args $cu", $got, 'ENOENT');
		return;
	}
	my $valid = 1;
	my @port = ($x, $y, $z);
	for my $i (0 .. 2) {
		$valid = 0 unless exists $file{ $port[$i] } && bank_of($port[$i]) eq $k->[$i];
	}
	expect("args $cu $x $y $z $n", $got, $valid ? 'ok' : 'EINVAL');
	return unless $valid;
	# An empty buffer has no device memory: the run fails, saying so.
	my $empty = grep { !length($file{$_}) } @port;
	# Past a buffer's end, the sim's guard stops the kernel: see past_end.
	return past_end($how, $cu, $k, $x, $y, $z, $n) if !$empty && grep { 4 * $n > length($file{$_}) } @port;
	if ($how eq 'call') {
		expect("call $cu", ctl("kernels/$cu/run", "call\n"), $empty ? 'EIO' : 'ok');
	} else {
		expect("start $cu", ctl("kernels/$cu/run", "start\n"), 'ok');
		open(my $fh, '<', path("kernels/$cu/run")) or fail("open run: $!");
		my $res = <$fh> // '';
		fail("wait $cu: '$res'") unless $empty ? $res =~ /^error .*empty/ : $res =~ /^done \d+$/;
	}
	$failed{$cu} = $empty;
	return if $empty;
	use integer;
	my @p = unpack("l<$n", $file{$x});
	my @q = unpack("l<$n", $file{$y});
	my @r = map { $k->[3] eq 'add' ? $p[$_] + $q[$_] : $p[$_] * $q[$_] } 0 .. $n - 1;
	substr($file{$z}, 0, 4 * $n) = pack('l<*', map { unpack('l<', pack('L<', $_ & 0xffffffff)) } @r);
};
# A run told more elements than a buffer holds. The guard fails it when
# the kernel touches a page past a buffer (or changes bytes after the end
# in the last page); within the last page a read goes unnoticed (and sees
# zeros), so the run may also end well. Either way the output buffer holds
# the kernel's results up to where it stopped and its old contents after,
# the failure names the arg and the distance, and every other buffer is
# untouched (the model checks them at their next read).
sub past_end {
	my ($how, $cu, $k, $x, $y, $z, $n) = @_;
	my $got;
	if ($how eq 'call') {
		$got = ctl("kernels/$cu/run", "call\n");
		expect("call $cu past the end", $got, qw(ok EIO));
	} else {
		expect("start $cu", ctl("kernels/$cu/run", "start\n"), 'ok');
		$got = 'ok';
	}
	open(my $fh, '<', path("kernels/$cu/run")) or fail("open run: $!");
	my $res = <$fh> // '';
	chomp $res;
	my $bad = $res =~ /^error (read|wrote) 0x[0-9a-f]+, \d+ bytes? (past the end|before the start) of (in1|in2|out_r|in_a|in_b|out) \(banks\//;
	fail("past the end, $cu: run reads '$res'")
		unless $res =~ /^done \d+$/ && $got eq 'ok' || $bad && ($how ne 'call' || $got eq 'EIO');
	$failed{$cu} = $bad;
	$seen{ $bad ? 'stopped by the guard' : 'past the end, unnoticed' }++;
	use integer;
	my $zero = sub { my $b = $file{ $_[0] }; $b . ("\0" x (pages(length($b)) - length($b))) };
	my @p = unpack("l<$n", $zero->($x) . ("\0" x (4 * $n)));
	my @q = unpack("l<$n", $zero->($y) . ("\0" x (4 * $n)));
	my @new = map { unpack('l<', pack('L<', ($k->[3] eq 'add' ? $p[$_] + $q[$_] : $p[$_] * $q[$_]) & 0xffffffff)) } 0 .. $n - 1;
	my $len = length($file{$z});
	open(my $o, '<', path($z)) or fail("open $z: $!");
	my $now = '';
	sysread($o, $now, $len + 1) // fail("read $z: $!");
	fail("past the end: $z is " . length($now) . " bytes, not $len") if length($now) != $len;
	my @old = unpack('l<*', $file{$z});
	my @got = unpack('l<*', $now);
	my $stopped = 0;    # results up to where the kernel stopped, then the old contents
	for my $i (0 .. $#got) {
		my $is_new = $i < $n && $got[$i] == $new[$i];
		my $is_old = $got[$i] == $old[$i];
		fail("past the end: $z element $i is $got[$i]: neither old $old[$i] nor new " . ($i < $n ? $new[$i] : '-'))
			unless $is_new || $is_old;
		fail("past the end: $z element $i is new after an old one") if ($stopped || $i >= $n) && !$is_old;
		$stopped = 1 if $i < $n && !$is_new;
	}
	# A size not a multiple of 4: the last element is cut, and may be written too.
	my ($m, $cut) = (scalar @got, substr($now, 4 * @got));
	if ($cut ne substr($file{$z}, 4 * $m)) {
		fail("past the end: ${z}'s last " . length($cut) . " bytes are neither old nor new")
			if $stopped || $m >= $n || $cut ne substr(pack('l<', $new[$m]), 0, length($cut));
	}
	fail("past the end, $cu: '$res' but not every result is in $z") if !$bad && $stopped && $n * 4 <= $len;
	$file{$z} = $now;
	$verified += $len;
}
$OP{call} = sub { run_kernel('call', @_) };
$OP{start} = sub { run_kernel('start', @_) };
$OP{program} = sub {
	my ($d) = @_;
	my $img = "$designs/$d.xclbin";
	my $r = system("cp '$img' '@{[path('overlay')]}' 2>/dev/null") == 0;
	expect("program $d", $r ? 'ok' : 'failed', %file ? 'failed' : 'ok');
	if ($r) {
		$design = $d;
		%dir = ();
		%failed = ();
	}
	my $busy = `tail -n 1 '@{[path('log')]}'`;
	fail("program with buffers: the log says '$busy'") if !$r && $busy !~ /still allocated/;
};
$OP{free} = sub {
	my $got = truncate(path('overlay'), 0);
	expect("free", outcome($got), %file ? 'EBUSY' : 'ok');
	if ($got) {
		$design = undef;
		%dir = ();
		%failed = ();
	}
};
$OP{clear} = sub {    # rm -rf banks/*/* : back to an empty card
	for my $p (sort { length($b) <=> length($a) } keys %file) {
		unlink(path($p)) or fail("clear: unlink $p: $!");
		delete $file{$p};
	}
	for my $p (sort { length($b) <=> length($a) } keys %dir) {
		rmdir(path($p)) or fail("clear: rmdir $p: $!");
		delete $dir{$p};
	}
};

# Random operations, drawn from the model so that most of them are valid.
my @GARBAGE = ('in1=', '=', 'size=-1', 'size=0x', '99999999999999999999', 'nan', 'out=/etc/passwd',
	'in1=banks/bank9/x', 'in2=banks/bank0/f0', '%00', '%ff%fe', 'x' x 300, '1 2 3 4 5 6',
	'in1 = banks/bank0/f1', 'size=1e3', 'alpha=2.5', "\t", '%0a%0a', 'out_r=banks/HBM1/f0', 'wait',
	'waitx', 'stop', '-1', '0', 'call!', 'start1');
my @WORDS = ('wait', 'waitx', 'stop', 'cal', 'started', '%00', 'x' x 200, '', '2', 'wait wait', '%0a');

sub pick { $_[int(rand(@_))] }

sub banks_now { $design ? sort keys %{ $DESIGN{$design}{banks} } : ('bank0') }

sub any_path {    # a file path, known most of the time
	return pick(sort keys %file) if %file && rand() < 0.85;
	my $b = pick(banks_now(), 'bank1', 'HBM0');
	return "banks/$b/" . pick(@NAMES);
}

sub random_op {
	return "program " . pick(sort keys %DESIGN) if !$design && rand() < 0.5;
	my $r = rand(100);
	my $p = any_path();
	my $len = length($file{$p} // '');
	my $cap = cap(bank_of($p)) || 1;
	my ($max, $big) = $cap < 300000 ? (200000, 0.4) : (300000, 0.1);
	my @cus = $design ? sort keys %{ $DESIGN{$design}{cus} } : ('vadd_1');
	if ($r < 20) { return "write $p " . int(rand($len + 8192)) . ' ' . (1 + int(rand(rand() < $big ? $max : 5000))) . ' ' . int(rand(1e6)) }
	if ($r < 34) { return "read $p " . int(rand($len + 100)) . ' ' . (1 + int(rand(70000))) }
	if ($r < 41) { return "create banks/" . pick(banks_now()) . '/' . pick(@NAMES) }
	if ($r < 44) { return "rewrite $p " . int(rand(rand() < 0.5 ? 0 : $len + 4096)) . ' ' . (1 + int(rand(rand() < $big ? $max : $len + 5000))) . ' ' . int(rand(1e6)) }
	if ($r < 47) { return "truncate $p " . int(rand(rand() < $big ? $max : 20000)) }
	if ($r < 52) { return "rename $p " . (rand() < 0.8 ? 'banks/' . bank_of($p) . '/' . pick(@NAMES) : any_path()) }
	if ($r < 56) { return "unlink $p" }
	if ($r < 58) { return "unlinkopen $p " . int(rand(1e6)) }
	if ($r < 61) { return "mkdir banks/" . pick(banks_now()) . '/' . pick(@DIRS) }
	if ($r < 63) { return "rmdir banks/" . pick(banks_now()) . '/' . pick(@DIRS) }
	if ($r < 67) { return "stat $p" }
	if ($r < 69) { return "ls " . pick(banks_now()) }
	if ($r < 71) { return "xattr $p" }
	if ($r < 74) {
		my $t = join(pick(' ', "\n", '  '), map { pick(@GARBAGE) } 1 .. 1 + int(rand(3)));
		$t =~ s/([^\x21-\x7e ])/sprintf('%%%02x', ord($1))/ge;
		$t =~ s/ /%20/g;
		return "args " . pick(@cus) . " $t";
	}
	if ($r < 76) {
		my $t = pick(@WORDS) . pick('', "%0a");
		$t =~ s/ /%20/g;
		return "runword " . pick(@cus) . " $t";
	}
	if ($r < 88 && $design) {
		my $cu = pick(@cus);
		my $k = $DESIGN{$design}{cus}{$cu};
		my @buf = map { my $b = $k->[$_]; my @in = grep { bank_of($_) eq $b } sort keys %file;
			@in && rand() < 0.9 ? pick(@in) : "banks/$b/" . pick(@NAMES) } 0 .. 2;
		my ($min, $max) = (1 << 30, 0);
		for (@buf) { my $l = length($file{$_} // ''); $min = $l if $l < $min; $max = $l if $l > $max }
		# Now and then past a buffer's end: the guard must stop it, harming nothing.
		my $lim = rand() < 0.4 ? int($max / 4) + 1024 : int($min / 4);
		return join(' ', pick('call', 'call', 'start'), $cu, @buf, int(rand($lim + 1)));
	}
	if ($r < 91) { return "program " . pick(sort keys %DESIGN) }
	if ($r < 93) { return "free" }
	if ($r < 95) { return "clear" }
	return "stat $p";
}

sub execute {
	($line) = @_;
	my ($op, @a) = split(' ', $line);
	return if !defined $op || $op =~ /^#/;
	my $f = $OP{$op} or fail("no such operation '$op'");
	$step++;
	push @done, $line;
	$count{$op}++;
	$f->(@a);
	alive();
}

sub reset_card {    # to a card with no design, whatever the previous run left
	system("rm -rf '$card'/banks/* 2>/dev/null");
	truncate(path('overlay'), 0) or fail("reset: free: $!");
	$design = undef;
	%file = ();
	%dir = ();
}

$verified = 0;
if (@replay) {
	for my $f (@replay) {
		$replay_file = $f;
		reset_card();
		open(my $fh, '<', $f) or die "opfuzz: $f: $!\n";
		($step, @done) = (0);
		while (my $l = <$fh>) {
			chomp $l;
			execute($l);
		}
	}
	print "ok 1 - opfuzz: replayed " . scalar(@replay) . " runs, " . summary() . "\n1..1\n";
	exit 0;
}
srand($seed);
reset_card();
$step = 0;
execute(random_op()) while $step < $ops;
save_run();
print "ok 1 - opfuzz seed $seed: " . summary() . "\n1..1\n";

sub summary {
	my $n = 0;
	$n += $count{$_} for keys %count;
	return "$n ops (" . join(', ', map { "$count{$_} $_" } sort keys %count) . "), $verified bytes"
		. " verified; answers: " . join(', ', map { "$seen{$_} $_" } sort grep { !/:/ } keys %seen);
}
