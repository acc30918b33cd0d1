// SPDX-License-Identifier: MIT
/*
 * Runs on an XRT card: one XRT run handle per start (XRT reuses a handle's
 * command only once it completed: core never frees a run before). Args as
 * C passes them, a byte range of a buffer as an XRT sub-buffer, and a
 * wait with a deadline of our own.
 */
#define _GNU_SOURCE
#include "xrt_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "messages.h"

#define XR_WAIT_SLICE_MS 50

struct xr_run {
	xrtRunHandle run;
	struct timespec t0;
	/* Args that are a range of their buffer: XRT sub-buffers, for the run's life. */
	xrtBufferHandle *subs;
	size_t nargs;
};

/*
 * One arg into the run, as C's default promotions pass it to xrtRunSetArg;
 * a range of a buffer as an XRT sub-buffer (its device address is the
 * parent's plus the offset; XRT asks no alignment of it, only that it fits).
 */
static int xr_set_arg(struct xr_run *xr, int i, const struct pq_ctype *t, const struct pq_runarg *a)
{
	xrtRunHandle r = xr->run;
	xrtBufferHandle bo;
	float f;
	double d;

	switch (t->kind) {
	case PQ_C_STREAM:
		return 0; /* bound by the xclbin */
	case PQ_C_PTR:
		bo = ((struct xr_bo *)a->bo)->bo;
		if (a->offset || a->inner) {
			xr->subs[i] = xrtBOSubAlloc(bo, a->size, a->offset);
			if (!xr->subs[i])
				return -1;
			bo = xr->subs[i];
		}
		return xrtRunSetArg(r, i, bo);
	case PQ_C_FLOAT:
		memcpy(&f, &a->bits, sizeof(f));
		return xrtRunSetArg(r, i, (double)f);
	case PQ_C_DOUBLE:
		memcpy(&d, &a->bits, sizeof(d));
		return xrtRunSetArg(r, i, d);
	default:
		if (t->size > 4)
			return xrtRunSetArg(r, i, (uint64_t)a->bits);
		return xrtRunSetArg(r, i, (uint32_t)a->bits);
	}
}

int xr_run_start(void *dd, size_t cu, const struct pq_runarg *args, size_t nargs, void **run,
		 char *why, size_t whylen)
{
	struct xr_design *xg = dd;
	uint64_t mark = xr_messages_mark();
	struct xr_run *xr;
	int ret;

	if (!xg->kernels[cu]) {
		snprintf(why, whylen, "the design was replaced on the device; load it again");
		return -EIO;
	}
	xr = calloc(1, sizeof(*xr));
	if (!xr || !(xr->subs = calloc(nargs + 1, sizeof(*xr->subs)))) {
		free(xr); /* free(NULL) is nothing */
		return -ENOMEM;
	}
	xr->nargs = nargs;
	errno = 0;
	xr->run = xrtRunOpen(xg->kernels[cu]);
	if (!xr->run) {
		ret = xr_errno(-EIO);
		xr_why(why, whylen, mark, "XRT cannot open a run of the CU");
		free(xr->subs);
		free(xr);
		return ret;
	}
	for (size_t i = 0; i < nargs; i++) {
		errno = 0;
		if (xr_set_arg(xr, (int)i, &xg->types[cu][i], &args[i])) {
			ret = xr_errno(-EINVAL);
			xr_why(why, whylen, mark, "XRT refused arg %s",
			       xg->d->kernels[xg->d->cus[cu].kernel].args[i].name);
			goto fail;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &xr->t0);
	errno = 0;
	if (xrtRunStart(xr->run)) {
		ret = xr_errno(-EIO);
		xr_why(why, whylen, mark, "XRT refused to start the CU");
		goto fail;
	}
	*run = xr;
	return 0;
fail:
	xr_run_free(xr);
	return ret;
}

static int64_t xr_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * XRT's wait starts its timeout again whenever any command of the device
 * completes (kds.cpp's exec_wait loop), so a busy neighbour can put a hung
 * run's timeout off for ever. A deadline of our own is checked after each
 * slice of at most XR_WAIT_SLICE_MS: only neighbours that complete more
 * often than that, without a pause, can still make it late.
 */
int xr_run_wait(void *run, unsigned timeout_ms, uint64_t *us, char *why, size_t whylen)
{
	struct xr_run *xr = run;
	enum ert_cmd_state st;
	struct timespec t0, t1;
	int64_t left = timeout_ms;
	uint64_t mark = xr_messages_mark();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		/* 0 would wait for ever: a slice is at least 1 ms. */
		unsigned slice = left < 1		   ? 1
				 : left < XR_WAIT_SLICE_MS ? (unsigned)left
							   : XR_WAIT_SLICE_MS;

		st = xrtRunWaitFor(xr->run, slice);
		if (st != ERT_CMD_STATE_TIMEOUT && st != ERT_CMD_STATE_NEW &&
		    st != ERT_CMD_STATE_QUEUED && st != ERT_CMD_STATE_RUNNING)
			break;
		left = (int64_t)timeout_ms - xr_ms_since(&t0);
		if (left <= 0)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	switch (st) {
	case ERT_CMD_STATE_COMPLETED:
		*us = (uint64_t)(t1.tv_sec - xr->t0.tv_sec) * 1000000u +
		      (uint64_t)((t1.tv_nsec - xr->t0.tv_nsec) / 1000);
		return 0;
	case ERT_CMD_STATE_NEW:
	case ERT_CMD_STATE_QUEUED:
	case ERT_CMD_STATE_RUNNING:
	case ERT_CMD_STATE_TIMEOUT:
		why[0] = '\0'; /* core says it ran past its time */
		return -ETIMEDOUT;
	default:
		xr_why(why, whylen, mark, "the CU reported state %d (error or abort)", (int)st);
		return -EIO;
	}
}

void xr_run_free(void *run)
{
	struct xr_run *xr = run;

	xrtRunClose(xr->run);
	for (size_t i = 0; xr->subs && i < xr->nargs; i++) {
		if (xr->subs[i])
			xrtBOFree(xr->subs[i]);
	}
	free(xr->subs);
	free(xr);
}
