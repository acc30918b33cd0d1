// SPDX-License-Identifier: MIT
/* For tests only: dereferences NULL. */
void crash(int *buf, int n);

void crash(int *buf, int n)
{
	volatile int *bad = 0;

	buf[0] = n;
	*bad = n;
}
