// SPDX-License-Identifier: MIT
/* vmult_stream: multiplies a stream by a buffer, into a buffer (designs/k2k_streams.cfg). */
#include <pynq_stream.h>

void vmult_stream(pynq_stream *in_a, const int *in3, int *out_r, int size);

void vmult_stream(pynq_stream *in_a, const int *in3, int *out_r, int size)
{
	for (int i = 0; i < size; i++)
		out_r[i] = (int)pynq_stream_read_u32(in_a, NULL) * in3[i];
}
