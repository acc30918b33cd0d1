// SPDX-License-Identifier: MIT
/*
 * Launch latency for scripts/bench.sh: a client that keeps a CU's run file
 * open and does N times "call", then reads the result on the same fd. With
 * -b it is the baseline instead: a 1-byte write and a 1-byte read back on
 * any file. Prints the seconds N round trips took.
 *   launch RUNFILE N      launch -b FILE N
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double la_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int base = argc == 4 && !strcmp(argv[1], "-b");
	const char *path = argv[1 + base];
	char res[64];
	long n;
	double t0;
	int fd;

	if (argc != 3 + base) {
		fprintf(stderr, "usage: launch [-b] FILE N\n");
		return 2;
	}
	n = atol(argv[2 + base]);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	t0 = la_now();
	for (long i = 0; i < n; i++) {
		ssize_t r;

		if (base) {
			if (pwrite(fd, "x", 1, 0) != 1 || pread(fd, res, 1, 0) != 1) {
				perror(path);
				return 1;
			}
			continue;
		}
		if (write(fd, "call\n", 5) != 5) {
			perror("call");
			return 1;
		}
		r = pread(fd, res, sizeof(res) - 1, 0);
		if (r < 5 || strncmp(res, "done ", 5)) {
			fprintf(stderr, "launch: run %ld: %.*s\n", i, r > 0 ? (int)r : 0, res);
			return 1;
		}
	}
	printf("%.6f\n", la_now() - t0);
	return close(fd) ? 1 : 0;
}
