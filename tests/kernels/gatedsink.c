// SPDX-License-Identifier: MIT
/*
 * For tests: waits until the host sets flag[0] in device memory, then
 * reads n elements of a stream into out.
 */
#include <pynq_stream.h>
#include <sched.h>

void gatedsink(pynq_stream *in, const int *flag, int *out, unsigned int n);

void gatedsink(pynq_stream *in, const int *flag, int *out, unsigned int n)
{
	while (!*(const volatile int *)flag)
		sched_yield();
	for (unsigned int i = 0; i < n; i++)
		out[i] = (int)pynq_stream_read_u32(in, NULL);
}
