// SPDX-License-Identifier: MIT
/*
 * The defaults of the backends' optional ops. Core knows no backend by
 * name: whoever opens a card passes its ops (fs/main.c picks sim/ or xrt/).
 */
#include "backend.h"

#include <errno.h>
#include <stdio.h>

int pq_bk_bo_resize(const struct pq_backend_ops *ops, void *bo, uint64_t size)
{
	return ops->bo_resize ? ops->bo_resize(bo, size) : -EOPNOTSUPP;
}

int pq_bk_reg_read(const struct pq_backend_ops *ops, void *dd, size_t cu, uint32_t off,
		   uint32_t *val)
{
	return ops->reg_read ? ops->reg_read(dd, cu, off, val) : -EOPNOTSUPP;
}

int pq_bk_reg_write(const struct pq_backend_ops *ops, void *dd, size_t cu, uint32_t off,
		    uint32_t val)
{
	return ops->reg_write ? ops->reg_write(dd, cu, off, val) : -EOPNOTSUPP;
}

int pq_bk_count(const struct pq_backend_ops *ops, const char *emulation, char *why, size_t whylen)
{
	if (!ops->count) {
		snprintf(why, whylen, "backend '%s' cannot count its devices", ops->name);
		return -EOPNOTSUPP;
	}
	return ops->count(emulation, why, whylen);
}

int pq_bk_run_abort(const struct pq_backend_ops *ops, void *run)
{
	return ops->run_abort ? ops->run_abort(run) : -EBUSY;
}

void pq_bk_run_outputs(const struct pq_backend_ops *ops, void *run, struct pq_runarg *args,
		       size_t nargs)
{
	if (ops->run_outputs)
		ops->run_outputs(run, args, nargs);
}

bool pq_bk_cu_running(const struct pq_backend_ops *ops, void *dd, size_t cu)
{
	return ops->cu_running ? ops->cu_running(dd, cu) : true;
}
