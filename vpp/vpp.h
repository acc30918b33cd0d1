/* SPDX-License-Identifier: MIT */
/*
 * pynqfs-vpp: a v++ for the sim card. What one command line asks for,
 * as tools/pynqfs_vpp.c reads it; compile.c, link.c and package.c do it.
 */
#ifndef PYNQFS_VPP_H
#define PYNQFS_VPP_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

struct vpp_opts {
	char mode; /* 'c' compile, 'l' link, 'p' package */
	const char *target, *platform, *kernel, *output, *temp_dir, *package_out;
	bool save_temps, debug;
	const char **cflags; /* -I, -D as given: for the compiler and for libclang */
	size_t ncflags;
	const char **inputs;
	size_t ninputs;
	struct vpp_cfg cfg; /* --config files, then --section.key options */
};

/* v++ -c: a kernel's source into an .xo (its interface and its object code). */
int vpp_compile(const struct vpp_opts *o, char *err, size_t errlen);
/* v++ -l: .xo files and [connectivity] into an xclbin the sim runs. */
int vpp_link(const struct vpp_opts *o, char *err, size_t errlen);
/* v++ -p: a linked xclbin, checked, as the final one. */
int vpp_package(const struct vpp_opts *o, char *err, size_t errlen);

/*
 * The platform's name: --platform as given, or the name a .xpfm file
 * states (its basename when it can't be read). Into buf; -EINVAL if none.
 */
int vpp_platform_name(const struct vpp_opts *o, char *buf, size_t len, char *err, size_t errlen);

#endif
