// SPDX-License-Identifier: MIT
/*
 * An HLS kernel source as Vitis users write it, for the sim card through
 * ap_int.h (tests/hls/02-hls-kernel.t): the hbm_multi design's wide_copy,
 * here computing dst[i] = src[i] * 3 + i with the two 256-bit halves of
 * the result swapped, through a wider intermediate and range writes.
 */
#include <ap_int.h>

extern "C" void wide_copy(const ap_uint<512> *src, ap_uint<512> *dst, unsigned long long n)
{
#pragma HLS INTERFACE m_axi port = src offset = slave bundle = gmem
#pragma HLS INTERFACE m_axi port = dst offset = slave bundle = gmem
#pragma HLS INTERFACE s_axilite port = n
	for (unsigned long long i = 0; i < n; i++) {
#pragma HLS PIPELINE II = 1
		auto wide = src[i] * 3 + i; /* nothing lost yet */
		static_assert(decltype(wide)::width == 545, "ap_uint<512> * int: 544 bits, + 1");
		ap_uint<512> v = wide;
		ap_uint<512> out;

		out.range(511, 256) = v.range(255, 0);
		out(255, 0) = v(511, 256);
		dst[i] = out;
	}
}
