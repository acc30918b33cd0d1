// SPDX-License-Identifier: MIT
/* For tests only: n == 6 aborts, n == 5 exits the process, else NULL is written. */
#include <stdlib.h>

void crash(int *buf, int n);

void crash(int *buf, int n)
{
	volatile int *bad = 0;

	buf[0] = n;
	if (n == 6)
		abort();
	if (n == 5)
		exit(3);
	*bad = n;
}
