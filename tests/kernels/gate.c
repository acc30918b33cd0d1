// SPDX-License-Identifier: MIT
/* For tests: runs until the host writes a non-zero word into *flag. */
void gate(int *flag);

void gate(int *flag)
{
	volatile int *f = flag;

	while (!*f)
		;
}
