// SPDX-License-Identifier: MIT
/*
 * Scalar outputs (T&) as Vitis HLS kernels write them, and kernels on
 * ap_fixed and hls::vector arrays, for the sim card (tests/hls/04-hls-
 * outputs.t, 05-ap-fixed.t, 06-hls-vector-math.t; design
 * tests/designs/hls_mailbox.cfg).
 */
#include <ap_fixed.h>
#include <hls_vector.h>

typedef ap_fixed<16, 6> sample;
typedef ap_fixed<24, 10, AP_RND, AP_SAT> result;

typedef hls::vector<float, 16> vec16;

extern "C" {

/* out[i] = a[i] * b[i] + 1, sixteen floats (64 bytes) an element. */
void vecmac(const vec16 *a, const vec16 *b, vec16 *out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
#pragma HLS PIPELINE II = 1
		out[i] = a[i] * b[i] + 1.0f;
	}
}

/* out[i] = a[i] * b[i] (32 bits, exact), rounded and saturated into 24. */
void fxmul(const sample *a, const sample *b, result *out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
#pragma HLS PIPELINE II = 1
		out[i] = a[i] * b[i];
	}
}

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
