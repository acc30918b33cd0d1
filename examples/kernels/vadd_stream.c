// SPDX-License-Identifier: MIT
/* vadd_stream: adds two buffers into a stream (designs/k2k_streams.cfg). */
#include <pynq_stream.h>

void vadd_stream(const int *in1, const int *in2, pynq_stream *out_c, int size);

void vadd_stream(const int *in1, const int *in2, pynq_stream *out_c, int size)
{
	for (int i = 0; i < size; i++)
		pynq_stream_write_u32(out_c, (uint32_t)(in1[i] + in2[i]), i == size - 1);
}
