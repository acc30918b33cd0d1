/* SPDX-License-Identifier: MIT */
/*
 * The design model: what an xclbin describes (banks, kernels and their
 * args, compute units, streams, clocks), as xclbin.c parses it and
 * xclbin_write.c writes it, and the names pynqfs gives its parts.
 */
#ifndef PYNQFS_DESIGN_H
#define PYNQFS_DESIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The lengths of the names an axlf image holds (xclbin.h lays out the rest). */
#define AXLF_VBNV_LEN	    64
#define AXLF_MEM_TAG_LEN    16
#define AXLF_CLOCK_NAME_LEN 128

/* IP_LAYOUT's IP_CONTROL values (struct pq_cu's control). */
enum pq_ip_control { PQ_CTRL_HS = 0, PQ_CTRL_CHAIN = 1, PQ_CTRL_NONE = 2 };

/* MEM_TOPOLOGY m_type values. */
enum pq_mem_type {
	PQ_MEM_DDR3 = 0,
	PQ_MEM_DDR4 = 1,
	PQ_MEM_DRAM = 2,
	PQ_MEM_STREAMING = 3,
	PQ_MEM_PREALLOCATED_GLOB = 4,
	PQ_MEM_ARE = 5,
	PQ_MEM_HBM = 6,
	PQ_MEM_BRAM = 7,
	PQ_MEM_URAM = 8,
	PQ_MEM_STREAMING_CONNECTION = 9,
	PQ_MEM_HOST = 10,
	PQ_MEM_PS_KERNEL = 11,
};

/* addressQualifier values of EMBEDDED_METADATA args. */
#define PQ_AQ_SCALAR 0
#define PQ_AQ_GLOBAL 1
#define PQ_AQ_STREAM 4

enum pq_stream_dir { PQ_DIR_NONE = 0, PQ_DIR_IN, PQ_DIR_OUT };

/* One MEM_TOPOLOGY entry. */
struct pq_bank {
	char tag[AXLF_MEM_TAG_LEN + 1];	  /* raw tag, as in the xclbin */
	char name[AXLF_MEM_TAG_LEN + 16]; /* directory name (SPEC §4) */
	int type;			  /* enum pq_mem_type */
	bool used;
	bool streaming;	   /* a stream, never a bank */
	uint64_t size;	   /* bytes (0 for streams) */
	uint64_t base;	   /* base address, or flow id for streams */
	uint64_t route_id; /* streams only */
	/*
	 * Streams: the FIFO depth, in elements, a link config gave it
	 * (stream_connect=a.out:b.in:64), 0 if none. Vitis builds it into the
	 * hardware; pynqfs-vpp writes it in EMBEDDED_METADATA (<pynqfs_fifo>).
	 */
	uint32_t depth;
};

/* One argument of a kernel, in signature (id) order. */
struct pq_arg {
	char *name;
	char *type; /* C type as the tools spell it: "unsigned int const *" */
	char *port; /* AXI port: m_axi_gmem, s_axi_control, a stream port */
	int aq;	    /* addressQualifier */
	int id;
	uint32_t offset; /* in the CU's control space */
	uint32_t size;	 /* register bytes */
	uint32_t host_size;
	int dir;	/* enum pq_stream_dir, streams only */
	uint32_t width; /* streams: TDATA bits, the port's dataWidth (0: not given) */
};

/* A compute unit as EMBEDDED_METADATA names it (<instance>). */
struct pq_instance {
	char *name;
	uint64_t base; /* its addrRemap base, 0 if none */
};

struct pq_kernel {
	char *name;
	char *vlnv;
	char *protocol;	    /* hwControlProtocol: ap_ctrl_hs, ap_ctrl_chain, ... */
	uint32_t reg_range; /* size of the control space */
	struct pq_arg *args;
	size_t nargs;
	struct pq_instance *instances; /* the metadata's, for xclbins with no IP_LAYOUT */
	size_t ninstances;
};

