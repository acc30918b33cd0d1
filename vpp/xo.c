// SPDX-License-Identifier: MIT
/* pynqfs-vpp's .xo files: a kernel's metadata and object code in an axlf container. */
#define _GNU_SOURCE
#include "xo.h"
#include "io.h"
#include "xclbin.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* An x86-64 ELF of type t (1 relocatable, 3 shared object)? */
static int xo_elf(const uint8_t *b, uint64_t n, int t)
{
	return n >= 64 && !memcmp(b, "\177ELF", 4) && b[4] == 2 && b[5] == 1 &&
	       (b[16] | b[17] << 8) == t && (b[18] | b[19] << 8) == 62;
}

/*
 * Make the object's global definitions weak. One source often holds
 * several kernels, each compiled (-k) into its own .xo: each .xo then
 * defines all of them, and linking the .xo files together must not fail on
 * that. Undefined symbols stay as they are (the link checks them).
 */
static int xo_weaken(uint8_t *o, size_t len)
{
	Elf64_Ehdr eh;

	if (len < sizeof(eh))
		return -EINVAL;
	memcpy(&eh, o, sizeof(eh));
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > len ||
	    eh.e_shnum > (len - eh.e_shoff) / sizeof(Elf64_Shdr))
		return -EINVAL;
	for (size_t i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh;

		memcpy(&sh, o + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_offset > len ||
		    sh.sh_size > len - sh.sh_offset)
			return -EINVAL;
		for (size_t s = 0; s < sh.sh_size / sizeof(Elf64_Sym); s++) {
			uint8_t *p = o + sh.sh_offset + s * sizeof(Elf64_Sym);
			Elf64_Sym sym;

			memcpy(&sym, p, sizeof(sym));
			if (ELF64_ST_BIND(sym.st_info) != STB_GLOBAL || sym.st_shndx == SHN_UNDEF)
				continue;
			sym.st_info = ELF64_ST_INFO(STB_WEAK, ELF64_ST_TYPE(sym.st_info));
			memcpy(p, &sym, sizeof(sym));
		}
	}
	return 0;
}

int vpp_xo_write(const char *path, const char *platform, struct pq_kernel *k, uint8_t *obj,
		 size_t objlen, char *err, size_t errlen)
{
	struct pq_design *d = calloc(1, sizeof(*d));
	uint8_t *img = NULL;
	size_t len;
	int ret = -ENOMEM;

	if (!d)
		return -ENOMEM;
	if (!xo_elf(obj, objlen, 1) || xo_weaken(obj, objlen)) {
		snprintf(err, errlen, "%s: the compiler's object is not x86-64 ELF", path);
		ret = -EINVAL;
		goto out;
	}
	d->kernels = calloc(1, sizeof(*d->kernels));
	if (!d->kernels)
		goto out;
	d->kernels[0] = *k;
	memset(k, 0, sizeof(*k));
	d->nkernels = 1;
	d->project = strdup(d->kernels[0].name);
	if (!d->project)
		goto out;
	snprintf(d->shell, sizeof(d->shell), "%s", platform);
	d->has_metadata = true;
	d->version_major = 2;
	d->version_minor = 13;
	d->timestamp = (uint64_t)time(NULL);
	if (getrandom(d->uuid, sizeof(d->uuid), 0) != sizeof(d->uuid))
		memset(d->uuid, 0, sizeof(d->uuid));
	ret = pq_xclbin_write_with(d, obj, objlen, &img, &len, err, errlen);
	if (ret)
		goto out;
	ret = vpp_spit(path, img, len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		ret = -EINVAL;
	}
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	free(img);
	pq_design_free(d);
	return ret;
}

int vpp_xo_read(const char *path, struct pq_design **d, uint8_t **obj, size_t *objlen, char *err,
		size_t errlen)
{
	char why[512];
	uint8_t *img = NULL;
	size_t len;
	int ret;

	*d = NULL;
	*obj = NULL;
	ret = vpp_slurp(path, &img, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return -EINVAL;
	}
	if (len >= 2 && img[0] == 'P' && img[1] == 'K') {
		snprintf(err, errlen,
			 "%s is a Vitis .xo (a zip of RTL): the sim runs kernels built from "
			 "source by pynqfs-vpp -c",
			 path);
		ret = -EINVAL;
		goto out;
	}
	ret = pq_xclbin_parse(img, len, d, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, ret == -ENOMEM ? "out of memory" : why);
		goto out;
	}
	if ((*d)->nkernels != 1 || !(*d)->bitstream_size ||
	    !xo_elf(img + (*d)->bitstream_off, (*d)->bitstream_size, 1)) {
		snprintf(err, errlen, "%s is not an .xo of pynqfs-vpp -c (one kernel and its code)",
			 path);
		ret = -EINVAL;
		goto out;
	}
	*objlen = (*d)->bitstream_size;
	*obj = malloc(*objlen);
	if (!*obj) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(*obj, img + (*d)->bitstream_off, *objlen);
out:
	if (ret) {
		pq_design_free(*d);
		*d = NULL;
	}
	free(img);
	return ret;
}
