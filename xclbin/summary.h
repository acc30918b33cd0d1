/* SPDX-License-Identifier: MIT */
/* The PYNQ overlay docstring of a design (SPEC §7), as text. */
#ifndef PYNQFS_SUMMARY_H
#define PYNQFS_SUMMARY_H

#include <stdio.h>

#include "xclbin.h"

/* "16 GiB", "128 KiB", "1000 bytes": exact, never rounded. */
void pq_size_format(unsigned long long bytes, char *buf, size_t len);

/* "6.0 GiB", "512 bytes": rounded, for messages. */
void pq_size_human(unsigned long long bytes, char *buf, size_t len);

/* The design's part of the summary: the xclbin, IP Blocks, Memories, Streams. */
void pq_summary_design(FILE *f, const struct pq_design *d);

/* "vadd_1.out_c" for a stream end, or "none". */
void pq_stream_end(const struct pq_design *d, int cu, int arg, char *buf, size_t len);

#endif
