#!/usr/bin/perl
# Run TAP tests (executables, or "cmd args" strings), print one line per
# file, then "N passed, N failed, N skipped". A file that exits non-zero or
# breaks its plan without a failing test counts as one more failure.
use strict;
use warnings;
use TAP::Parser;

my ($pass, $fail, $skip) = (0, 0, 0);
for my $t (@ARGV) {
	my (@bad, @out);
	# A file that can't even start (not executable, missing) fails; the rest still run.
	my $ok = eval {
		my $p = TAP::Parser->new({ exec => [split ' ', $t], merge => 1 });
		while (my $r = $p->next) {
			if ($r->is_test) {
				if ($r->has_skip) { $skip++ }
				elsif ($r->is_ok) { $pass++ }
				else { $fail++; push @bad, $r->as_string }
			} elsif (!$r->is_plan) {
				push @out, $r->as_string;    # diagnostics, sanitizer reports
			}
		}
		if (!$p->failed && ($p->exit || $p->parse_errors)) {
			$fail++;
			push @bad, "exit status " . $p->exit, $p->parse_errors;
		}
		1;
	};
	if (!$ok) {
		$fail++;
		push @bad, "could not run: " . ($@ =~ s/\s+$//r);
	}
	printf "%-60s %s\n", $t, @bad ? 'FAIL' : 'ok';
	if (@bad) {
		print "    $_\n" for @bad;
		print "    | $_\n" for grep { /\S/ } (@out > 40 ? @out[-40 .. -1] : @out);
	}
}
print "$pass passed, $fail failed, $skip skipped\n";
exit($fail ? 1 : 0);
