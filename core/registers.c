// SPDX-License-Identifier: MIT
/*
 * A CU's control registers (SPEC §5): the backend's own where it has them,
 * else a shadow; the ap_ctrl_hs control word at offset 0 is always core's,
 * and AP_START starts a run through the same checks as `run`.
 */
#define _GNU_SOURCE
#include "card_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define AP_START 0x1u
#define AP_DONE	 0x2u
#define AP_IDLE	 0x4u
#define AP_READY 0x8u

/* Write an arg's value into the shadow registers, as a start would. */
void pq_cu_reg_store(struct pq_cu_rt *cu, size_t a, uint64_t bits)
{
	const struct pq_arg *g = &cu->k->args[a];
	size_t words = g->size > 4 ? 2 : 1;

	if (g->aq == PQ_AQ_STREAM || g->offset % 4 || g->offset + 4 * words > cu->reg_bytes)
		return;
	cu->regs[g->offset / 4] = (uint32_t)bits;
	if (words == 2)
		cu->regs[g->offset / 4 + 1] = (uint32_t)(bits >> 32);
}

/* The args of a run from the arg registers, as a write of AP_START takes them. */
int pq_cu_args_from_regs(struct pq_cu_rt *cu, uint64_t *bits, struct pq_buffer **bufs, char *why,
			 size_t whylen)
{
	int ret = 0;

	for (size_t a = 0; a < cu->k->nargs && !ret; a++) {
		const struct pq_arg *g = &cu->k->args[a];
		const struct pq_ctype *t = &cu->types[a];
		char shown[64], sub[300];
		uint64_t v = 0;

		if (t->kind == PQ_C_STREAM)
			continue;
		pthread_mutex_lock(&cu->lock);
		if (g->offset % 4 == 0 && g->offset + 4 <= cu->reg_bytes) {
			v = cu->regs[g->offset / 4];
			if (g->size > 4 && g->offset + 8 <= cu->reg_bytes)
				v |= (uint64_t)cu->regs[g->offset / 4 + 1] << 32;
		}
		pthread_mutex_unlock(&cu->lock);
		if (t->kind != PQ_C_PTR) {
			bits[a] = t->size >= 8 ? v : v & ((1ull << (8 * t->size)) - 1);
			continue;
		}
		bufs[a] = pq_buffer_at(cu->ld->card, cu->ld, v);
		if (!bufs[a]) {
			snprintf(why, whylen,
				 "start from registers: %s = 0x%llx is no buffer's address",
				 g->name, (unsigned long long)v);
			return -EINVAL;
		}
		snprintf(shown, sizeof(shown), "the buffer at 0x%llx", (unsigned long long)v);
		ret = pq_cu_check_buffer(cu, a, bufs[a], shown, sub, sizeof(sub));
		if (ret)
			snprintf(why, whylen, "start from registers: %s: %s", g->name, sub);
	}
	return ret;
}

int pq_cu_reg_size(struct pq_card *card, uint64_t gen, size_t i, uint64_t *size)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);

	if (!cu)
		return -ENOENT;
	*size = cu->reg_bytes;
	pq_cu_put(cu);
	return 0;
}

static int cu_reg_check(struct pq_cu_rt *cu, uint64_t off, size_t len)
{
	char msg[160];

	if (off % 4 == 0 && len % 4 == 0)
		return 0;
	snprintf(msg, sizeof(msg), "offset %llu and length %zu must be multiples of 4",
		 (unsigned long long)off, len);
	pq_cu_log(cu, "registers", msg);
	return -EINVAL;
}

/* ap_ctrl_hs: START while busy; IDLE and READY when not; DONE once. cu->lock held. */
static uint32_t cu_ctrl_word(struct pq_cu_rt *cu, bool clear_done)
{
	bool busy = cu->started != cu->finished;
	uint32_t w = busy ? AP_START : AP_IDLE | AP_READY;

	if (!busy && cu->done_unread)
		w |= AP_DONE;
	if (clear_done)
		cu->done_unread &= busy;
	return w;
}

int pq_cu_reg_read(struct pq_card *card, uint64_t gen, size_t i, uint64_t off, void *buf,
		   size_t len, bool clear_done)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	const struct pq_backend_ops *ops = card->ops;
	uint32_t *w = buf;
	int ret;

	if (!cu)
		return -ENOENT;
	ret = cu_reg_check(cu, off, len);
	if (ret)
		goto out;
	if (off >= cu->reg_bytes)
		len = 0; /* past the end, as a file reads */
	else if (len > cu->reg_bytes - off)
		len = cu->reg_bytes - off;
	pthread_mutex_lock(&cu->lock);
	for (size_t n = 0; n < len / 4 && !ret; n++) {
		uint32_t o = (uint32_t)off + 4 * (uint32_t)n;

		if (o == 0) {
			w[n] = cu_ctrl_word(cu, clear_done);
			continue;
		}
		ret = pq_bk_reg_read(ops, cu->ld->dd, cu->index, o, &w[n]);
		if (ret == -EOPNOTSUPP) {
			w[n] = cu->regs[o / 4]; /* no registers of its own: the shadow */
			ret = 0;
		}
	}
	pthread_mutex_unlock(&cu->lock);
	if (ret) {
		pq_cu_log(cu, "registers", "the device refused the read");
		ret = -EIO;
	}
out:
	pq_cu_put(cu);
	return ret ? ret : (int)len;
}

int pq_cu_reg_write(struct pq_card *card, uint64_t gen, size_t i, uint64_t off, const void *buf,
		    size_t len, const void *who)
{
	struct pq_cu_rt *cu = pq_cu_get(card, gen, i);
	const struct pq_backend_ops *ops = card->ops;
	const uint32_t *w = buf;
	bool start = false;
	int ret;

	if (!cu)
		return -ENOENT;
	ret = cu_reg_check(cu, off, len);
	if (ret)
		goto out;
	if (off >= cu->reg_bytes || len > cu->reg_bytes - off) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "%zu bytes at offset %llu go past the control space (%zu bytes)", len,
			 (unsigned long long)off, cu->reg_bytes);
		pq_cu_log(cu, "registers", msg);
		ret = -EINVAL;
		goto out;
	}
	pthread_mutex_lock(&cu->lock);
	for (size_t n = 0; n < len / 4 && !ret; n++) {
		uint32_t o = (uint32_t)off + 4 * (uint32_t)n;

		if (o == 0) {
			/* The control word is core's: a start goes through the checks. */
			start = (w[n] & AP_START) != 0;
			continue;
		}
		cu->regs[o / 4] = w[n];
		ret = pq_bk_reg_write(ops, cu->ld->dd, cu->index, o, w[n]);
		ret = ret == -EOPNOTSUPP ? 0 : ret;
	}
	pthread_mutex_unlock(&cu->lock);
	if (ret) {
		pq_cu_log(cu, "registers", "the device refused the write");
		ret = -EIO;
	} else if (start) {
		ret = pq_cu_run(cu, true, who, NULL, NULL, NULL);
	}
out:
	pq_cu_put(cu);
	return ret ? ret : (int)len;
}
