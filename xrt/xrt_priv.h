/* SPDX-License-Identifier: MIT */
/*
 * What the xrt backend's files share: its handles (backend.c makes the
 * device's, the design's and the buffers'; run.c the runs').
 */
#ifndef PYNQFS_XRT_PRIV_H
#define PYNQFS_XRT_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "args.h"
#include "backend.h"

struct xr_dev {
	xrtDeviceHandle dev;
	unsigned index;	 /* the card's */
	unsigned device; /* XRT's */
	struct pq_log *log;
	struct xr_design *loaded; /* whose kernels are open on the device */
};

struct xr_design {
	struct xr_dev *xd;
	const struct pq_design *d;
	xrtKernelHandle *kernels; /* per CU; NULL once closed */
	void **ips;		  /* per free-running CU: its xrt::ip (ip.cpp), or NULL */
	struct pq_ctype **types;  /* per CU, per arg */
};

struct xr_bo {
	xrtBufferHandle bo;
	uint8_t *map;
};

/* run.c: the run ops (core/backend.h). */
int xr_run_start(void *dd, size_t cu, const struct pq_runarg *args, size_t nargs, void **run,
		 char *why, size_t whylen);
int xr_run_wait(void *run, unsigned timeout_ms, uint64_t *us, char *why, size_t whylen);
void xr_run_free(void *run);

#endif