/* A compute unit: one instance of a kernel. */
struct pq_cu {
	char *name;    /* instance name: vadd_1 */
	size_t kernel; /* index into design->kernels */
	uint64_t base;
	int control;  /* IP_CONTROL from IP_LAYOUT */
	int ip_index; /* position in IP_LAYOUT */
	/*
	 * Per arg: the MEM_TOPOLOGY indexes it connects to, arg_mem[a] to
	 * arg_last[a] (a range, as Vitis connects HBM[0:3]), or -1 for any.
	 */
	int *arg_mem, *arg_last;
};

/* A kernel-to-kernel stream: a streaming memory entry and its two ends. */
struct pq_stream {
	size_t mem;	     /* index into design->banks */
	int src_cu, src_arg; /* -1 when unconnected */
	int sink_cu, sink_arg;
};

struct pq_clock {
	char name[AXLF_CLOCK_NAME_LEN + 1];
	uint16_t mhz;
	uint8_t type;
};

#define PQ_MAX_IFACE	  4
#define PQ_IFACE_UUID_LEN 32 /* hex digits */

struct pq_design {
	uint8_t uuid[16];
	char shell[AXLF_VBNV_LEN + 1];
	/*
	 * The shell interfaces it needs (PARTITION_METADATA: partition.c), as
	 * 32 lowercase hex digits; none in a one-stage shell's xclbin.
	 */
	char iface[PQ_MAX_IFACE][PQ_IFACE_UUID_LEN + 1];
	size_t niface;
	char *project; /* EMBEDDED_METADATA project name, or NULL */
	uint64_t timestamp;
	uint16_t version_patch;
	uint8_t version_major, version_minor;
	bool has_metadata;
	struct pq_bank *banks; /* every MEM_TOPOLOGY entry, in order */
	size_t nbanks;
	struct pq_kernel *kernels;
	size_t nkernels;
	struct pq_cu *cus; /* sorted by name */
	size_t ncus;
	struct pq_stream *streams; /* in MEM_TOPOLOGY order */
	size_t nstreams;
	struct pq_clock *clocks;
	size_t nclocks;
	/*
	 * What the xclbin left out and was taken by default (sw_emu xclbins
	 * have neither IP_LAYOUT nor MEM_TOPOLOGY nor CONNECTIVITY): words for
	 * the log, or NULL.
	 */
	char *defaults;
	/* The BITSTREAM section within the image parsed (size 0: none). */
	uint64_t bitstream_off, bitstream_size;
};

void pq_design_free(struct pq_design *d);

/* A bank as SPEC §4 shows it: used and not a stream. */
static inline bool pq_bank_visible(const struct pq_bank *b)
{
	return b->used && !b->streaming;
}

/* Give every bank its directory name (SPEC §4 cleaning and collisions). */
void pq_design_name_banks(struct pq_design *d);
/* Sort the compute units by name (the order the tree and core use). */
void pq_design_sort_cus(struct pq_design *d);
/* Give every CU's args arg_mem -1 (any bank) until CONNECTIVITY says otherwise. */
int pq_design_any_bank(struct pq_design *d);
/* The same for one CU of nargs args. */
int pq_cu_any_bank(struct pq_cu *cu, size_t nargs);
/*
 * Connect arg a of cu to bank mem as well: a bank next to its range widens
 * it; any other replaces it (one range an arg).
 */
void pq_cu_connect(struct pq_cu *cu, size_t a, int mem);

/* "vadd(const int* in1, stream out, unsigned int size)"; malloc'd. */
char *pq_kernel_signature(const struct pq_kernel *k);

/* Index of the arg named name in k, or -1. */
int pq_kernel_arg(const struct pq_kernel *k, const char *name);

const char *pq_mem_type_name(int type);

/* "0123abcd-..." form of a UUID; buf holds at least 37 bytes. */
void pq_uuid_format(const uint8_t uuid[16], char *buf);

#endif
