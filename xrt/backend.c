// SPDX-License-Identifier: MIT
/*
 * The xrt backend: real cards through XRT's C API (libxrt_coreutil). The
 * same code runs on XRT's noop shim (XCL_EMULATION_MODE=noop), where
 * kernels complete but compute nothing.
 *
 * XRT's hazards, measured on 2.13 and handled here: it aborts the process
 * when XILINX_XRT is unset, so the environment is prepared before the first
 * call; it trusts an xclbin's header, so only images core has validated are
 * loaded; a run handle is used for one start only; every BO, kernel and run
 * handle is closed before its device (XRT crashes at exit otherwise); errors
 * come back as NULL or -1 with errno often 0, mapped in xr_errno() alone
 * (messages.c, with XRT's own words). Runs are run.c's.
 */
#define _GNU_SOURCE
#include "xrt_backend.h"
#include "xrt_priv.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "args.h"
#include "env.h"
#include "ip.h"
#include "messages.h"

/* info.cpp */
int pq_xrt_device_name(unsigned index, char *buf, size_t len);
int pq_xrt_device_count(bool noop);
int pq_xrt_interface_uuid(unsigned index, char *buf, size_t len);

/* ---- the device ---- */

static int xr_open(const struct pq_backend_conf *conf, void **dev, char *shell, size_t shelllen,
		   char *why, size_t whylen)
{
	struct xr_dev *xd;
	uint64_t mark;
	int ret;

	ret = xr_env_get(conf->emulation, why, whylen);
	if (ret)
		return ret;
	xd = calloc(1, sizeof(*xd));
	if (!xd) {
		xr_env_put();
		return -ENOMEM;
	}
	xd->index = conf->index;
	xd->device = (unsigned)conf->device;
	xd->log = conf->log;
	pq_log_add(xd->log, "xrt: device %d, XILINX_XRT=%s%s%s", conf->device, getenv("XILINX_XRT"),
		   xr_env_private() ? " (made by pynqfs: XRT's libraries linked in)" : "",
		   conf->emulation ? ", XCL_EMULATION_MODE=noop" : "");
	errno = 0;
	mark = xr_messages_mark();
	xd->dev = xrtDeviceOpen((unsigned)conf->device);
	if (!xd->dev) {
		ret = xr_errno(-ENODEV);
		xr_why(why, whylen, mark,
		       "XRT cannot open device %d (is the card there, its driver loaded, "
		       "and /dev/dri/renderD* readable by this user?)",
		       conf->device);
		free(xd);
		xr_env_put();
		return ret;
	}
	/* The shell as XRT names it; noop names none, so the config's name stands. */
	if (conf->emulation || pq_xrt_device_name((unsigned)conf->device, shell, shelllen))
		snprintf(shell, shelllen, "%s", conf->name ? conf->name : "xrt_noop");
	*dev = xd;
	return 0;
}

static int xr_shell_iface(void *dev, char *uuid, size_t len)
{
	return pq_xrt_interface_uuid(((struct xr_dev *)dev)->device, uuid, len);
}

static void xr_close(void *dev)
{
	struct xr_dev *xd = dev;

	xrtDeviceClose(xd->dev);
	free(xd);
	xr_env_put();
}

/*
 * Host memory (HOST[0]: the driver knows it by that tag) takes XRT's
 * host-only BOs, from the driver's host-memory pool; the driver refuses
 * any other ("invalid HOST BO req").
 */
static bool xr_bank_is_host(const struct pq_bank *b)
{
	return !strncmp(b->tag, "HOST[", 5) || b->type == PQ_MEM_HOST;
}

/* Close the design's kernels: before the next load, or at unload. */
static void xr_kernels_close(struct xr_design *xg)
{
	for (size_t i = 0; xg->kernels && i < xg->d->ncus; i++) {
		if (xg->kernels[i])
			xrtKernelClose(xg->kernels[i]);
		xg->kernels[i] = NULL;
		if (xg->ips && xg->ips[i])
			pq_xrt_ip_close(xg->ips[i]);
		if (xg->ips)
			xg->ips[i] = NULL;
	}
	if (xg->xd->loaded == xg)
		xg->xd->loaded = NULL;
}

static void xr_unload(void *dd)
{
	struct xr_design *xg = dd;

	if (!xg)
		return;
	xr_kernels_close(xg);
	for (size_t i = 0; xg->types && i < xg->d->ncus; i++)
		free(xg->types[i]);
	free(xg->types);
	free(xg->kernels);
	free(xg->ips);
	free(xg);
}

