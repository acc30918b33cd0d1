// SPDX-License-Identifier: MIT
/* out = in * alpha + beta: scalar float and double args. */
void vscale(const float *in_r, float *out_r, float alpha, double beta, unsigned int n);

void vscale(const float *in_r, float *out_r, float alpha, double beta, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		out_r[i] = (float)((double)(in_r[i] * alpha) + beta);
}
