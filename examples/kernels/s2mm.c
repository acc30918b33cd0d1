// SPDX-License-Identifier: MIT
/*
 * s2mm: stream to memory, the pipeline's consumer (designs/pipeline.cfg):
 * up to n ints from a stream into a buffer, ending early at TLAST.
 */
#include <pynq_stream.h>

void s2mm(pynq_stream *in, int *out, unsigned int n);

void s2mm(pynq_stream *in, int *out, unsigned int n)
{
	bool last = false;

	for (unsigned int i = 0; i < n && !last; i++)
		out[i] = (int)pynq_stream_read_u32(in, &last);
}
