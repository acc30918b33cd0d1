// SPDX-License-Identifier: MIT
/* For tests only: touch byte `at` of buf (in bounds or not): write 'X', or read it. */
void poke(char *buf, long long at, int write);

void poke(char *buf, long long at, int write)
{
	volatile char *p = buf + at;

	if (write)
		*p = 'X';
	else
		(void)*p;
}
