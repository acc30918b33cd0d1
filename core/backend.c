// SPDX-License-Identifier: MIT
/* The backends, found by name, and the defaults of their optional ops. */
#include "backend.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

extern const struct pq_backend_ops pq_sim_ops;
#ifdef PYNQFS_HAVE_XRT
extern const struct pq_backend_ops pq_xrt_ops;
#endif

static const struct pq_backend_ops *const bk_all[] = {
	&pq_sim_ops,
#ifdef PYNQFS_HAVE_XRT
	&pq_xrt_ops,
#endif
};

const struct pq_backend_ops *pq_backend_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(bk_all) / sizeof(bk_all[0]); i++) {
		if (!strcmp(bk_all[i]->name, name))
			return bk_all[i];
	}
	return NULL;
}

const char *pq_backend_names(void)
{
#ifdef PYNQFS_HAVE_XRT
	return "sim, xrt";
#else
	return "sim";
#endif
}

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

int pq_backend_count(const char *name, const char *emulation, char *why, size_t whylen)
{
	const struct pq_backend_ops *ops = pq_backend_find(name);

	if (!ops || !ops->count) {
		snprintf(why, whylen, "backend '%s' cannot count its devices", name);
		return -EOPNOTSUPP;
	}
	return ops->count(emulation, why, whylen);
}

void pq_bk_run_abort(const struct pq_backend_ops *ops, void *run)
{
	if (ops->run_abort)
		ops->run_abort(run);
}

bool pq_bk_cu_running(const struct pq_backend_ops *ops, void *dd, size_t cu)
{
	return ops->cu_running ? ops->cu_running(dd, cu) : true;
}
