// SPDX-License-Identifier: MIT
/*
 * xclbin parser and writer: real fixtures, parse(pack(d)) == d for every
 * example design, and a corpus of malformed and hostile images. Every
 * image handed to the parser sits in a buffer of exactly its size, so
 * ASan catches any read past its end.
 */
#define _GNU_SOURCE
#include "describe.h"
#include "summary.h"
#include "tap.h"
#include "xclbin.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *src_dir, *build_dir;

/* Parse a private, exactly-sized copy; return the result code. */
static int parse_copy(const uint8_t *img, size_t len, struct pq_design **d, char *err,
		      size_t errlen)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct pq_design *tmp = NULL;
	int ret;

	memcpy(copy, img, len);
	ret = pq_xclbin_parse(copy, len, d ? d : &tmp, err, errlen);
	free(copy);
	pq_design_free(tmp);
	return ret;
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

#define SAME(field, fmt)                                                                           \
	((a->field == b->field) ||                                                                 \
	 (snprintf(why, whylen, #field ": " fmt " != " fmt, a->field, b->field), false))
#define SAMES(field)                                                                               \
	((!a->field && !b->field) || (a->field && b->field && !strcmp(a->field, b->field)) ||      \
	 (snprintf(why, whylen, #field ": '%s' != '%s'", a->field ? a->field : "(null)",           \
		   b->field ? b->field : "(null)"),                                                \
	  false))

static bool arg_eq(const struct pq_arg *a, const struct pq_arg *b, char *why, size_t whylen)
{
	return SAMES(name) && SAMES(type) && SAMES(port) && SAME(aq, "%d") && SAME(id, "%d") &&
	       SAME(offset, "%u") && SAME(size, "%u") && SAME(host_size, "%u") && SAME(dir, "%d") &&
	       SAME(width, "%u");
}

static bool kernel_eq(const struct pq_kernel *a, const struct pq_kernel *b, char *why,
		      size_t whylen)
{
	if (!(SAMES(name) && SAMES(vlnv) && SAMES(protocol) && SAME(reg_range, "%u") &&
	      SAME(nargs, "%zu")))
		return false;
	for (size_t i = 0; i < a->nargs; i++) {
		if (!arg_eq(&a->args[i], &b->args[i], why, whylen))
			return false;
	}
	return true;
}

static bool bank_eq(const struct pq_bank *a, const struct pq_bank *b, char *why, size_t whylen)
{
	return SAMES(tag) && SAMES(name) && SAME(type, "%d") && SAME(used, "%d") &&
	       SAME(streaming, "%d") && SAME(size, "%lu") && SAME(base, "%lu") &&
	       SAME(route_id, "%lu") && SAME(depth, "%u");
}

/* Deep equality of two designs; why says the first difference. */
static bool design_eq(const struct pq_design *a, const struct pq_design *b, char *why,
		      size_t whylen)
{
	if (memcmp(a->uuid, b->uuid, 16))
		return snprintf(why, whylen, "uuid differs"), false;
	if (!(SAMES(shell) && SAMES(project) && SAME(timestamp, "%lu") &&
	      SAME(version_major, "%d") && SAME(version_minor, "%d") && SAME(nbanks, "%zu") &&
	      SAME(nkernels, "%zu") && SAME(ncus, "%zu") && SAME(nstreams, "%zu") &&
	      SAME(nclocks, "%zu")))
		return false;
	for (size_t i = 0; i < a->nbanks; i++) {
		if (!bank_eq(&a->banks[i], &b->banks[i], why, whylen))
			return false;
	}
	for (size_t i = 0; i < a->nkernels; i++) {
		if (!kernel_eq(&a->kernels[i], &b->kernels[i], why, whylen))
			return false;
	}
	for (size_t i = 0; i < a->ncus; i++) {
		const struct pq_cu *x = &a->cus[i], *y = &b->cus[i];

		if (strcmp(x->name, y->name) || x->kernel != y->kernel || x->base != y->base ||
		    x->control != y->control || x->ip_index != y->ip_index)
			return snprintf(why, whylen, "cu %zu: %s != %s", i, x->name, y->name),
			       false;
		for (size_t g = 0; g < a->kernels[x->kernel].nargs; g++) {
			if (x->arg_mem[g] != y->arg_mem[g] || x->arg_last[g] != y->arg_last[g])
				return snprintf(why, whylen, "cu %s arg %zu: mem %d..%d != %d..%d",
						x->name, g, x->arg_mem[g], x->arg_last[g],
						y->arg_mem[g], y->arg_last[g]),
				       false;
		}
	}
	for (size_t i = 0; i < a->nstreams; i++) {
		const struct pq_stream *x = &a->streams[i], *y = &b->streams[i];

		if (x->mem != y->mem || x->src_cu != y->src_cu || x->src_arg != y->src_arg ||
		    x->sink_cu != y->sink_cu || x->sink_arg != y->sink_arg)
			return snprintf(why, whylen, "stream %zu differs", i), false;
	}
	for (size_t i = 0; i < a->nclocks; i++) {
		if (strcmp(a->clocks[i].name, b->clocks[i].name) ||
		    a->clocks[i].mhz != b->clocks[i].mhz || a->clocks[i].type != b->clocks[i].type)
			return snprintf(why, whylen, "clock %zu differs", i), false;
	}
	return true;
}

static void test_fixture(void)
{
	struct pq_design *d = NULL;
	char path[4096], err[512];
	uint8_t *img;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%s/../shared/fixtures/pynq-default.xclbin", src_dir);
	img = tap_slurp(path, &len);
	if (!img) {
		tap_skip("no ../shared/fixtures beside the checkout",
			 "fixture pynq-default.xclbin");
		return;
	}
	ret = parse_copy(img, len, &d, err, sizeof(err));
	if (!tap_ok(ret == 0, "fixture parses (%s)", ret ? err : "ok")) {
		free(img);
		return;
	}
	tap_ok(d->nbanks == 1 && !strcmp(d->banks[0].tag, "PSDDR") && d->banks[0].used &&
		       d->banks[0].size == 512ull << 30 && d->banks[0].type == PQ_MEM_DDR4,
	       "fixture: one used DDR4 bank PSDDR of 512 GiB");
	tap_ok(!strcmp(d->banks[0].name, "PSDDR"), "fixture: bank directory name PSDDR");
	tap_ok(d->ncus == 0 && d->nstreams == 0, "fixture: no kernels, no streams");
	tap_ok(d->shell[0] == '\0', "fixture: empty platformVBNV");
	tap_ok(d->has_metadata && d->project && !strcmp(d->project, "binary_container_1"),
	       "fixture: EMBEDDED_METADATA project binary_container_1");
	pq_design_free(d);

	/* Its trailing mirror data is counted in the length: one byte less is refused. */
	ret = parse_copy(img, len - 1, NULL, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "declares"), "fixture minus one byte: %s", err);
	free(img);
}

static const char *const designs[] = {"vadd", "hbm_multi", "k2k_streams"};

static struct pq_design *load_design(const char *name)
{
	struct pq_design *d = NULL;
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/examples/designs/%s.cfg", src_dir, name);
	if (pq_describe_load(path, &d, err, sizeof(err)))
		tap_diag("%s", err);
	return d;
}

static void test_roundtrip(void)
{
	for (size_t i = 0; i < sizeof(designs) / sizeof(designs[0]); i++) {
		struct pq_design *d = load_design(designs[i]), *p = NULL, *b = NULL;
		char err[512] = "", why[256] = "", path[4096];
		uint8_t *img = NULL, *built;
		size_t len;

		if (!tap_ok(d != NULL, "%s: description loads", designs[i]))
			continue;
		tap_ok(pq_xclbin_write(d, &img, &len, err, sizeof(err)) == 0 &&
			       parse_copy(img, len, &p, err, sizeof(err)) == 0,
		       "%s: write and parse back (%s)", designs[i], err);
		tap_ok(p && design_eq(d, p, why, sizeof(why)), "%s: parse(write(d)) == d %s",
		       designs[i], why);
		/* The file the build packed with pynqfs-xclbin is the same design. */
		snprintf(path, sizeof(path), "%s/examples/%s.xclbin", build_dir, designs[i]);
		built = tap_slurp(path, &len);
		why[0] = '\0';
		tap_ok(built && parse_copy(built, len, &b, err, sizeof(err)) == 0 &&
			       design_eq(d, b, why, sizeof(why)),
		       "%s: packed %s parses to the description %s", designs[i], path, why);
		free(built);
		free(img);
		pq_design_free(p);
		pq_design_free(b);
		pq_design_free(d);
	}
}

/*
 * An arg connected to a range of banks (Vitis's sp=cu.arg:HBM[1:3]) is an
 * entry a bank in CONNECTIVITY, and parses back as that range.
 */
static void test_bank_range(void)
{
	struct pq_design *d = load_design("hbm_multi"), *p = NULL;
	char err[512] = "", why[256] = "";
	uint8_t *img = NULL;
	size_t len;

	if (!tap_ok(d != NULL, "hbm_multi loads for the range check"))
		return;
	d->cus[0].arg_mem[0] = d->cus[0].arg_last[0] = -1;
	pq_cu_connect(&d->cus[0], 0, 1);
	pq_cu_connect(&d->cus[0], 0, 2);
	pq_cu_connect(&d->cus[0], 0, 3);
	tap_ok(d->cus[0].arg_mem[0] == 1 && d->cus[0].arg_last[0] == 3,
	       "banks 1, 2, 3 connected one by one make the range 1..3 (%d..%d)",
	       d->cus[0].arg_mem[0], d->cus[0].arg_last[0]);
	tap_ok(pq_xclbin_write(d, &img, &len, err, sizeof(err)) == 0 &&
		       parse_copy(img, len, &p, err, sizeof(err)) == 0 &&
		       design_eq(d, p, why, sizeof(why)),
	       "the range is written and parses back the same %s%s", err, why);
	pq_cu_connect(&d->cus[0], 0, 0);
	pq_cu_connect(&d->cus[0], 1, 5);
	tap_ok(d->cus[0].arg_mem[0] == 0 && d->cus[0].arg_last[0] == 3 &&
		       d->cus[0].arg_mem[1] == 5 && d->cus[0].arg_last[1] == 5,
	       "a bank below the range widens it; a bank far from it replaces it");
	free(img);
	pq_design_free(p);
	pq_design_free(d);
}

/* A stream's FIFO depth (stream_connect=a:b:64) is written and read back. */
static void test_fifo_depth(void)
{
	struct pq_design *d = load_design("k2k_streams"), *p = NULL;
	char err[512] = "", why[256] = "";
	uint8_t *img = NULL;
	size_t len;

	if (!tap_ok(d && d->nstreams, "k2k_streams loads for the depth check"))
		goto out;
	d->banks[d->streams[0].mem].depth = 64;
	tap_ok(pq_xclbin_write(d, &img, &len, err, sizeof(err)) == 0 &&
		       parse_copy(img, len, &p, err, sizeof(err)) == 0 &&
		       design_eq(d, p, why, sizeof(why)) && p->banks[p->streams[0].mem].depth == 64,
	       "a stream's depth 64 is written and parses back %s%s", err, why);
out:
	free(img);
	pq_design_free(p);
	pq_design_free(d);
}

/* The PARTITION_METADATA section of img: its offset, and where its size is. */
static uint8_t *partition_of(uint8_t *img, uint64_t *size_at)
{
	uint32_t n = get32(img + AXLF_OFF_NUM_SECTIONS);

	for (uint32_t i = 0; i < n; i++) {
		uint8_t *h = img + AXLF_OFF_SECTIONS + (size_t)i * AXLF_SECTION_HDR_SIZE;

		if (get32(h) == AXLF_PARTITION_METADATA) {
			*size_at = (uint64_t)(h + 32 - img);
			return img + get64(h + 24);
		}
	}
	return NULL;
}

/* Interface UUIDs (PARTITION_METADATA, a device tree): written, read, bad ones refused. */
static void test_partition(void)
{
	struct pq_design *d = load_design("vadd"), *p = NULL;
	char err[512] = "", why[256] = "";
	uint8_t *img = NULL, *fdt, *copy = NULL;
	uint64_t size_at = 0, size;
	size_t len, bad = 0;

	if (!tap_ok(d != NULL, "vadd loads for the interface UUID checks"))
		return;
	d->niface = 2;
	snprintf(d->iface[0], sizeof(d->iface[0]), "862c7020a250293e32036f19956669e5");
	snprintf(d->iface[1], sizeof(d->iface[1]), "00112233445566778899aabbccddeeff");
	tap_ok(pq_xclbin_write(d, &img, &len, err, sizeof(err)) == 0 &&
		       parse_copy(img, len, &p, err, sizeof(err)) == 0 &&
		       design_eq(d, p, why, sizeof(why)) && p->niface == 2 &&
		       !strcmp(p->iface[0], d->iface[0]) && !strcmp(p->iface[1], d->iface[1]),
	       "two interface UUIDs are written and parse back %s%s", err, why);
	fdt = img ? partition_of(img, &size_at) : NULL;
	if (!tap_ok(fdt != NULL, "the xclbin has a PARTITION_METADATA section"))
		goto out;
	size = get64(img + size_at);
	copy = malloc(len);
	/* Every shorter section: refused with a reason, nothing read past it (ASan). */
	for (uint64_t k = 0; k < size; k++) {
		memcpy(copy, img, len);
		put64(copy + size_at, k);
		bad += parse_copy(copy, len, NULL, err, sizeof(err)) == -EINVAL &&
		       strstr(err, "PARTITION_METADATA: ");
	}
	tap_ok(bad == size, "each of its %llu truncations is refused, saying why (%zu)",
	       (unsigned long long)size, bad);
	memcpy(copy, img, len);
	copy[fdt - img] ^= 0xff;
	tap_ok(parse_copy(copy, len, NULL, err, sizeof(err)) == -EINVAL &&
		       strstr(err, "PARTITION_METADATA: not a device tree"),
	       "a bad magic: %s", err);
	memcpy(copy, img, len);
	{
		uint8_t *u = memmem(copy + (fdt - img), size, d->iface[1], 32);

		if (u)
			u[3] = 'x';
		tap_ok(u && parse_copy(copy, len, NULL, err, sizeof(err)) == -EINVAL &&
			       strstr(err, "is not 32 hex digits"),
		       "an interface UUID that is not hex: %s", err);
	}
	memcpy(copy, img, len);
	{
		/* The first property's length: the first FDT_PROP token after the header. */
		uint8_t *prop = memmem(copy + (fdt - img) + 56, size - 56, "\0\0\0\3", 4);

		if (prop)
			memset(prop + 4, 0x7f, 4); /* big-endian 0x7f7f7f7f */
		tap_ok(prop && parse_copy(copy, len, NULL, err, sizeof(err)) == -EINVAL &&
			       strstr(err, "runs past"),
		       "a property longer than the tree: %s", err);
	}
out:
	free(copy);
	free(img);
	pq_design_free(p);
	pq_design_free(d);
}

/* A Vitis sw_emu build's shape: metadata and clocks, no IP_LAYOUT, MEM_TOPOLOGY, CONNECTIVITY. */
static void test_sw_emu(void)
{
	struct pq_design *d = load_design("hbm_multi"), *p = NULL;
	char err[512] = "";
	uint8_t *img = NULL;
	size_t len;
	bool same = true;

	if (!tap_ok(d != NULL, "sw_emu: hbm_multi description loads"))
		return;
	tap_ok(pq_xclbin_write_sw_emu(d, NULL, 0, &img, &len, err, sizeof(err)) == 0 &&
		       parse_copy(img, len, &p, err, sizeof(err)) == 0,
	       "sw_emu-shaped hbm_multi parses (%s)", err);
	if (!p)
		goto out;
	same = p->ncus == d->ncus;
	for (size_t i = 0; same && i < d->ncus; i++)
		same = !strcmp(p->cus[i].name, d->cus[i].name) &&
		       p->cus[i].base == d->cus[i].base &&
		       !strcmp(p->kernels[p->cus[i].kernel].name,
			       d->kernels[d->cus[i].kernel].name) &&
		       p->cus[i].control == d->cus[i].control && p->cus[i].arg_mem[0] == -1;
	tap_ok(same, "its compute units come from the metadata's instances, any bank for any arg");
	tap_ok(p->nbanks == 40 && !strcmp(p->banks[0].tag, "HBM[0]") &&
		       p->banks[31].size == 256ull << 20 && !strcmp(p->banks[32].tag, "DDR[0]") &&
		       p->banks[33].size == 16ull << 30 && !strcmp(p->banks[39].tag, "PLRAM[5]") &&
		       p->banks[39].size == 128ull << 10,
	       "its banks are the U280's: 32 x 256 MiB HBM, 2 x 16 GiB DDR, 6 x 128 KiB PLRAM "
	       "(%zu banks)",
	       p->nbanks);
	tap_ok(p->defaults && strstr(p->defaults, "no IP_LAYOUT") &&
		       strstr(p->defaults, "no MEM_TOPOLOGY: the memories of xilinx_u280") &&
		       strstr(p->defaults, "no CONNECTIVITY"),
	       "the defaults taken are said: %s", p->defaults ? p->defaults : "(none)");
	pq_design_free(p);
	p = NULL;
	free(img);
	img = NULL;
	snprintf(d->shell, sizeof(d->shell), "acme_board_1");
	err[0] = '\0';
	tap_ok(pq_xclbin_write_sw_emu(d, NULL, 0, &img, &len, err, sizeof(err)) == 0 &&
		       parse_copy(img, len, &p, err, sizeof(err)) == -EINVAL &&
		       strstr(err, "acme_board_1 is not a platform pynqfs knows"),
	       "an unknown platform with no MEM_TOPOLOGY is refused: %s", err);
out:
	free(img);
	pq_design_free(p);
	pq_design_free(d);
}

static void test_model(void)
{
	struct pq_design *d = load_design("vadd"), *h = load_design("hbm_multi");
	struct pq_design *k = load_design("k2k_streams");
	char *sig;

	if (!tap_ok(d && h && k, "designs load for the model checks"))
		goto out;
	sig = pq_kernel_signature(&d->kernels[0]);
	tap_ok(sig && !strcmp(sig, "vadd(const int* in1, const int* in2, int* out_r, "
				   "unsigned int size)"),
	       "vadd signature: %s", sig);
	free(sig);
	tap_ok(d->cus[0].arg_mem[0] == 0 && d->cus[0].arg_mem[2] == 1 && d->cus[0].arg_mem[3] == -1,
	       "vadd_1: in1 -> bank0, out_r -> bank1, size unconnected");
	tap_ok(d->kernels[0].args[0].offset == 0x10 && d->kernels[0].args[1].offset == 0x1c &&
		       d->kernels[0].args[3].offset == 0x34,
	       "HLS register offsets 0x10, 0x1c, .., 0x34");
	tap_ok(!strcmp(h->banks[0].name, "HBM0") && !strcmp(h->banks[6].name, "DDR0") &&
		       !strcmp(h->banks[8].name, "PLRAM0") && !strcmp(h->banks[8].tag, "PLRAM[0]"),
	       "bank names HBM0, DDR0, PLRAM0 from tags HBM[0], DDR[0], PLRAM[0]");
	tap_ok(h->ncus == 4 && !strcmp(h->cus[0].name, "vmult_1") &&
		       !strcmp(h->cus[1].name, "vmult_2") && h->cus[1].ip_index == 0,
	       "CUs sorted by name, IP_LAYOUT order kept in ip_index");
	sig = pq_kernel_signature(&k->kernels[1]);
	tap_ok(sig && !strcmp(sig,
			      "vmult_stream(stream in_a, int const * in3, int* out_r, int size)"),
	       "stream args print as 'stream <name>': %s", sig);
	free(sig);
	tap_ok(k->nstreams == 1 && !strcmp(k->banks[k->streams[0].mem].name, "dc_0") &&
		       !strcmp(k->cus[k->streams[0].src_cu].name, "vadd_stream_1") &&
		       !strcmp(k->cus[k->streams[0].sink_cu].name, "vmult_stream_1"),
	       "dc_0: source vadd_stream_1, sink vmult_stream_1");
	tap_ok(!pq_bank_visible(&k->banks[k->streams[0].mem]), "a stream is never a bank");

	/* Name collisions: the later bank gets _<index>. */
	{
		struct pq_design c = {0};
		struct pq_bank banks[3] = {
			{.tag = "bank-1", .used = true},
			{.tag = "bank1", .used = true},
			{.tag = "[]", .used = true},
		};

		c.banks = banks;
		c.nbanks = 3;
		pq_design_name_banks(&c);
		tap_ok(!strcmp(banks[0].name, "bank1") && !strcmp(banks[1].name, "bank1_1") &&
			       !strcmp(banks[2].name, "_2"),
		       "clean-name collision: bank1, bank1_1; empty name: _2 (%s %s %s)",
		       banks[0].name, banks[1].name, banks[2].name);
	}
	{
		char buf[32];

		pq_size_format(16ull << 30, buf, sizeof(buf));
		tap_ok(!strcmp(buf, "16 GiB"), "size 16 GiB: %s", buf);
		pq_size_format(1000, buf, sizeof(buf));
		tap_ok(!strcmp(buf, "1000 bytes"), "size 1000 bytes: %s", buf);
	}
out:
	pq_design_free(d);
	pq_design_free(h);
	pq_design_free(k);
}

/* The vadd image, written fresh. */
static uint8_t *vadd_image(size_t *len)
{
	struct pq_design *d = load_design("vadd");
	uint8_t *img = NULL;
	char err[256];

	if (d)
		pq_xclbin_write(d, &img, len, err, sizeof(err));
	pq_design_free(d);
	return img;
}

/* Offset of the first section of the given kind, via the section table. */
static uint8_t *section_hdr(uint8_t *img, uint32_t kind)
{
	uint32_t n = get32(img + AXLF_OFF_NUM_SECTIONS);

	for (uint32_t i = 0; i < n; i++) {
		uint8_t *h = img + AXLF_OFF_SECTIONS + i * AXLF_SECTION_HDR_SIZE;

		if (get32(h) == kind)
			return h;
	}
	return NULL;
}

static void test_truncations(void)
{
	size_t len, bad_plain = 0, bad_patched = 0, data_end = 0;
	uint8_t *img = vadd_image(&len), *cut;

	if (!tap_ok(img != NULL, "vadd image for truncation"))
		return;
	/* Past the last section's end there is only alignment padding. */
	for (uint32_t i = 0; i < get32(img + AXLF_OFF_NUM_SECTIONS); i++) {
		const uint8_t *h = img + AXLF_OFF_SECTIONS + i * AXLF_SECTION_HDR_SIZE;

		if (get64(h + 24) + get64(h + 32) > data_end)
			data_end = get64(h + 24) + get64(h + 32);
	}
	cut = malloc(len);
	for (size_t n = 0; n < len; n++) {
		bad_plain += parse_copy(img, n, NULL, NULL, 0) != -EINVAL;
		/* Also with the header's length patched, so deeper checks run. */
		memcpy(cut, img, n);
		if (n >= AXLF_OFF_LENGTH + 8)
			put64(cut + AXLF_OFF_LENGTH, n);
		bad_patched += parse_copy(cut, n, NULL, NULL, 0) != (n < data_end ? -EINVAL : 0);
	}
	tap_ok(bad_plain == 0, "every truncation (%zu) is refused with EINVAL", len);
	tap_ok(bad_patched == 0,
	       "with a patched length: refused below the last section's end (%zu), "
	       "accepted in the padding after it",
	       data_end);
	free(cut);
	free(img);
}

struct corrupt {
	const char *what;
	uint32_t kind; /* section, or 0 for the header */
	size_t at;     /* offset in the section (or header) */
	int width;     /* 4 or 8 */
	uint64_t value;
	const char *expect; /* in the error message */
};

static void test_corruptions(void)
{
	static const struct corrupt cases[] = {
		{"bad magic", 0, 0, 4, 0x41414141, "magic"},
		{"length too large", 0, AXLF_OFF_LENGTH, 8, UINT64_MAX, "declares"},
		{"huge section count", 0, AXLF_OFF_NUM_SECTIONS, 4, UINT32_MAX, "sections"},
		{"section offset past end", AXLF_MEM_TOPOLOGY, 24 | 1u << 31, 8, 1ull << 40,
		 "past the end"},
		{"section offset near 2^64", AXLF_IP_LAYOUT, 24 | 1u << 31, 8, UINT64_MAX - 4,
		 "past the end"},
		{"section size near 2^64", AXLF_CONNECTIVITY, 32 | 1u << 31, 8, UINT64_MAX,
		 "past the end"},
		{"negative mem count", AXLF_MEM_TOPOLOGY, 0, 4, 0xffffffff, "negative"},
		{"huge mem count", AXLF_MEM_TOPOLOGY, 0, 4, 0x7fffffff, "count"},
		{"huge ip count", AXLF_IP_LAYOUT, 0, 4, 0x10000000, "count"},
		{"huge connection count", AXLF_CONNECTIVITY, 0, 4, 0x7fffffff, "count"},
		{"huge clock count", AXLF_CLOCK_FREQ_TOPOLOGY, 0, 4, 0x7fff, "count"},
		{"connection to ip 99", AXLF_CONNECTIVITY, 4 + 4, 4, 99, "IP index"},
		{"connection to mem -5", AXLF_CONNECTIVITY, 4 + 8, 4, 0xfffffffb, "memory index"},
		{"connection to arg 77", AXLF_CONNECTIVITY, 4, 4, 77, "no argument"},
		{"mem size overflows bytes", AXLF_MEM_TOPOLOGY, 8 + 8, 8, UINT64_MAX, "impossible"},
		{"ip name without ':'", AXLF_IP_LAYOUT, 8 + 16 + 4, 4, 0x41414141,
		 "kernel:instance"},
		{"ip name with '/'", AXLF_IP_LAYOUT, 8 + 16 + 5, 4, 0x2f2f2f2f, "unusable"},
		{"kernel name with '/' (a path to another .so)", AXLF_IP_LAYOUT, 8 + 16, 4,
		 0x2f2e2e2f, "unusable"},
	};
	size_t len;
	uint8_t *img = vadd_image(&len);

	if (!tap_ok(img != NULL, "vadd image for corruption"))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct corrupt *c = &cases[i];
		uint8_t *bad = malloc(len), *p;
		char err[512] = "";
		int ret;

		memcpy(bad, img, len);
		if (c->kind == 0) {
			p = bad + c->at;
		} else if (c->at & 1u << 31) {
			p = section_hdr(bad, c->kind) + (c->at & ~(1u << 31));
		} else {
			p = bad + get64(section_hdr(bad, c->kind) + 24) + c->at;
		}
		if (c->width == 8)
			put64(p, c->value);
		else
			put32(p, (uint32_t)c->value);
		ret = parse_copy(bad, len, NULL, err, sizeof(err));
		tap_ok(ret == -EINVAL && strstr(err, c->expect), "%s: refused (%s)", c->what, err);
		free(bad);
	}
	free(img);
}

/* Random byte mutations: the parser may accept or refuse, never misbehave. */
static void test_mutations(void)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;
	size_t len, ok = 0, refused = 0, other = 0;
	uint8_t *img = vadd_image(&len), *m;

	if (!tap_ok(img != NULL, "vadd image for mutation"))
		return;
	m = malloc(len);
	for (int it = 0; it < 20000; it++) {
		int flips;
		int ret;

		memcpy(m, img, len);
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		flips = 1 + (int)(s % 8);
		for (int f = 0; f < flips; f++) {
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			/* Bias toward the header and section tables, where structure is. */
			m[(s >> 8) % (it % 2 ? len : AXLF_OFF_SECTIONS + 5 * 40)] = (uint8_t)s;
		}
		ret = parse_copy(m, len, NULL, NULL, 0);
		ok += ret == 0;
		refused += ret == -EINVAL;
		other += ret != 0 && ret != -EINVAL;
	}
	tap_ok(other == 0, "20000 mutations: %zu parsed, %zu refused, %zu other", ok, refused,
	       other);
	tap_ok(refused > 0 && ok > 0, "mutations exercise both outcomes");
	free(m);
	free(img);
}

