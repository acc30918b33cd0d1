// SPDX-License-Identifier: MIT
/*
 * The simulated card: its ops table (core's backend.h), and opening,
 * loading and unloading a design: its banks' memory, its K2K streams, its
 * runners' slots, and its free-running CUs started. Memory is memory.c's,
 * runner processes supervise.c's, runs run.c's.
 */
#define _GNU_SOURCE
#include "sim.h"
#include "sim_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memfd.h"
#include "output.h"
#include "stream.h"

static int sim_open(const struct pq_backend_conf *conf, void **dev, char *shell, size_t shelllen,
		    char *why, size_t whylen)
{
	struct sim_dev *sv = calloc(1, sizeof(*sv));

	if (!sv)
		return -ENOMEM;
	if (!conf->name || !conf->name[0]) {
		snprintf(why, whylen, "a sim card needs a name: the shell it claims");
		free(sv);
		return -EINVAL;
	}
	sv->index = conf->index;
	sv->kernel_path = conf->kernel_path;
	sv->nkernel_path = conf->nkernel_path;
	sv->log = conf->log;
	pthread_mutex_init(&sv->out_lock, NULL);
	snprintf(shell, shelllen, "%s", conf->name);
	*dev = sv;
	return 0;
}

static void sim_close(void *dev)
{
	struct sim_dev *sv = dev;

	sim_output_stop(sv->out);
	pthread_mutex_destroy(&sv->out_lock);
	free(sv);
}

static void sim_bank_fini(struct sim_bank *bk)
{
	if (bk->mem)
		munmap(bk->mem, bk->size);
	if (bk->fd >= 0)
		close(bk->fd);
	free(bk->bos);
	pthread_mutex_destroy(&bk->lock);
}

static void sim_unload(void *dd)
{
	struct sim_design *sd = dd;

	if (!sd)
		return;
	for (size_t i = 0; sd->runners && i < sd->d->ncus; i++)
		sim_runner_stop(&sd->runners[i]);
	free(sd->runners);
	sim_streams_destroy(sd->d, sd->streams);
	if (sd->so_fd >= 0)
		close(sd->so_fd);
	pthread_mutex_destroy(&sd->free_lock);
	for (size_t i = 0; i < sd->nbanks; i++)
		sim_bank_fini(&sd->banks[i]);
	free(sd->banks);
	free(sd);
}

/*
 * A sw_emu xclbin's BITSTREAM is its kernels, an x86-64 shared object:
 * kept in a sealed memfd, for the kernels not on the kernel path. Any
 * other BITSTREAM (a card's) means nothing to the sim.
 */
static int sim_bitstream(struct sim_design *sd, const void *img, size_t len, char *why,
			 size_t whylen)
{
	const uint8_t *b = (const uint8_t *)img + sd->d->bitstream_off;
	uint64_t n = sd->d->bitstream_size;
	char name[64];

	if (n < 64 || sd->d->bitstream_off > len || n > len - sd->d->bitstream_off ||
	    memcmp(b, "\177ELF", 4) || b[4] != 2 /* 64-bit */ || b[5] != 1 /* little-endian */ ||
	    (b[16] | b[17] << 8) != 3 /* ET_DYN */ || (b[18] | b[19] << 8) != 62 /* x86-64 */)
		return 0;
	snprintf(name, sizeof(name), "pynqfs-card%u-bitstream", sd->dev->index);
	sd->so_fd = sim_memfd_const(name, b, n);
	if (sd->so_fd < 0) {
		snprintf(why, whylen, "memory for the xclbin's kernels: %s", strerror(-sd->so_fd));
		return sd->so_fd;
	}
	sim_log(sd->dev,
		"overlay: the xclbin's BITSTREAM is an x86-64 shared object (%llu bytes): "
		"kernels not on sim.kernel_path run from it",
		(unsigned long long)n);
	return 0;
}

static int sim_load(void *dev, const struct pq_design *d, const void *img, size_t len, void **dd,
		    char *why, size_t whylen)
{
	struct sim_design *sd = calloc(1, sizeof(*sd));
	struct sim_dev *sv = dev;
	int ret = 0;

	if (!sd)
		return -ENOMEM;
	sd->dev = sv;
	sd->d = d;
	sd->so_fd = -1;
	pthread_mutex_init(&sd->free_lock, NULL);
	sd->banks = calloc(d->nbanks ? d->nbanks : 1, sizeof(*sd->banks));
	sd->runners = calloc(d->ncus ? d->ncus : 1, sizeof(*sd->runners));
	if (!sd->banks || !sd->runners) {
		free(sd->banks);
		free(sd->runners);
		pthread_mutex_destroy(&sd->free_lock);
		free(sd);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->ncus; i++) {
		sd->runners[i].sd = sd;
		sd->runners[i].cu = i;
		sd->runners[i].sock = -1;
		sd->runners[i].out = -1;
	}
	for (size_t i = 0; i < d->nbanks; i++) {
		struct sim_bank *bk = &sd->banks[i];
		char name[64];

		pthread_mutex_init(&bk->lock, NULL);
		bk->fd = -1;
		sd->nbanks++;
		if (!pq_bank_visible(&d->banks[i]) || d->banks[i].size == 0)
			continue;
		bk->size = d->banks[i].size;
		bk->base = d->banks[i].base;
		snprintf(name, sizeof(name), "pynqfs-card%u-%s", sv->index, d->banks[i].name);
		bk->fd = sim_memfd(name, bk->size);
		if (bk->fd < 0) {
			ret = bk->fd;
			bk->fd = -1;
			break;
		}
		bk->mem = mmap(NULL, bk->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			       bk->fd, 0);
		if (bk->mem == MAP_FAILED) {
			bk->mem = NULL;
			ret = -errno;
			break;
		}
	}
	if (ret) {
		snprintf(why, whylen, "device memory for the banks: %s", strerror(-ret));
		sim_unload(sd);
		return ret;
	}
	ret = sim_streams_create(d, sv->index, &sd->streams, why, whylen);
	if (!ret)
		ret = sim_bitstream(sd, img, len, why, whylen);
	if (ret) {
		sim_unload(sd);
		return ret;
	}
	/* ap_ctrl_none kernels run from now on, as on a card once programmed. */
	for (size_t i = 0; i < d->ncus; i++) {
		if (d->cus[i].control == PQ_CTRL_NONE)
			sim_free_run(sd, i);
	}
	*dd = sd;
	return 0;
}

void sim_log(struct sim_dev *dev, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!dev->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pq_log_add(dev->log, "%s", line);
}

const struct pq_backend_ops pq_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.load = sim_load,
	.unload = sim_unload,
	.bo_alloc = sim_bo_alloc,
	.bo_resize = sim_bo_resize,
	.bo_free = sim_bo_free,
	.bo_write = sim_bo_write,
	.bo_read = sim_bo_read,
	.bo_address = sim_bo_address,
	.run_start = sim_run_start,
	.run_wait = sim_run_wait,
	.run_abort = sim_run_abort,
	.run_outputs = sim_run_outputs,
	.run_free = sim_run_free,
	.cu_running = sim_cu_running,
};
