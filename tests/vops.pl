#!/usr/bin/perl
# Expected kernel outputs, computed independently of the kernels, in 1 MiB
# chunks: vops.pl add|mul A B > OUT (int32, wrapping), vops.pl scale IN ALPHA
# BETA > OUT (float = (float)((double)(float)(in * alpha) + beta)).
use strict;
use warnings;

my ($op, @a) = @ARGV;
binmode STDOUT;
if ($op eq 'add' || $op eq 'mul') {
	open(my $x, '<:raw', $a[0]) or die "$a[0]: $!";
	open(my $y, '<:raw', $a[1]) or die "$a[1]: $!";
	while (read($x, my $bx, 1 << 20)) {
		read($y, my $by, length $bx) == length $bx or die "short $a[1]";
		my @p = unpack('l<*', $bx);
		my @q = unpack('l<*', $by);
		my @r = $op eq 'add'
			? map { ($p[$_] + $q[$_]) & 0xffffffff } 0 .. $#p
			: map { (($p[$_] * $q[$_]) % 4294967296 + 4294967296) % 4294967296 } 0 .. $#p;
		print pack('L<*', @r);
	}
} elsif ($op eq 'scale') {
	my ($alpha, $beta) = (unpack('f<', pack('f<', $a[1])), $a[2]);
	open(my $x, '<:raw', $a[0]) or die "$a[0]: $!";
	while (read($x, my $bx, 1 << 20)) {
		print pack('f<*', map {
			my $p = unpack('f<', pack('f<', $_ * $alpha));
			$p + $beta
		} unpack('f<*', $bx));
	}
} else {
	die "vops.pl: unknown op $op\n";
}
