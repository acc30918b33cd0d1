// SPDX-License-Identifier: MIT
/* For tests: a free-running kernel that reads a stream and crashes on 13. */
#include <pynq_stream.h>

void boom(pynq_stream *in);

void boom(pynq_stream *in)
{
	if (pynq_stream_read_u32(in, NULL) == 13)
		*(volatile int *)0 = 13;
}
