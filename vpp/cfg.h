/* SPDX-License-Identifier: MIT */
/*
 * v++ configuration: --config files (INI: "[connectivity]" then
 * "sp=vadd_1.in1:DDR[0]", '#' comments) and --section.key options, as
 * one list of settings that remember where they were written.
 */
#ifndef PYNQFS_VPP_CFG_H
#define PYNQFS_VPP_CFG_H

#include <stddef.h>

struct vpp_setting {
	char *section; /* "" before any [section] */
	char *key, *value;
	char *where; /* "FILE:LINE", or "--connectivity.sp" */
};

struct vpp_cfg {
	struct vpp_setting *s;
	size_t n;
};

/* Append a file's settings; -EINVAL with "FILE:LINE: why" in err. */
int vpp_cfg_read(struct vpp_cfg *c, const char *file, char *err, size_t errlen);
/* Append one setting. */
int vpp_cfg_add(struct vpp_cfg *c, const char *section, const char *key, const char *value,
		const char *where);
/* The last value of section.key, or NULL. */
const char *vpp_cfg_get(const struct vpp_cfg *c, const char *section, const char *key);
void vpp_cfg_free(struct vpp_cfg *c);

#endif
