// SPDX-License-Identifier: MIT
void vmult(const int *in1, const int *in2, int *out_r, int size);

void vmult(const int *in1, const int *in2, int *out_r, int size)
{
	for (int i = 0; i < size; i++)
		out_r[i] = in1[i] * in2[i];
}
