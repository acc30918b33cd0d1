/* SPDX-License-Identifier: MIT */
/*
 * The sim card's kernel-to-kernel streams: one FIFO (include/pynq_stream.h)
 * per connected stream of a loaded design, in a memfd that both ends'
 * runners map. The daemon maps it too, to say which stream a stuck run
 * waits on.
 */
#ifndef PYNQFS_SIM_STREAM_H
#define PYNQFS_SIM_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "xclbin.h"

#define SIM_STREAM_DEPTH 1024 /* elements a FIFO holds when its xclbin says no depth */

struct sim_stream;

/* FIFOs for every stream of d with both ends connected; *out NULL if none. */
int sim_streams_create(const struct pq_design *d, unsigned card, struct sim_stream **out, char *why,
		       size_t whylen);
void sim_streams_destroy(const struct pq_design *d, struct sim_stream *st);

/* The memfd behind arg a of CU cu, or -1 when that arg is no connected stream. */
int sim_stream_fd(const struct pq_design *d, const struct sim_stream *st, size_t cu, size_t a);

/* Where the streams of CU cu stand: marks[a] per arg, for sim_stream_why(). */
void sim_stream_mark(const struct pq_design *d, const struct sim_stream *st, size_t cu,
		     uint64_t *marks);

/*
 * Words for a run of CU cu that ran out of time: the stream it waits on,
 * and whether it moved since sim_stream_mark() took marks; "" if none.
 */
void sim_stream_why(const struct pq_design *d, const struct sim_stream *st, size_t cu,
		    const uint64_t *marks, char *why, size_t whylen);

#endif