static int xr_load(void *dev, const struct pq_design *d, const void *img, size_t len, void **dd,
		   char *why, size_t whylen)
{
	struct xr_dev *xd = dev;
	struct xr_design *xg = calloc(1, sizeof(*xg));
	uint64_t mark = xr_messages_mark();
	xuid_t uuid;
	int ret;

	(void)len; /* core checked the image's declared length against len */
	if (!xg)
		return -ENOMEM;
	xg->xd = xd;
	xg->d = d;
	xg->kernels = calloc(d->ncus + 1, sizeof(*xg->kernels));
	xg->types = calloc(d->ncus + 1, sizeof(*xg->types));
	xg->ips = calloc(d->ncus + 1, sizeof(*xg->ips));
	if (!xg->kernels || !xg->types || !xg->ips) {
		xr_unload(xg);
		return -ENOMEM;
	}
	/*
	 * The device takes a new xclbin only once the old one's kernels are
	 * closed. No run or buffer is left on it (core's EBUSY rule).
	 */
	if (xd->loaded)
		xr_kernels_close(xd->loaded);
	errno = 0;
	if (xrtDeviceLoadXclbin(xd->dev, img)) {
		ret = xr_errno(-EIO);
		xr_why(why, whylen, mark, "XRT refused the xclbin (%s)",
		       errno ? strerror(errno) : "see dmesg");
		xr_unload(xg);
		return ret;
	}
	xrtDeviceGetXclbinUUID(xd->dev, uuid);
	for (size_t i = 0; i < d->ncus; i++) {
		const struct pq_kernel *k = &d->kernels[d->cus[i].kernel];
		char name[300];

		snprintf(name, sizeof(name), "%s:{%s}", k->name, d->cus[i].name);
		xg->types[i] = calloc(k->nargs + 1, sizeof(**xg->types));
		/*
		 * A free-running CU runs by itself, and XRT opens no kernel for
		 * it: an xrt::ip holds it (and the xclbin), and its registers.
		 */
		if (xg->types[i] && d->cus[i].control == PQ_CTRL_NONE) {
			char err[300] = "";

			xg->ips[i] = pq_xrt_ip_open(xd->dev, uuid, name, err, sizeof(err));
			if (!xg->ips[i])
				pq_log_add(xd->log,
					   "xrt: XRT cannot hold free-running CU %s (%s): its "
					   "registers "
					   "can't be read, and unless another CU is open another "
					   "process may load an xclbin over this one",
					   d->cus[i].name, err);
			continue;
		}
		errno = 0;
		xg->kernels[i] = xg->types[i] ? xrtPLKernelOpen(xd->dev, uuid, name) : NULL;
		if (!xg->kernels[i]) {
			xr_why(why, whylen, mark, "XRT cannot open compute unit %s", name);
			xr_unload(xg);
			return -EIO;
		}
		for (size_t a = 0; a < k->nargs; a++) {
			char err[200];

			if (pq_ctype_of(&k->args[a], &xg->types[i][a], err, sizeof(err)))
				xg->types[i][a].kind =
					PQ_C_STREAM; /* not passed; core refuses it */
		}
	}
	for (size_t b = 0; b < d->nbanks; b++) {
		if (d->banks[b].used && !d->banks[b].streaming && xr_bank_is_host(&d->banks[b]))
			pq_log_add(xd->log,
				   "xrt: %s is host memory: its buffers are XRT host-only BOs, "
				   "from the host memory the driver holds for the card (none "
				   "until enabled: xbutil configure --host-mem enable --size 1G)",
				   d->banks[b].tag);
	}
	xd->loaded = xg;
	*dd = xg;
	return 0;
}

/* ---- buffers ---- */

static int xr_bo_alloc(void *dd, size_t bank, uint64_t size, void **out)
{
	struct xr_design *xg = dd;
	struct xr_bo *b = calloc(1, sizeof(*b));
	uint64_t mark = xr_messages_mark();
	char said[400];
	int ret;

	if (!b)
		return -ENOMEM;
	/*
	 * Whole pages, as core counts them: XRT 2.13 asks aligned_alloc for a
	 * host copy of the BO's size aligned to 4096, which C allows only for
	 * sizes that are multiples of it (ASan aborts on the rest).
	 */
	size = (size + 4095) & ~(uint64_t)4095;
	errno = 0;
	b->bo = xrtBOAlloc(xg->xd->dev, size,
			   xr_bank_is_host(&xg->d->banks[bank]) ? XRT_BO_FLAGS_HOST_ONLY
								: XRT_BO_FLAGS_NONE,
			   (xrtMemoryGroup)bank);
	if (!b->bo) {
		ret = xr_errno(-ENOSPC);
		if (*xr_messages_since(mark, said, sizeof(said)))
			pq_log_add(xg->xd->log, "xrt: %llu bytes in %s: XRT says: %s",
				   (unsigned long long)size, xg->d->banks[bank].name, said);
		free(b);
		return ret;
	}
	errno = 0;
	b->map = xrtBOMap(b->bo);
	/* New device memory reads as zeros, as core promises. */
	if (!b->map ||
	    (memset(b->map, 0, size), xrtBOSync(b->bo, XCL_BO_SYNC_BO_TO_DEVICE, size, 0))) {
		ret = xr_errno(-EIO);
		xrtBOFree(b->bo);
		free(b);
		return ret;
	}
	*out = b;
	return 0;
}

