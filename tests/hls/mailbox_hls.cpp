// SPDX-License-Identifier: MIT
/*
 * Scalar outputs (T&) as Vitis HLS kernels write them, for the sim card
 * (tests/hls/04-hls-outputs.t, design tests/designs/hls_mailbox.cfg).
 */
extern "C" {

/* sum = a + b; calls counts the runs, from what the host left in it. */
void addout(int a, int b, int &sum, unsigned int &calls)
{
#pragma HLS INTERFACE s_axilite port = sum
#pragma HLS INTERFACE s_axilite port = calls
	sum = a + b;
	calls = calls + 1;
}

void total(const int *in, unsigned int n, long long &sum)
{
	long long s = 0;

	for (unsigned int i = 0; i < n; i++)
		s += in[i];
	sum = s;
}
}
