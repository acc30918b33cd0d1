// SPDX-License-Identifier: MIT
/* For tests: takes ms milliseconds, then records it in out[0]. */
#include <time.h>

void sleeper(int *out, unsigned int ms);

void sleeper(int *out, unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts))
		;
	out[0] = (int)ms;
}
