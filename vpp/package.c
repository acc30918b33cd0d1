// SPDX-License-Identifier: MIT
/*
 * v++ -p: the linked xclbin, checked (it parses as a card parses it and
 * carries its kernels), written as the final one. --package.out_dir is
 * made, as v++ makes it; for an Alveo target v++ puts nothing in it either.
 */
#define _GNU_SOURCE
#include "io.h"
#include "vpp.h"
#include "xclbin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int vpp_package(const struct vpp_opts *o, char *err, size_t errlen)
{
	struct pq_design *d = NULL;
	char why[512];
	uint8_t *img = NULL;
	size_t len;
	int ret;

	if (!o->output || o->ninputs != 1) {
		snprintf(err, errlen, "-p needs one linked .xclbin and -o FILE.xclbin");
		return -EINVAL;
	}
	ret = vpp_slurp(o->inputs[0], &img, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", o->inputs[0], strerror(-ret));
		return -EINVAL;
	}
	ret = pq_xclbin_parse(img, len, &d, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: %s", o->inputs[0],
			 ret == -ENOMEM ? "out of memory" : why);
		goto out;
	}
	if (!d->bitstream_size || memcmp(img + d->bitstream_off, "\177ELF", 4)) {
		snprintf(err, errlen, "%s carries no kernels: link it with pynqfs-vpp -l first",
			 o->inputs[0]);
		ret = -EINVAL;
		goto out;
	}
	if (o->package_out && mkdir(o->package_out, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "--package.out_dir %s: %s", o->package_out, strerror(errno));
		ret = -EINVAL;
		goto out;
	}
	ret = vpp_spit(o->output, img, len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", o->output, strerror(-ret));
		ret = -EINVAL;
	}
out:
	pq_design_free(d);
	free(img);
	return ret;
}
