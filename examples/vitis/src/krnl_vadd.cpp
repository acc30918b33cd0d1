// SPDX-License-Identifier: MIT
/* Vector add as Vitis_Accel_Examples writes it: two bundles, extern "C". */
#include <stdint.h>

extern "C" {
void krnl_vadd(const unsigned int *in1, const unsigned int *in2, unsigned int *out, int size)
{
#pragma HLS INTERFACE m_axi port = in1 bundle = gmem0
#pragma HLS INTERFACE m_axi port = in2 bundle = gmem1
#pragma HLS INTERFACE m_axi port = out bundle = gmem0
	for (int i = 0; i < size; i++) {
#pragma HLS PIPELINE II = 1
		out[i] = in1[i] + in2[i];
	}
}
}