static void xr_bo_free(void *bo)
{
	struct xr_bo *b = bo;

	xrtBOFree(b->bo);
	free(b);
}

static int xr_bo_write(void *bo, uint64_t off, const void *src, size_t len)
{
	struct xr_bo *b = bo;

	memcpy(b->map + off, src, len);
	errno = 0;
	return xrtBOSync(b->bo, XCL_BO_SYNC_BO_TO_DEVICE, len, off) ? xr_errno(-EIO) : 0;
}

static int xr_bo_read(void *bo, uint64_t off, size_t len, const void **ptr)
{
	struct xr_bo *b = bo;

	errno = 0;
	if (xrtBOSync(b->bo, XCL_BO_SYNC_BO_FROM_DEVICE, len, off))
		return xr_errno(-EIO);
	*ptr = b->map + off;
	return 0;
}

static uint64_t xr_bo_address(void *bo)
{
	return xrtBOAddress(((struct xr_bo *)bo)->bo);
}

/* ---- registers: XRT gives them only to a CU opened exclusively ---- */

/* A register access XRT refused: its words, in the card's log. */
static int xr_reg_refused(struct xr_design *xg, size_t cu, uint32_t off, const char *verb,
			  uint64_t mark, const char *err)
{
	char why[600];
	size_t n;

	xr_why(why, sizeof(why), mark, "kernels/%s/registers: XRT refused to %s offset 0x%x",
	       xg->d->cus[cu].name, verb, off);
	n = strlen(why);
	if (err && err[0] && n < sizeof(why))
		snprintf(why + n, sizeof(why) - n, "; XRT says: %s", err);
	pq_log_add(xg->xd->log, "%s", why);
	return xr_errno(-EIO);
}

static int xr_reg_read(void *dd, size_t cu, uint32_t off, uint32_t *val)
{
	struct xr_design *xg = dd;
	uint64_t mark = xr_messages_mark();
	char err[300] = "";

	errno = 0;
	if (xg->ips[cu])
		return pq_xrt_ip_read(xg->ips[cu], off, val, err, sizeof(err))
			       ? xr_reg_refused(xg, cu, off, "read", mark, err)
			       : 0;
	if (!xg->kernels[cu] || xrtKernelReadRegister(xg->kernels[cu], off, val))
		return xr_reg_refused(xg, cu, off, "read", mark, NULL);
	return 0;
}

static int xr_reg_write(void *dd, size_t cu, uint32_t off, uint32_t val)
{
	struct xr_design *xg = dd;
	uint64_t mark = xr_messages_mark();
	char err[300] = "";

	errno = 0;
	if (xg->ips[cu])
		return pq_xrt_ip_write(xg->ips[cu], off, val, err, sizeof(err))
			       ? xr_reg_refused(xg, cu, off, "write", mark, err)
			       : 0;
	if (!xg->kernels[cu] || xrtKernelWriteRegister(xg->kernels[cu], off, val))
		return xr_reg_refused(xg, cu, off, "write", mark, NULL);
	return 0;
}

static int xr_count(const char *emulation, char *why, size_t whylen)
{
	int n = xr_env_get(emulation, why, whylen);

	if (n)
		return n;
	n = pq_xrt_device_count(emulation != NULL);
	if (n < 0)
		snprintf(why, whylen, "XRT cannot count its devices");
	xr_env_put();
	return n;
}

const struct pq_backend_ops pq_xrt_ops = {
	.name = "xrt",
	.open = xr_open,
	.close = xr_close,
	.shell_iface = xr_shell_iface,
	.load = xr_load,
	.unload = xr_unload,
	.bo_alloc = xr_bo_alloc,
	.bo_free = xr_bo_free,
	.bo_write = xr_bo_write,
	.bo_read = xr_bo_read,
	.bo_address = xr_bo_address,
	.reg_read = xr_reg_read,
	.reg_write = xr_reg_write,
	.run_start = xr_run_start,
	.run_wait = xr_run_wait,
	.run_free = xr_run_free,
	.count = xr_count,
};
