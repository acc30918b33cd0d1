// SPDX-License-Identifier: MIT
/*
 * For tests: a hostile kernel that truncates every file it can reach
 * through its process's descriptors, then returns.
 */
#include <unistd.h>

void shrink(int *unused);

void shrink(int *unused)
{
	(void)unused;
	for (int fd = 0; fd < 1024; fd++)
		(void)!ftruncate(fd, 0);
}
