// SPDX-License-Identifier: MIT
/*
 * mm2s: memory to stream, the pipeline's producer (designs/pipeline.cfg):
 * n ints of a buffer into a stream, TLAST on the last.
 */
#include <pynq_stream.h>

void mm2s(const int *in, pynq_stream *out, unsigned int n);

void mm2s(const int *in, pynq_stream *out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		pynq_stream_write_u32(out, (uint32_t)in[i], i == n - 1);
}
