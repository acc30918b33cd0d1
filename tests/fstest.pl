#!/usr/bin/perl
# pjdfstest-style syscall runner: `fstest.pl SYSCALL ARGS...` performs one
# call and prints 0 (or the requested value) on success, else the errno
# name (ENOENT, EACCES, ...). Flags are comma-separated: O_CREAT,O_EXCL.
use strict;
use warnings;
use Errno;
use Fcntl qw(:DEFAULT :mode SEEK_SET);
use POSIX ();

sub errname {
	for my $n (keys %!) { return $n if $!{$n} }
	return "E?" . ($! + 0);
}

sub flags {
	my $v = 0;
	for my $f (split /,/, shift) {
		no strict 'refs';
		$v |= &{"Fcntl::$f"}();
	}
	return $v;
}

my ($call, @a) = @ARGV;
my ($ok, $out) = (0, "0");
my $fh;
if ($call eq 'open') {    # open PATH FLAGS [MODE]
	$ok = sysopen($fh, $a[0], flags($a[1]), defined $a[2] ? oct $a[2] : 0644);
} elsif ($call eq 'truncate') {
	$ok = truncate($a[0], $a[1]);
} elsif ($call eq 'ftruncate') {    # ftruncate PATH LEN (opens O_WRONLY)
	$ok = sysopen($fh, $a[0], O_WRONLY) && truncate($fh, $a[1]);
} elsif ($call eq 'unlink') {
	$ok = unlink($a[0]);
} elsif ($call eq 'rename') {
	$ok = rename($a[0], $a[1]);
} elsif ($call eq 'mkdir') {
	$ok = mkdir($a[0], oct $a[1]);
} elsif ($call eq 'rmdir') {
	$ok = rmdir($a[0]);
} elsif ($call eq 'chmod') {
	$ok = chmod(oct $a[1], $a[0]);
} elsif ($call eq 'chown') {
	$ok = chown($a[1], $a[2], $a[0]);
} elsif ($call eq 'symlink') {
	$ok = symlink($a[0], $a[1]);
} elsif ($call eq 'link') {
	$ok = link($a[0], $a[1]);
} elsif ($call eq 'mkfifo') {
	$ok = POSIX::mkfifo($a[0], oct $a[1]);
} elsif ($call eq 'utime') {    # utime PATH ATIME MTIME (seconds)
	$ok = utime($a[1], $a[2], $a[0]);
} elsif ($call eq 'stat') {    # stat PATH FIELD: mode (octal), uid, gid, size, nlink, mtime, atime
	my @s = stat($a[0]);
	$ok = @s > 0;
	my %f = (mode => sprintf("0%o", ($s[2] // 0) & 07777), uid => $s[4], gid => $s[5],
		 size => $s[7], nlink => $s[3], atime => $s[8], mtime => $s[9]);
	$out = $f{$a[1]} // '?' if $ok;
} elsif ($call eq 'pwrite') {    # pwrite PATH OFFSET STRING
	$ok = sysopen($fh, $a[0], O_WRONLY) && sysseek($fh, $a[1], SEEK_SET) &&
	      defined syswrite($fh, $a[2]);
} elsif ($call eq 'pread') {    # pread PATH OFFSET LEN: prints the bytes
	my $buf = '';
	$ok = sysopen($fh, $a[0], O_RDONLY) && sysseek($fh, $a[1], SEEK_SET) &&
	      defined sysread($fh, $buf, $a[2]);
	$out = $buf if $ok;
} else {
	die "fstest.pl: unknown call $call\n";
}
print $ok ? "$out\n" : errname() . "\n";
