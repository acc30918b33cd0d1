// SPDX-License-Identifier: MIT
/* For tests: appends value to a log, log[0] counting entries: run order. */
#include <time.h>

void tick(int *log, int value, unsigned int ms);

void tick(int *log, int value, unsigned int ms)
{
	struct timespec ts = {0, (long)ms * 1000000L};

	nanosleep(&ts, 0);
	log[++log[0]] = value;
}
