// SPDX-License-Identifier: MIT
/*
 * increment: the pipeline's transformer (designs/pipeline.cfg), a
 * free-running kernel (ap_ctrl_none): no args to set, no start. Like its
 * HLS original, each call moves one element, adding 1 and keeping TLAST;
 * the sim calls it again and again from the moment the design loads.
 */
#include <pynq_stream.h>

void increment(pynq_stream *in, pynq_stream *out);

void increment(pynq_stream *in, pynq_stream *out)
{
	bool last;
	uint32_t v = pynq_stream_read_u32(in, &last);

	pynq_stream_write_u32(out, v + 1, last);
}
