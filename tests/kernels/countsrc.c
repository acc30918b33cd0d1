// SPDX-License-Identifier: MIT
/*
 * For tests: writes 0 .. n-1 into a stream, TLAST on the last, and before
 * each write stores in progress[0] the element it is about to write (n at
 * the end): a test sees where back-pressure stopped it.
 */
#include <pynq_stream.h>

void countsrc(pynq_stream *out, int *progress, unsigned int n);

void countsrc(pynq_stream *out, int *progress, unsigned int n)
{
	volatile int *p = progress;

	for (unsigned int i = 0; i < n; i++) {
		*p = (int)i;
		pynq_stream_write_u32(out, i, i == n - 1);
	}
	*p = (int)n;
}
