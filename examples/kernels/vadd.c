// SPDX-License-Identifier: MIT
/* vadd: the C model of the HLS kernel, run by the sim card. */
void vadd(const int *in1, const int *in2, int *out_r, unsigned int size);

void vadd(const int *in1, const int *in2, int *out_r, unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		out_r[i] = in1[i] + in2[i];
}
