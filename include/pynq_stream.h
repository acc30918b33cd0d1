/* SPDX-License-Identifier: MIT */
/*
 * pynq_stream.h: kernel-to-kernel streams for kernel models run by the
 * pynqfs sim card. A stream argument of a kernel (hls::stream<...>& in
 * its HLS source) is passed to its C model as a pynq_stream *: one end of
 * a bounded FIFO whose other end is the kernel the xclbin connects it to,
 * running in another process. Like hls::stream, pynq_stream_read() blocks
 * while the FIFO is empty and pynq_stream_write() while it is full; each
 * element carries TDATA (pynq_stream_width() bytes: 4 for ap_axiu<32,...>)
 * and TLAST.
 *
 *	#include <pynq_stream.h>
 *
 *	void mm2s(const int *in, pynq_stream *out, unsigned int n)
 *	{
 *		for (unsigned int i = 0; i < n; i++)
 *			pynq_stream_write_u32(out, (uint32_t)in[i], i == n - 1);
 *	}
 *
 * Compile with `cc -shared -fPIC -O2 -o mm2s.so mm2s.c`; nothing to link.
 * The layout below is shared by the daemon, its runners and kernels: it is
 * versioned by PYNQ_STREAM_MAGIC. Everything here works from C and C++.
 */
#ifndef PYNQ_STREAM_H
#define PYNQ_STREAM_H

#include <linux/futex.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PYNQ_STREAM_MAGIC     0x31534e50u /* "PNS1" */
#define PYNQ_STREAM_MAX_WIDTH 64	  /* bytes of TDATA: 512 bits */
#define PYNQ_STREAM_NAME_MAX  64	  /* "mm2s_1.out", NUL included */

/*
 * One FIFO in memory shared by its two ends. head and tail count the
 * elements read and written (they wrap); the FIFO holds tail - head.
 * Each end sets its *_waits word before sleeping on the other's counter
 * (and clears it once it may go on); the other end wakes it after moving
 * its own counter while the word is set: no system call while the FIFO is
 * neither full nor empty.
 */
typedef struct pynq_stream {
	uint32_t magic;
	uint32_t width; /* bytes of TDATA per element */
	uint32_t depth; /* elements the FIFO holds */
	uint32_t stride;
	uint32_t head; /* elements read; the reader's */
	uint32_t tail; /* elements written; the writer's */
	uint32_t read_waits, write_waits;
	uint8_t slots[]; /* depth x stride: TDATA, then TLAST in byte width */
} pynq_stream;

/*
 * After the slots: what the xclbin says of the stream, for messages. Kept
 * out of pynq_stream so that its layout stays that of PNS1, which kernel
 * models built against an older header still use.
 */
typedef struct pynq_stream_info {
	uint32_t bits;			   /* TDATA bits: the ports' dataWidth */
	char writer[PYNQ_STREAM_NAME_MAX]; /* "<cu>.<arg>" of each end */
	char reader[PYNQ_STREAM_NAME_MAX];
} pynq_stream_info;

/* Bytes a stream of depth elements of width bytes takes, its info included. */
static inline size_t pynq_stream_bytes(uint32_t width, uint32_t depth)
{
	return sizeof(pynq_stream) + (size_t)depth * ((width + 8) & ~7u) + sizeof(pynq_stream_info);
}

static inline pynq_stream_info *pynq_stream_info_of(pynq_stream *s)
{
	return (pynq_stream_info *)(s->slots + (size_t)s->depth * s->stride);
}

static inline void pynq_stream__wait(uint32_t *word, uint32_t seen)
{
	syscall(SYS_futex, word, FUTEX_WAIT, seen, NULL, NULL, 0);
}

static inline void pynq_stream__wake(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/*
 * The other end's counter, once the FIFO is not full (writing) or not
 * empty (reading). Spins a little first (the other end is usually busy on
 * another core), then yields the core a hundred times (with more busy
 * stages than cores, the other end may be waiting for it: sleeping on a
 * futex at each element cost 30 times the throughput), then sleeps.
 */
static inline uint32_t pynq_stream__other(pynq_stream *s, uint32_t *word, uint32_t *waits,
					  uint32_t mine, bool reading)
{
	for (unsigned spin = 0;; spin++) {
		uint32_t other = __atomic_load_n(word, __ATOMIC_ACQUIRE);
		uint32_t n = reading ? other - mine : mine - other;

		if (reading ? n > 0 : n < s->depth) {
			if (spin > 200)
				__atomic_store_n(waits, 0, __ATOMIC_RELAXED);
			return other;
		}
		if (spin < 200)
			continue;
		if (spin < 300) {
			sched_yield();
			continue;
		}
		/* Only the sleeper clears its flag: a waker clearing it could lose the next wait.
		 */
		__atomic_store_n(waits, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == other)
			pynq_stream__wait(word, other);
	}
}

/* Write one element (width bytes from data, TLAST last); blocks while full. */
static inline void pynq_stream_write(pynq_stream *s, const void *data, bool last)
{
	uint32_t t = s->tail;
	uint8_t *slot;

	pynq_stream__other(s, &s->head, &s->write_waits, t, false);
	slot = s->slots + (size_t)(t % s->depth) * s->stride;
	memcpy(slot, data, s->width);
	slot[s->width] = last;
	__atomic_store_n(&s->tail, t + 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->read_waits, __ATOMIC_SEQ_CST))
		pynq_stream__wake(&s->tail);
}

/* Read one element into data (width bytes); returns its TLAST. Blocks while empty. */
static inline bool pynq_stream_read(pynq_stream *s, void *data)
{
	uint32_t h = s->head;
	const uint8_t *slot;
	bool last;

	pynq_stream__other(s, &s->tail, &s->read_waits, h, true);
	slot = s->slots + (size_t)(h % s->depth) * s->stride;
	memcpy(data, slot, s->width);
	last = slot[s->width] != 0;
	__atomic_store_n(&s->head, h + 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->write_waits, __ATOMIC_SEQ_CST))
		pynq_stream__wake(&s->head);
	return last;
}

/* For 32-bit TDATA (ap_axiu<32, ...>, hls::stream<int>). */
static inline void pynq_stream_write_u32(pynq_stream *s, uint32_t v, bool last)
{
	uint8_t buf[PYNQ_STREAM_MAX_WIDTH] = {0};

	memcpy(buf, &v, sizeof(v));
	pynq_stream_write(s, buf, last);
}

static inline uint32_t pynq_stream_read_u32(pynq_stream *s, bool *last)
{
	uint8_t buf[PYNQ_STREAM_MAX_WIDTH] = {0};
	uint32_t v;
	bool l = pynq_stream_read(s, buf);

	memcpy(&v, buf, sizeof(v));
	if (last)
		*last = l;
	return v;
}

static inline unsigned pynq_stream_width(const pynq_stream *s)
{
	return s->width;
}

/* hls::stream's empty() and full(), seen from the reading and writing end. */
static inline bool pynq_stream_empty(pynq_stream *s)
{
	return __atomic_load_n(&s->tail, __ATOMIC_ACQUIRE) == s->head;
}

static inline bool pynq_stream_full(pynq_stream *s)
{
	return s->tail - __atomic_load_n(&s->head, __ATOMIC_ACQUIRE) >= s->depth;
}

#endif
