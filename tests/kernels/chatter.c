// SPDX-License-Identifier: MIT
/* For tests: prints n lines on stdout and one on stderr, then records n. */
#include <stdio.h>

void chatter(int *out, int n);

void chatter(int *out, int n)
{
	for (int i = 0; i < n; i++)
		printf("line %d of %d\n", i, n);
	fprintf(stderr, "chatter: printed %d lines\n", n);
	out[0] = n;
}
