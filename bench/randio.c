// SPDX-License-Identifier: MIT
/*
 * 4 KiB random I/O for scripts/bench.sh: N pwrites, then N preads, at
 * 4 KiB-aligned random offsets of a file of SIZE bytes (made that size
 * first). Prints the seconds each half took.
 *   randio FILE SIZE N
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double ri_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char buf[4096];
	long long size, n, blocks;
	double t0, t1, t2;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: randio FILE SIZE N\n");
		return 2;
	}
	size = atoll(argv[2]);
	n = atoll(argv[3]);
	blocks = size / 4096;
	fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0 || blocks < 1 || ftruncate(fd, size)) {
		perror(argv[1]);
		return 1;
	}
	srandom(1);
	t0 = ri_now();
	for (long long i = 0; i < n; i++) {
		buf[0] = (char)i;
		if (pwrite(fd, buf, sizeof(buf), (off_t)(random() % blocks) * 4096) !=
		    sizeof(buf)) {
			perror("pwrite");
			return 1;
		}
	}
	t1 = ri_now();
	for (long long i = 0; i < n; i++) {
		if (pread(fd, buf, sizeof(buf), (off_t)(random() % blocks) * 4096) != sizeof(buf)) {
			perror("pread");
			return 1;
		}
	}
	t2 = ri_now();
	printf("%.6f %.6f\n", t1 - t0, t2 - t1);
	return close(fd) ? 1 : 0;
}
