/* SPDX-License-Identifier: MIT */
/*
 * The backend interface: what a card's device can do, as an ops table in
 * the manner of Linux's struct fpga_manager_ops. Core owns every state,
 * rule and count (card states, EBUSY, bank capacity, run queues and
 * timeouts, the register shadow); a backend only talks to a device.
 *
 * Handles are the backend's own, opaque to core: `dev` (an opened card),
 * `dd` (a loaded design), `bo` (a device buffer), `run` (one started run).
 * Every op returns 0 or a negative errno; each backend maps its own error
 * codes to errno in one place. Where an op takes `why`, a failure fills
 * it with words for the card's log.
 *
 * The XRT call each op stands for, as the xrt backend uses it:
 *
 *   op          XRT (xrt/xrt_device.h, xrt_bo.h, xrt_kernel.h)
 *   open        xrtDeviceOpen(index)
 *   close       xrtDeviceClose
 *   load        xrtDeviceLoadXclbin, then xrtPLKernelOpen per CU
 *   unload      xrtKernelClose per CU
 *   bo_alloc    xrtBOAlloc(dev, size, 0, memory group)
 *   bo_resize   (none: optional, core reallocates and copies)
 *   bo_free     xrtBOFree
 *   bo_write    xrtBOWrite + xrtBOSync(XCL_BO_SYNC_BO_TO_DEVICE, len, off)
 *   bo_read     xrtBOSync(XCL_BO_SYNC_BO_FROM_DEVICE, len, off) + xrtBOMap
 *   bo_address  xrtBOAddress
 *   reg_read    xrtKernelReadRegister (optional)
 *   reg_write   xrtKernelWriteRegister (optional)
 *   run_start   xrtRunOpen, xrtRunSetArg per arg, xrtRunStart
 *   run_wait    xrtRunWaitFor(timeout)
 *   run_abort   (none in XRT's C API: -EBUSY, the run is held until it ends)
 *   run_outputs (sim: a T& arg's value after the run; optional)
 *   run_free    xrtRunClose
 *   cu_running  (none: optional, an ap_ctrl_none CU runs once loaded)
 *
 * Optional ops may be NULL; core calls them through the wrappers at the
 * end of this file, which give the documented default.
 */
#ifndef PYNQFS_BACKEND_H
#define PYNQFS_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "xclbin.h"

/* What a backend is told when its card is opened. */
struct pq_backend_conf {
	unsigned index;	       /* the card's index: card<index> */
	const char *name;      /* sim: the shell it claims */
	int device;	       /* xrt: the device index */
	const char *emulation; /* xrt: NULL, or "noop" for XRT's noop shim */
	char **kernel_path;    /* sim: where K.so is looked for */
	size_t nkernel_path;
	struct pq_log *log; /* the card's log, for what the device says */
};

/* One argument of a run: a buffer for pointers, raw bits for scalars. */
struct pq_runarg {
	void *bo; /* NULL for scalars and streams */
	uint64_t bits;
	uint64_t size;	 /* buffers: the bytes the kernel may use, */
	uint64_t offset; /* from this byte of bo on (a range, PATH[START:END]) */
	bool inner; /* a range that ends before the buffer does: the bytes after it are the buffer's
		     */
	const char *name; /* the arg's, for messages */
	const char *path; /* buffers: as bound in args; NULL for a start from registers */
	bool out;	  /* a scalar by reference (T&): run_outputs gives it back */
};

struct pq_backend_ops {
	const char *name;
	/* Open the device; *shell gets the shell name it reports. */
	int (*open)(const struct pq_backend_conf *conf, void **dev, char *shell, size_t shelllen,
		    char *why, size_t whylen);
	void (*close)(void *dev);
	/*
	 * Program a design that core has validated (d is its parse of img).
	 * On success *dd is the backend's per-design state; on failure the
	 * device keeps its previous design. d outlives *dd.
	 */
	int (*load)(void *dev, const struct pq_design *d, const void *img, size_t len, void **dd,
		    char *why, size_t whylen);
	void (*unload)(void *dd);

