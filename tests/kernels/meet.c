// SPDX-License-Identifier: MIT
/*
 * For tests: two CUs meet in device memory. Each raises its flag and waits
 * for the other's, so both finish only if they run at the same time.
 */
void meet(int *flags, int me, int other);

void meet(int *flags, int me, int other)
{
	volatile int *f = flags;

	f[me] = 1;
	while (!f[other])
		;
}
