// SPDX-License-Identifier: MIT
/*
 * For tests: forks a child that would live forever, and leaves its pid in
 * *pid. Stopping the runner must stop the child too.
 */
#include <sys/types.h>
#include <unistd.h>

void forker(int *pid);

void forker(int *pid)
{
	pid_t p = fork();

	if (p == 0) {
		for (;;)
			pause();
	}
	*pid = (int)p;
}