	/* size > 0 bytes in bank (a design->banks index); reads as zeros. */
	int (*bo_alloc)(void *dd, size_t bank, uint64_t size, void **bo);
	/* Optional: resize in place keeping contents; -ENOSPC if it can't. */
	int (*bo_resize)(void *bo, uint64_t size);
	void (*bo_free)(void *bo);
	/* Host bytes into device memory: sync_to_device of exactly this range. */
	int (*bo_write)(void *bo, uint64_t off, const void *src, size_t len);
	/* sync_from_device of exactly this range; *ptr then holds its bytes. */
	int (*bo_read)(void *bo, uint64_t off, size_t len, const void **ptr);
	uint64_t (*bo_address)(void *bo);

	/* Optional: a CU's 32-bit control register at byte offset off. */
	int (*reg_read)(void *dd, size_t cu, uint32_t off, uint32_t *val);
	int (*reg_write)(void *dd, size_t cu, uint32_t off, uint32_t val);

	/* Start CU cu (a design->cus index); the CU runs one run at a time. */
	int (*run_start)(void *dd, size_t cu, const struct pq_runarg *args, size_t nargs,
			 void **run, char *why, size_t whylen);
	/*
	 * Wait at most timeout_ms: 0 when it ended well (*us its duration),
	 * -ETIMEDOUT while it still runs (why: what it waits on, or ""),
	 * another -errno when it failed.
	 */
	int (*run_wait)(void *run, unsigned timeout_ms, uint64_t *us, char *why, size_t whylen);
	/*
	 * Optional: stop a run past its time. 0 once it has ended (the CU may
	 * take the next); -EBUSY while the device may still execute it (XRT's
	 * C API has no abort): core then keeps the run, its buffers and its CU
	 * until run_wait says it ended, and never frees it before.
	 */
	int (*run_abort)(void *run);
	/*
	 * Optional, after run_wait returned 0: the values the kernel left in
	 * its by-reference scalars (args[i].bits where args[i].out).
	 */
	void (*run_outputs)(void *run, struct pq_runarg *args, size_t nargs);
	void (*run_free)(void *run);
	/*
	 * Optional: whether free-running (ap_ctrl_none) CU cu runs. Such CUs
	 * take no runs: they run from load until unload, started by the
	 * device (or, on the sim, by load).
	 */
	bool (*cu_running)(void *dd, size_t cu);

	/*
	 * Optional: the shell's interface UUID (32 hex digits), which decides
	 * what xclbins it takes; -ENODATA when it has none or can't tell.
	 */
	int (*shell_iface)(void *dev, char *uuid, size_t len);

	/* Optional: how many devices can be opened (for `device = "all"`). */
	int (*count)(const char *emulation, char *why, size_t whylen);
};

/* Optional ops: -EOPNOTSUPP (or nothing) when the backend has none. */
int pq_bk_bo_resize(const struct pq_backend_ops *ops, void *bo, uint64_t size);
int pq_bk_reg_read(const struct pq_backend_ops *ops, void *dd, size_t cu, uint32_t off,
		   uint32_t *val);
int pq_bk_reg_write(const struct pq_backend_ops *ops, void *dd, size_t cu, uint32_t off,
		    uint32_t val);
/* -EBUSY (it may still execute) when the backend has no abort. */
int pq_bk_run_abort(const struct pq_backend_ops *ops, void *run);
void pq_bk_run_outputs(const struct pq_backend_ops *ops, void *run, struct pq_runarg *args,
		       size_t nargs);
/* Optional: true (the device runs what it loaded) when the backend can't tell. */
bool pq_bk_cu_running(const struct pq_backend_ops *ops, void *dd, size_t cu);
/* The devices the backend can open: a count, or -errno with why. */
int pq_bk_count(const struct pq_backend_ops *ops, const char *emulation, char *why, size_t whylen);

#endif
