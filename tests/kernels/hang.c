// SPDX-License-Identifier: MIT
/* For tests only: never returns. */
void hang(int *buf);

void hang(int *buf)
{
	volatile int spin = 0;

	buf[0] = 1;
	for (;;)
		spin++;
}
