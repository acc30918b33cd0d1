/* SPDX-License-Identifier: MIT */
/*
 * The axlf container format of an xclbin.
 *
 * pq_xclbin_parse() turns an axlf image into a struct pq_design (design.h);
 * pq_xclbin_write() turns a design back into an image. Both share the
 * layout constants below, so parse(write(d)) == d holds by construction
 * and is tested.
 */
#ifndef PYNQFS_XCLBIN_H
#define PYNQFS_XCLBIN_H

#include "design.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* axlf layout (XRT's xclbin.h, measured against real files). */
#define AXLF_MAGIC	      "xclbin2"
#define AXLF_OFF_LENGTH	      0x130 /* m_header.m_length */
#define AXLF_OFF_TIMESTAMP    0x138
#define AXLF_OFF_VERSION      0x148 /* patch u16, major u8, minor u8 */
#define AXLF_OFF_MODE	      0x14c
#define AXLF_OFF_VBNV	      0x160 /* 64 bytes, the shell name */
#define AXLF_OFF_UUID	      0x1a0 /* 16 bytes */
#define AXLF_OFF_NUM_SECTIONS 0x1c0
#define AXLF_OFF_SECTIONS     0x1c8
#define AXLF_SECTION_HDR_SIZE 40 /* kind u32, name[16], pad, offset u64, size u64 */

enum axlf_kind {
	AXLF_BITSTREAM = 0, /* sw_emu builds: the kernels as an x86-64 shared object */
	AXLF_EMBEDDED_METADATA = 2,
	AXLF_MEM_TOPOLOGY = 6,
	AXLF_CONNECTIVITY = 7,
	AXLF_IP_LAYOUT = 8,
	AXLF_CLOCK_FREQ_TOPOLOGY = 11,
	AXLF_PARTITION_METADATA = 20,
	AXLF_GROUP_TOPOLOGY = 26,
	AXLF_GROUP_CONNECTIVITY = 27,
};

#define AXLF_MEM_DATA_OFF  8
#define AXLF_MEM_DATA_SIZE 40 /* type u8, used u8, pad[6], size_kb u64, base u64, tag[16] */
#define AXLF_IP_DATA_OFF   8
#define AXLF_IP_DATA_SIZE  80 /* type u32, properties u32, base u64, name[64] */
#define AXLF_IP_NAME_LEN   64
#define AXLF_CONN_OFF	   4
#define AXLF_CONN_SIZE	   12 /* arg_index i32, ip_layout_index i32, mem_data_index i32 */
#define AXLF_CLOCK_OFF	   2
#define AXLF_CLOCK_SIZE	   136 /* freq_mhz u16, type u8, pad[5], name[128] */

#define AXLF_IP_KERNEL	      1
#define AXLF_IP_CONTROL_MASK  0xff00
#define AXLF_IP_CONTROL_SHIFT 8

/*
 * Parse and validate an axlf image. Returns 0, or -EINVAL with a message
 * in err saying what is wrong and where, or -ENOMEM. Never reads outside
 * [buf, buf + len).
 */
int pq_xclbin_parse(const void *buf, size_t len, struct pq_design **out, char *err, size_t errlen);

/* Serialise a design as an axlf image (malloc'd into *out). */
int pq_xclbin_write(const struct pq_design *d, uint8_t **out, size_t *len, char *err,
		    size_t errlen);
/* The same with a BITSTREAM of bitlen bytes (pynqfs-vpp's: the kernels, a shared object). */
int pq_xclbin_write_with(const struct pq_design *d, const void *bitstream, size_t bitlen,
			 uint8_t **out, size_t *len, char *err, size_t errlen);
/*
 * The same in the shape of a Vitis sw_emu build: EMBEDDED_METADATA (its
 * <instance>s name the compute units) and the clocks, and no MEM_TOPOLOGY,
 * IP_LAYOUT or CONNECTIVITY; a BITSTREAM of bitlen bytes when bitlen > 0
 * (a sw_emu build's is its kernels compiled as a shared object).
 */
int pq_xclbin_write_sw_emu(const struct pq_design *d, const void *bitstream, size_t bitlen,
			   uint8_t **out, size_t *len, char *err, size_t errlen);

#endif
