// SPDX-License-Identifier: MIT
/* For tests: fills n 64-bit words with a 64-bit scalar. */
void fill64(long long *out, long long value, unsigned int n);

void fill64(long long *out, long long value, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = value;
}