/* A minimal image holding one EMBEDDED_METADATA section of the given XML. */
static uint8_t *xml_image(const char *xml, size_t *len)
{
	size_t n = strlen(xml), off = AXLF_OFF_SECTIONS + AXLF_SECTION_HDR_SIZE;
	uint8_t *img;

	*len = off + n;
	img = calloc(1, *len);
	memcpy(img, AXLF_MAGIC, 8);
	put64(img + AXLF_OFF_LENGTH, *len);
	put32(img + AXLF_OFF_NUM_SECTIONS, 1);
	put32(img + AXLF_OFF_SECTIONS, AXLF_EMBEDDED_METADATA);
	put64(img + AXLF_OFF_SECTIONS + 24, off);
	put64(img + AXLF_OFF_SECTIONS + 32, n);
	memcpy(img + off, xml, n);
	return img;
}

static void test_xml(void)
{
	static const struct {
		const char *what, *xml, *expect;
	} cases[] = {
		{"billion laughs",
		 "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
		 "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c "
		 "\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
		 "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><project name=\"&d;\"/>",
		 "DTD"},
		{"external entity",
		 "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		 "<project name=\"&x;\"/>",
		 "DTD"},
		{"unclosed element", "<project name=\"x\"><platform>", "XML error"},
		{"not xml", "\x01\x02garbage", "XML error"},
		{"wrong root", "<notproject/>", "<project>"},
		{"arg name not a C name",
		 "<project name=\"p\"><platform><device><core><kernel name=\"k\">"
		 "<arg name=\"a=b\" addressQualifier=\"0\" id=\"0\" type=\"int\"/>"
		 "</kernel></core></device></platform></project>",
		 "not a C name"},
		{"duplicate arg ids",
		 "<project name=\"p\"><platform><device><core><kernel name=\"k\">"
		 "<arg name=\"a\" addressQualifier=\"0\" id=\"0\" type=\"int\"/>"
		 "<arg name=\"b\" addressQualifier=\"0\" id=\"0\" type=\"int\"/>"
		 "</kernel></core></device></platform></project>",
		 "two args"},
		{"bad offset",
		 "<project name=\"p\"><platform><device><core><kernel name=\"k\">"
		 "<arg name=\"a\" addressQualifier=\"0\" id=\"0\" offset=\"0xZZ\" type=\"int\"/>"
		 "</kernel></core></device></platform></project>",
		 "offset"},
		{"negative id",
		 "<project name=\"p\"><platform><device><core><kernel name=\"k\">"
		 "<arg name=\"a\" addressQualifier=\"0\" id=\"-1\" type=\"int\"/>"
		 "</kernel></core></device></platform></project>",
		 "id"},
		{"kernel twice",
		 "<project name=\"p\"><platform><device><core><kernel name=\"k\"/><kernel "
		 "name=\"k\"/>"
		 "</core></device></platform></project>",
		 "twice"},
		{"fifo of no stream",
		 "<project name=\"p\"><platform><device><core>"
		 "<pynqfs_fifo stream=\"dc_9\" depth=\"64\"/>"
		 "</core></device></platform></project>",
		 "no stream 'dc_9'"},
		{"fifo of depth 0",
		 "<project name=\"p\"><platform><device><core>"
		 "<pynqfs_fifo stream=\"dc_0\" depth=\"0\"/>"
		 "</core></device></platform></project>",
		 "depth must be 1 to"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[512] = "";
		size_t len;
		uint8_t *img = xml_image(cases[i].xml, &len);
		int ret = parse_copy(img, len, NULL, err, sizeof(err));

		tap_ok(ret == -EINVAL && strstr(err, cases[i].expect), "xml %s: refused (%s)",
		       cases[i].what, err);
		free(img);
	}
	{
		struct pq_design *d = NULL;
		char err[512] = "";
		size_t len;
		uint8_t *img = xml_image("<project name=\"p &amp; q\"/>\n\0\0\0", &len);
		int ret = parse_copy(img, len, &d, err, sizeof(err));

		tap_ok(ret == 0 && d && !strcmp(d->project, "p & q"),
		       "xml: predefined entities decode; trailing NULs are fine (%s)", err);
		pq_design_free(d);
		free(img);
	}
}

/* Fixed-width names that fill their field have no NUL: still bounded. */
static void test_unterminated_names(void)
{
	size_t len;
	uint8_t *img = vadd_image(&len);
	struct pq_design *d = NULL;
	uint8_t *mem, *ip;
	char err[512] = "";
	int ret;

	if (!tap_ok(img != NULL, "vadd image for names"))
		return;
	mem = img + get64(section_hdr(img, AXLF_MEM_TOPOLOGY) + 24);
	memset(mem + AXLF_MEM_DATA_OFF + 24, 'M', AXLF_MEM_TAG_LEN);
	ip = img + get64(section_hdr(img, AXLF_IP_LAYOUT) + 24);
	memcpy(ip + AXLF_IP_DATA_OFF + 16, "vadd:", 5);
	memset(ip + AXLF_IP_DATA_OFF + 21, 'c', AXLF_IP_NAME_LEN - 5);
	ret = parse_copy(img, len, &d, err, sizeof(err));
	tap_ok(ret == 0 && strlen(d->banks[0].tag) == AXLF_MEM_TAG_LEN &&
		       strlen(d->cus[0].name) == AXLF_IP_NAME_LEN - 5,
	       "a 16-char tag and a 64-char IP name without NUL parse, bounded (%s)", err);
	pq_design_free(d);
	free(img);
}

int main(void)
{
	src_dir = getenv("PYNQFS_SRC");
	build_dir = getenv("PYNQFS_BUILD");
	if (!src_dir || !build_dir) {
		printf("1..0 # SKIP PYNQFS_SRC and PYNQFS_BUILD must be set\n");
		return 1;
	}
	test_fixture();
	test_roundtrip();
	test_bank_range();
	test_fifo_depth();
	test_partition();
	test_sw_emu();
	test_model();
	test_truncations();
	test_corruptions();
	test_mutations();
	test_xml();
	test_unterminated_names();
	return tap_done();
}
