// SPDX-License-Identifier: MIT
/* pynqfs-xclbin: pack design descriptions into xclbins; inspect xclbins. */
#define _GNU_SOURCE
#include "describe.h"
#include "summary.h"
#include "xclbin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PYNQFS_VERSION
#define PYNQFS_VERSION "unknown"
#endif

static void px_usage(FILE *f)
{
	fprintf(f, "usage: pynqfs-xclbin pack [--sw-emu[=KERNELS.so]] DESCRIPTION -o FILE.xclbin\n"
		   "       pynqfs-xclbin inspect FILE.xclbin\n"
		   "       pynqfs-xclbin --help | --version\n");
}

/* The whole file, malloc'd. */
static int px_slurp(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, r;
	uint8_t *p = NULL, *q;
	int ret = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (!p || n == cap) {
			cap = p ? cap * 2 : cap;
			q = realloc(p, cap);
			if (!q) {
				ret = -ENOMEM;
				break;
			}
			p = q;
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f))
				ret = -EIO;
			break;
		}
	}
	fclose(f);
	if (ret) {
		free(p);
		return ret;
	}
	*buf = p;
	*len = n;
	return 0;
}

static int px_inspect(const char *path)
{
	struct pq_design *d;
	char err[512];
	uint8_t *img = NULL;
	size_t len = 0;
	int ret;

	ret = px_slurp(path, &img, &len);
	if (ret) {
		fprintf(stderr, "pynqfs-xclbin: %s: %s\n", path, strerror(-ret));
		return 1;
	}
	ret = pq_xclbin_parse(img, len, &d, err, sizeof(err));
	free(img);
	if (ret) {
		fprintf(stderr, "pynqfs-xclbin: %s: %s\n", path, err);
		return 1;
	}
	pq_summary_design(stdout, d);
	pq_design_free(d);
	return fflush(stdout) ? 1 : 0;
}

/* Write to OUT.tmp, then rename: a failed pack leaves no half file. */
/* sw_emu: NULL for a full xclbin, else "" or the shared object for BITSTREAM. */
static int px_pack(const char *desc, const char *out, const char *sw_emu)
{
	uint8_t *bits = NULL;
	size_t bitlen = 0;
	struct pq_design *d;
	char err[512], *tmp = NULL;
	uint8_t *img = NULL;
	size_t len;
	FILE *f = NULL;
	int ret = 1;

	if (pq_describe_load(desc, &d, err, sizeof(err))) {
		fprintf(stderr, "pynqfs-xclbin: %s\n", err);
		return 1;
	}
	if (sw_emu && sw_emu[0] && (ret = px_slurp(sw_emu, &bits, &bitlen))) {
		fprintf(stderr, "pynqfs-xclbin: %s: %s\n", sw_emu, strerror(-ret));
		ret = 1;
		goto out;
	}
	ret = 1;
	if (sw_emu ? pq_xclbin_write_sw_emu(d, bits, bitlen, &img, &len, err, sizeof(err))
		   : pq_xclbin_write(d, &img, &len, err, sizeof(err))) {
		fprintf(stderr, "pynqfs-xclbin: %s: %s\n", desc, err);
		goto out;
	}
	if (asprintf(&tmp, "%s.tmp", out) < 0) {
		tmp = NULL;
		goto out;
	}
	f = fopen(tmp, "wb");
	if (!f || fwrite(img, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "pynqfs-xclbin: %s: %s\n", tmp, strerror(errno));
		f = NULL;
		unlink(tmp);
		goto out;
	}
	f = NULL;
	if (rename(tmp, out)) {
		fprintf(stderr, "pynqfs-xclbin: %s: %s\n", out, strerror(errno));
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	if (f)
		fclose(f);
	free(tmp);
	free(img);
	free(bits);
	pq_design_free(d);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		px_usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("pynqfs-xclbin %s\n", PYNQFS_VERSION);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "inspect"))
		return px_inspect(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "pack") && !strcmp(argv[3], "-o"))
		return px_pack(argv[2], argv[4], NULL);
	/* The sections of a Vitis sw_emu build (metadata, clocks, the kernels' .so). */
	if (argc == 6 && !strcmp(argv[1], "pack") && !strncmp(argv[2], "--sw-emu", 8) &&
	    (!argv[2][8] || argv[2][8] == '=') && !strcmp(argv[4], "-o"))
		return px_pack(argv[3], argv[5], argv[2][8] ? argv[2] + 9 : "");
	px_usage(stderr);
	return 2;
}
