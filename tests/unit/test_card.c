// SPDX-License-Identifier: MIT
/*
 * Core without a mount, as the kernel's fpga-mgr KUnit tests drive their
 * core: cards, buffers and CUs over a recording fake backend that can
 * refuse a load, run out of room, fail or time out a run, hold one
 * running, or (as XRT does) go on executing a run past its time that it
 * cannot abort, until it completes late. Asserts states, the EBUSY rules of SPEC §3, the order of
 * backend calls, and that every handle is released.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "buffer.h"
#include "card.h"
#include "cu.h"
#include "tap.h"

/* ---- the fake backend ---- */

enum fake_run_mode { RUN_OK, RUN_FAIL, RUN_HANG, RUN_HOLD, RUN_LATE };

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char calls[4096];	  /* "open load bo_alloc ..." */
	int devs, dds, bos, runs; /* live handles */
	int load_ret, alloc_ret;
	enum fake_run_mode run_mode;
	bool held, release;
	unsigned last_timeout;
	bool slow_unload, unloading, load_seen, overlap; /* a load during an unload */
	void *last_bo, *bo_a;				 /* in1 of the last run; a's */
	unsigned torn;					 /* runs with args of two writes */
	/* RUN_LATE: waits so far, whether it completed, freed before it did */
	unsigned late_waits;
	bool late_done, late_freed;
	bool late_gate; /* the first wait returns only once released (release_held) */
	unsigned freed_live;
	int abort_ret;
} fk = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

struct fake_bo {
	uint8_t *mem;
	uint64_t size, addr;
};

static void fk_call(const char *what)
{
	pthread_mutex_lock(&fk.lock);
	if (strlen(fk.calls) + strlen(what) + 2 < sizeof(fk.calls)) {
		strcat(fk.calls, what);
		strcat(fk.calls, " ");
	}
	pthread_mutex_unlock(&fk.lock);
}

static int fk_open(const struct pq_backend_conf *conf, void **dev, char *shell, size_t shelllen,
		   char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	fk_call("open");
	snprintf(shell, shelllen, "%s", conf->name);
	fk.devs++;
	*dev = &fk;
	return 0;
}

static void fk_close(void *dev)
{
	(void)dev;
	fk_call("close");
	fk.devs--;
}

static int fk_load(void *dev, const struct pq_design *d, const void *img, size_t len, void **dd,
		   char *why, size_t whylen)
{
	(void)dev;
	(void)img;
	(void)len;
	fk_call("load");
	pthread_mutex_lock(&fk.lock);
	fk.overlap |= fk.unloading;
	fk.load_seen = true;
	pthread_cond_broadcast(&fk.cond);
	pthread_mutex_unlock(&fk.lock);
	if (fk.load_ret) {
		snprintf(why, whylen, "the fake device says no");
		return fk.load_ret;
	}
	fk.dds++;
	*dd = (void *)d;
	return 0;
}

static void fk_unload(void *dd)
{
	(void)dd;
	fk_call("unload");
	fk.dds--;
	if (!fk.slow_unload)
		return;
	/* Long enough for a load that doesn't wait for us to come in meanwhile. */
	pthread_mutex_lock(&fk.lock);
	fk.unloading = true;
	pthread_cond_broadcast(&fk.cond);
	{
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 500000000;
		until.tv_sec += until.tv_nsec / 1000000000;
		until.tv_nsec %= 1000000000;
		while (!fk.load_seen && pthread_cond_timedwait(&fk.cond, &fk.lock, &until) == 0)
			;
	}
	fk.unloading = false;
	pthread_mutex_unlock(&fk.lock);
}

static bool stop_rewriting; /* atomic */
static uint64_t rewrite_gen;

/* Rewrite args between two complete sets until told to stop. */
static void *rewrite_args(void *card)
{
	while (!__atomic_load_n(&stop_rewriting, __ATOMIC_RELAXED)) {
		pq_cu_args_set(card, rewrite_gen, 0, "a a c 1\n", 8, false);
		pq_cu_args_set(card, rewrite_gen, 0, "b b c 2\n", 8, false);
	}
	return NULL;
}

static void *free_thread(void *card)
{
	return (void *)(intptr_t)pq_card_free(card);
}

static int fk_bo_alloc(void *dd, size_t bank, uint64_t size, void **out)
{
	static uint64_t next = 0x1000;
	struct fake_bo *bo;

	(void)dd;
	fk_call("bo_alloc");
	if (fk.alloc_ret)
		return fk.alloc_ret;
	bo = calloc(1, sizeof(*bo));
	bo->mem = calloc(1, size);
	bo->size = size;
	bo->addr = ((uint64_t)bank << 40) + next;
	next += (size + 0xfff) & ~0xfffull;
	fk.bos++;
	*out = bo;
	return 0;
}

static void fk_bo_free(void *b)
{
	struct fake_bo *bo = b;

	fk_call("bo_free");
	fk.bos--;
	free(bo->mem);
	free(bo);
}

static int fk_bo_write(void *b, uint64_t off, const void *src, size_t len)
{
	memcpy(((struct fake_bo *)b)->mem + off, src, len);
	return 0;
}

static int fk_bo_read(void *b, uint64_t off, size_t len, const void **ptr)
{
	(void)len;
	*ptr = ((struct fake_bo *)b)->mem + off;
	return 0;
}

static uint64_t fk_bo_address(void *b)
{
	return ((struct fake_bo *)b)->addr;
}

static int fk_run_start(void *dd, size_t cu, const struct pq_runarg *args, size_t nargs, void **run,
			char *why, size_t whylen)
{
	(void)dd;
	(void)cu;
	(void)why;
	(void)whylen;
	fk_call("run_start");
	pthread_mutex_lock(&fk.lock);
	fk.last_bo = nargs > 0 ? args[0].bo : NULL;
	/* The torn-args test binds "a a c 1" or "b b c 2": never a mix. */
	if (fk.bo_a && nargs == 4 &&
	    (args[0].bo != args[1].bo || (args[3].bits == 1) != (args[0].bo == fk.bo_a)))
		fk.torn++;
	fk.late_waits = 0;
	fk.late_done = fk.late_freed = false;
	pthread_mutex_unlock(&fk.lock);
	fk.runs++;
	*run = &fk;
	return 0;
}

/*
 * RUN_LATE: the first wait (core's, with the run timeout) finds it still
 * executing; later ones wait up to their timeout for late_done.
 */
static int fk_late_wait(unsigned timeout_ms)
{
	struct timespec until;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&fk.lock);
	if (fk.late_waits++ == 0) {
		if (fk.late_gate) {
			fk.held = true;
			pthread_cond_broadcast(&fk.cond);
			while (!fk.release)
				pthread_cond_wait(&fk.cond, &fk.lock);
			fk.held = fk.release = false;
		}
		pthread_mutex_unlock(&fk.lock);
		return -ETIMEDOUT;
	}
	while (!fk.late_done && !ret)
		ret = pthread_cond_timedwait(&fk.cond, &fk.lock, &until);
	ret = fk.late_done ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&fk.lock);
	return ret;
}

static int fk_run_wait(void *run, unsigned timeout_ms, uint64_t *us, char *why, size_t whylen)
{
	(void)run;
	fk_call("run_wait");
	fk.last_timeout = timeout_ms;
	switch (fk.run_mode) {
	case RUN_FAIL:
		snprintf(why, whylen, "boom");
		return -EIO;
	case RUN_HANG:
		return -ETIMEDOUT;
	case RUN_LATE:
		if (fk_late_wait(timeout_ms))
			return -ETIMEDOUT;
		break;
	case RUN_HOLD:
		pthread_mutex_lock(&fk.lock);
		fk.held = true;
		pthread_cond_broadcast(&fk.cond);
		while (!fk.release)
			pthread_cond_wait(&fk.cond, &fk.lock);
		fk.held = fk.release = false;
		pthread_mutex_unlock(&fk.lock);
		break;
	case RUN_OK:
		break;
	}
	*us = 5;
	return 0;
}

static int fk_run_abort(void *run)
{
	(void)run;
	fk_call("run_abort");
	return fk.abort_ret;
}

static void fk_run_free(void *run)
{
	(void)run;
	fk_call("run_free");
	pthread_mutex_lock(&fk.lock);
	/* XRT would hand this command to the next run while it still executes. */
	if (fk.run_mode == RUN_LATE && !fk.late_done)
		fk.freed_live++;
	fk.late_freed = true;
	pthread_cond_broadcast(&fk.cond);
	pthread_mutex_unlock(&fk.lock);
	fk.runs--;
}

static const struct pq_backend_ops fake_ops = {
	.name = "fake",
	.open = fk_open,
	.close = fk_close,
	.load = fk_load,
	.unload = fk_unload,
	.bo_alloc = fk_bo_alloc,
	.bo_free = fk_bo_free,
	.bo_write = fk_bo_write,
	.bo_read = fk_bo_read,
	.bo_address = fk_bo_address,
	.run_start = fk_run_start,
	.run_wait = fk_run_wait,
	.run_abort = fk_run_abort,
	.run_free = fk_run_free,
};

/* ---- helpers ---- */

/* The test's filesystem: buffers named a, b, c. */
static struct {
	const char *name;
	struct pq_buffer *buf;
} named[3] = {{"a", NULL}, {"b", NULL}, {"c", NULL}};

static int resolve(void *ctx, struct pq_card *card, const char *path, struct pq_buffer **buf,
		   char **canon, char *why, size_t whylen)
{
	(void)ctx;
	(void)card;
	for (size_t i = 0; i < 3; i++) {
		if (named[i].buf && !strcmp(path, named[i].name)) {
			pq_buffer_get(named[i].buf);
			*buf = named[i].buf;
			*canon = strdup(path);
			return 0;
		}
	}
	snprintf(why, whylen, "%s is not a buffer", path);
	return -EINVAL;
}

/* The filesystem's access check, as core sees it: who says yes or no. */
static int access_check(void *ctx, const void *who, struct pq_buffer *buf, char *why, size_t whylen)
{
	(void)ctx;
	(void)buf;
	if (*(const bool *)who)
		return 0;
	snprintf(why, whylen, "not yours");
	return -EACCES;
}

static void calls_reset(void)
{
	fk.calls[0] = '\0';
}

static bool calls_are(const char *want)
{
	return !strcmp(fk.calls, want);
}

/* The calls so far, taken under the lock: for while a worker may still call. */
static void calls_snapshot(char *buf, size_t len, unsigned *freed_live)
{
	pthread_mutex_lock(&fk.lock);
	snprintf(buf, len, "%s", fk.calls);
	*freed_live = fk.freed_live;
	pthread_mutex_unlock(&fk.lock);
}

static bool log_has(struct pq_card *card, const char *what)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool hit;

	pq_card_log_dump(card, f);
	fclose(f);
	hit = strstr(text, what) != NULL;
	free(text);
	return hit;
}

/* A wait answered by core: status and line, signalled without sleeping. */
struct answer {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int status;
	char line[320];
};

static void answer_cb(void *arg, int status, const char *line)
{
	struct answer *a = arg;

	pthread_mutex_lock(&a->lock);
	a->done = true;
	a->status = status;
	snprintf(a->line, sizeof(a->line), "%s", line);
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

static void answer_wait(struct answer *a)
{
	pthread_mutex_lock(&a->lock);
	while (!a->done)
		pthread_cond_wait(&a->cond, &a->lock);
	pthread_mutex_unlock(&a->lock);
}

/* Start CU 0 and wait for its end through core's callback. */
static int call(struct pq_card *card, uint64_t gen, struct answer *a)
{
	int ret;

	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	ret = pq_cu_start(card, gen, 0, NULL, answer_cb, a);
	if (!ret)
		answer_wait(a);
	return ret;
}

static void wait_held(void)
{
	pthread_mutex_lock(&fk.lock);
	while (!fk.held)
		pthread_cond_wait(&fk.cond, &fk.lock);
	pthread_mutex_unlock(&fk.lock);
}

static void late_complete(void)
{
	pthread_mutex_lock(&fk.lock);
	fk.late_done = true;
	pthread_cond_broadcast(&fk.cond);
	while (!fk.late_freed)
		pthread_cond_wait(&fk.cond, &fk.lock);
	pthread_mutex_unlock(&fk.lock);
}

static void release_held(void)
{
	pthread_mutex_lock(&fk.lock);
	fk.release = true;
	pthread_cond_broadcast(&fk.cond);
	pthread_mutex_unlock(&fk.lock);
}

int main(void)
{
	const char *build = getenv("PYNQFS_BUILD");
	struct pq_card_params p = {
		.index = 0,
		.ops = &fake_ops,
		.name = "xilinx_u200_gen3x16_xdma_2_202110_1",
		.any_shell = true,
		.run_timeout_ms = 1234,
		.log_lines = 100,
		.max_queued = 2,
		.resolve = resolve,
		.access = access_check,
	};
	struct pq_layout *l = NULL;
	struct pq_card *card;
	struct pq_cu_stats st;
	struct answer a;
	char path[4096], why[256], uuid[37], line[320], calls[4096];
	unsigned live;
	uint64_t gen, cap, used, addr;
	const char *word;
	uint8_t *img;
	size_t len = 0;
	int status;

	if (!build) {
		tap_skip("PYNQFS_BUILD is not set (run through scripts/test.sh)",
			 "core unit tests");
		return tap_done();
	}
	snprintf(path, sizeof(path), "%s/examples/vadd.xclbin", build);
	img = tap_slurp(path, &len);
	if (!tap_ok(img != NULL, "read %s", path))
		return tap_done();

	tap_ok(pq_card_new(&p, &card, why, sizeof(why)) == 0, "a card opens over the fake backend");
	tap_ok(calls_are("open ") && !strcmp(pq_card_state(card), "empty"),
	       "open was called once; state empty");

	/* Programming: validation first, then one load. */
	calls_reset();
	tap_ok(pq_card_program(card, img, len / 2) == -EINVAL, "a truncated xclbin: -EINVAL");
	tap_ok(calls_are("") && log_has(card, "malformed xclbin"),
	       "the device was not touched; the log says malformed");
	tap_ok(pq_card_program(card, img, len) == 0 && !strcmp(pq_card_state(card), "ready"),
	       "vadd loads: state ready");
	tap_ok(calls_are("load "), "exactly one load (calls: %s)", fk.calls);
	gen = pq_card_generation(card);
	tap_ok(pq_card_layout(card, &l) == 0 && l->generation == gen && l->nbanks == 2 &&
		       l->ncus == 1 && !strcmp(l->cus[0].name, "vadd_1"),
	       "layout: two banks, vadd_1, at the current generation");
	pq_layout_free(l);

	/* A refused load keeps the design; the card reports error. */
	pq_card_uuid(card, uuid);
	fk.load_ret = -EIO;
	calls_reset();
	tap_ok(pq_card_program(card, img, len) == -EIO, "the device refuses a load: -EIO");
	tap_ok(!strcmp(pq_card_state(card), "error") && log_has(card, "the fake device says no"),
	       "state error, and the log carries the device's reason");
	pq_card_uuid(card, line);
	tap_ok(!strcmp(uuid, line) && pq_card_generation(card) == gen,
	       "the previous design stays loaded");
	fk.load_ret = 0;
	tap_ok(pq_card_program(card, img, len) == 0, "a second load works");
	tap_ok(calls_are("load load unload "), "old design unloaded after the new one loads (%s)",
	       fk.calls);
	gen = pq_card_generation(card);

	/* Buffers: capacity counted by core, whatever the backend allows. */
	tap_ok(pq_buffer_new(card, gen - 1, 0, "old", &named[0].buf) == -ENOENT,
	       "a buffer in a design that is gone: -ENOENT");
	for (size_t i = 0; i < 3; i++)
		pq_buffer_new(card, gen, i == 2 ? 1 : 0, named[i].name, &named[i].buf);
	tap_ok(named[0].buf && named[1].buf && named[2].buf,
	       "three buffers: a, b in bank0, c in bank1");
	tap_ok(pq_buffer_resize(named[0].buf, 5000, "a") == 0 &&
		       pq_card_bank_usage(card, gen, 0, &cap, &used) == 0 && used == 8192,
	       "5000 bytes count as 8192 in bank0 (used %llu)", (unsigned long long)used);
	tap_ok(pq_buffer_resize(named[1].buf, cap + 1, "b") == -EFBIG,
	       "larger than the bank: -EFBIG");
	tap_ok(pq_buffer_resize(named[1].buf, cap - 4096, "b") == -ENOSPC &&
		       log_has(card, "no room for"),
	       "more than is left: -ENOSPC before the backend is asked, logged");
	fk.alloc_ret = -ENOSPC;
	tap_ok(pq_buffer_resize(named[1].buf, 4096, "b") == -ENOSPC &&
		       pq_card_bank_usage(card, gen, 0, &cap, &used) == 0 && used == 8192,
	       "the backend out of room: -ENOSPC, and the count is restored");
	fk.alloc_ret = 0;
	pq_buffer_resize(named[1].buf, 4096, "b");
	pq_buffer_resize(named[2].buf, 4096, "c");
	tap_ok(pq_card_program(card, img, len) == -EBUSY && log_has(card, "buffers are still"),
	       "programming while buffers exist: -EBUSY");
	tap_ok(pq_card_free(card) == -EBUSY, "freeing while buffers exist: -EBUSY");

	/* Runs: args checked against connectivity, the timeout from the card. */
	tap_ok(pq_cu_args_set(card, gen, 0, "a b a 4", 7, false) == -EINVAL &&
		       log_has(card, "kernels/vadd_1/args: out_r: a is in bank0, but port"),
	       "out_r in bank0 while its port connects to bank1: -EINVAL, logged");
	tap_ok(pq_cu_args_set(card, gen, 0, "a b c 4", 7, false) == 0, "args a b c 4 bind");
	tap_ok(pq_cu_args_set(card, gen, 0, "a b nope 4", 10, false) == -EINVAL,
	       "a path that is no buffer: -EINVAL");
	calls_reset();
	tap_ok(call(card, gen, &a) == 0 && a.status == 0 && !strcmp(a.line, "done 5"),
	       "a call ends done 5 (%s)", a.line);
	tap_ok(calls_are("run_start run_wait run_free ") && fk.last_timeout == 1234,
	       "start, wait with the card's run_timeout_ms, free (%s)", fk.calls);
	fk.run_mode = RUN_FAIL;
	tap_ok(call(card, gen, &a) == 0 && a.status == -EIO && !strcmp(a.line, "error boom") &&
		       pq_cu_state(card, gen, 0, &word) == 0 && !strcmp(word, "error"),
	       "a failing run: -EIO, 'error boom', state error");
	fk.run_mode = RUN_HANG;
	calls_reset();
	tap_ok(call(card, gen, &a) == 0 && a.status == -EIO &&
		       strstr(a.line, "ran past run_timeout_ms (1234 ms)") &&
		       pq_cu_state(card, gen, 0, &word) == 0 && !strcmp(word, "timeout"),
	       "a run past its time: state timeout (%s)", a.line);
	tap_ok(calls_are("run_start run_wait run_abort run_free "),
	       "it was aborted, then freed (%s)", fk.calls);
	tap_ok(pq_cu_stats(card, gen, 0, &st) == 0 && st.starts == 3 && st.done == 1 &&
		       st.errors == 2 && st.timeouts == 1 && st.pending == 0,
	       "stats: 3 starts, 1 done, 2 errors, 1 timeout");

	/* Every start asks the access check; a refusal touches no device. */
	{
		bool no = false, yes = true;

		fk.run_mode = RUN_OK;
		calls_reset();
		tap_ok(pq_cu_start(card, gen, 0, &no, NULL, NULL) == -EACCES && calls_are("") &&
			       log_has(card, "kernels/vadd_1/run: start refused: in1: not yours"),
		       "a start the access check refuses: -EACCES, logged, nothing run");
		tap_ok(call(card, gen, &a) == 0 && a.status == 0, "with no one to check: runs");
		memset(&a, 0, sizeof(a));
		pthread_mutex_init(&a.lock, NULL);
		pthread_cond_init(&a.cond, NULL);
		tap_ok(pq_cu_start(card, gen, 0, &yes, answer_cb, &a) == 0, "allowed: runs");
		answer_wait(&a);
	}

	/* The queue: max_queued waiting behind the running run, cancel ends them. */
	{
		struct answer q, all;

		fk.run_mode = RUN_HOLD;
		pq_cu_stats(card, gen, 0, &st);
		tap_ok(pq_cu_start(card, gen, 0, NULL, NULL, NULL) == 0, "a run the device holds");
		wait_held();
		memset(&q, 0, sizeof(q));
		pthread_mutex_init(&q.lock, NULL);
		pthread_cond_init(&q.cond, NULL);
		memset(&all, 0, sizeof(all));
		pthread_mutex_init(&all.lock, NULL);
		pthread_cond_init(&all.cond, NULL);
		tap_ok(pq_cu_start(card, gen, 0, NULL, answer_cb, &q) == 0 &&
			       pq_cu_start(card, gen, 0, NULL, NULL, NULL) == 0,
		       "two more wait behind it (max_queued = 2)");
		tap_ok(pq_cu_start(card, gen, 0, NULL, NULL, NULL) == -EAGAIN &&
			       log_has(card, "start refused: 2 runs wait already (max_queued)"),
		       "a third: -EAGAIN, logged");
		tap_ok(pq_cu_wait(card, gen, 0, line, sizeof(line), &status, answer_cb, &all) == 1,
		       "a wait for all is listed");
		tap_ok(pq_cu_cancel(card, gen, 0) == 2, "cancel ends the two waiting");
		answer_wait(&q);
		tap_ok(q.status == -EIO && !strcmp(q.line, "error cancelled"),
		       "a call of a cancelled run is answered at once: -EIO, 'error cancelled'");
		pthread_mutex_lock(&all.lock);
		tap_ok(!all.done, "the wait for all still waits for the running one");
		pthread_mutex_unlock(&all.lock);
		tap_ok(pq_cu_state(card, gen, 0, &word) == 0 && !strcmp(word, "running") &&
			       log_has(card, "kernels/vadd_1/run: cancel: 2 queued runs cancelled"),
		       "state running; the log says what was cancelled");
		release_held();
		answer_wait(&all);
		tap_ok(all.status == 0 && !strcmp(all.line, "done 5"),
		       "the running one ends done: the wait for all is answered");
		tap_ok(pq_cu_stats(card, gen, 0, &st) == 0 && st.pending == 0 && st.starts == 8 &&
			       st.errors == 4,
		       "stats: nothing pending, the cancelled runs count as errors (%llu)",
		       (unsigned long long)st.errors);
		tap_ok(pq_cu_cancel(card, gen, 0) == 0, "cancel with nothing queued: 0");
		fk.run_mode = RUN_OK;
	}

	/* A run takes every arg from one args write, while another rewrites them. */
	{
		pthread_t t;
		unsigned n = 0;

		rewrite_gen = gen;
		pq_cu_args_set(card, gen, 0, "a a c 1\n", 8, false);
		call(card, gen, &a);
		fk.bo_a = fk.last_bo;
		fk.torn = 0;
		__atomic_store_n(&stop_rewriting, false, __ATOMIC_RELAXED);
		pthread_create(&t, NULL, rewrite_args, card);
		for (n = 0; n < 10000 && a.status == 0; n++)
			call(card, gen, &a);
		__atomic_store_n(&stop_rewriting, true, __ATOMIC_RELAXED);
		pthread_join(t, NULL);
		tap_ok(a.status == 0 && fk.torn == 0,
		       "%u runs while args are rewritten: none mixes two writes (%u did)", n,
		       fk.torn);
		fk.bo_a = NULL;
		pq_cu_args_set(card, gen, 0, "a b c 4\n", 8, false);
	}

	/* A run held on the device: EBUSY, and waits answered when it ends. */
	fk.run_mode = RUN_HOLD;
	tap_ok(pq_cu_start(card, gen, 0, NULL, NULL, NULL) == 0, "start a run the device holds");
	wait_held();
	tap_ok(pq_cu_wait(card, gen, 0, line, sizeof(line), &status, NULL, NULL) == -EAGAIN,
	       "a non-blocking wait while it runs: -EAGAIN");
	memset(&a, 0, sizeof(a));
	pthread_mutex_init(&a.lock, NULL);
	pthread_cond_init(&a.cond, NULL);
	tap_ok(pq_cu_wait(card, gen, 0, line, sizeof(line), &status, answer_cb, &a) == 1,
	       "a wait is listed");
	for (size_t i = 0; i < 3; i++) {
		pq_buffer_put(named[i].buf); /* the run keeps its own references */
		named[i].buf = NULL;
	}
	tap_ok(pq_card_free(card) == -EBUSY && log_has(card, "a kernel is still running"),
	       "freeing while a run is pending: -EBUSY");
	release_held();
	answer_wait(&a);
	tap_ok(a.status == 0 && !strcmp(a.line, "done 5"), "the wait is answered: done 5");
	fk.run_mode = RUN_OK;

	/* Registers: a start from them is checked like one from args. */
	pq_buffer_new(card, gen, 0, "a", &named[0].buf);
	pq_buffer_new(card, gen, 1, "c", &named[2].buf);
	pq_buffer_resize(named[0].buf, 4096, "a");
	pq_buffer_resize(named[2].buf, 4096, "c");
	pq_buffer_address(named[2].buf, &addr);
	{
		uint32_t w[2] = {(uint32_t)addr, (uint32_t)(addr >> 32)}, start = 1, ctl = 0;

		calls_reset();
		tap_ok(pq_cu_reg_write(card, gen, 0, 0x10, w, 8, NULL) == 8,
		       "write a bank1 buffer's address into in1's registers");
		tap_ok(pq_cu_reg_write(card, gen, 0, 0, &start, 4, NULL) == -EINVAL &&
			       calls_are("") &&
			       log_has(card, "start from registers: in1: the buffer at"),
		       "AP_START: -EINVAL, in1's port connects to bank0; nothing ran");
		tap_ok(pq_cu_reg_write(card, gen, 0, 2, &start, 4, NULL) == -EINVAL,
		       "a misaligned register write: -EINVAL");
		tap_ok(pq_cu_reg_read(card, gen, 0, 0, &ctl, 4, true) == 4 && (ctl & 0x4),
		       "the control word reads AP_IDLE (0x%x)", ctl);
	}
	pq_buffer_put(named[0].buf);
	pq_buffer_put(named[2].buf);
	named[0].buf = named[2].buf = NULL;

	/* Free: the old generation is gone everywhere. */
	calls_reset();
	tap_ok(pq_card_free(card) == 0 && !strcmp(pq_card_state(card), "empty"),
	       "with nothing allocated or running, free works");
	tap_ok(calls_are("unload "), "free unloads once (%s)", fk.calls);
	tap_ok(pq_cu_state(card, gen, 0, &word) == -ENOENT &&
		       pq_cu_start(card, gen, 0, NULL, NULL, NULL) == -ENOENT &&
		       pq_card_bank_usage(card, gen, 0, &cap, &used) == -ENOENT,
	       "calls naming the freed generation: -ENOENT");
	tap_ok(pq_card_image_size(card) == 0 && pq_card_uuid(card, uuid) == -ENODATA,
	       "no image, no uuid");

	/* A load never meets the unload of a free still under way. */
	{
		pthread_t t;
		void *ret;

		pq_card_program(card, img, len);
		fk.slow_unload = true;
		fk.load_seen = false;
		pthread_create(&t, NULL, free_thread, card);
		pthread_mutex_lock(&fk.lock);
		while (!fk.unloading)
			pthread_cond_wait(&fk.cond, &fk.lock);
		pthread_mutex_unlock(&fk.lock);
		tap_ok(pq_card_program(card, img, len) == 0, "a load while a free unloads");
		pthread_join(t, &ret);
		tap_ok(ret == NULL && !fk.overlap, "it waited for the unload to end (overlap: %d)",
		       fk.overlap);
		fk.slow_unload = false;
		pq_card_free(card);
	}

	/* Unset args refuse a start; destroy releases every handle. */
	pq_card_program(card, img, len);
	gen = pq_card_generation(card);
	pq_cu_args_set(card, gen, 0, "size=4", 6, false);
	tap_ok(pq_cu_start(card, gen, 0, NULL, NULL, NULL) == -EINVAL &&
		       log_has(card, "in1 is not set"),
	       "a start with unset args: -EINVAL");

	/*
	 * A run past its time that the backend can't abort (XRT's C API) is
	 * held until the device says it ended: freed at once, XRT would hand
	 * its command to the next run, which would read "completed" before it
	 * ran, and the device may still write the buffers.
	 */
	pq_buffer_new(card, gen, 0, "a", &named[0].buf);
	pq_buffer_new(card, gen, 0, "b", &named[1].buf);
	pq_buffer_new(card, gen, 1, "c", &named[2].buf);
	for (size_t i = 0; i < 3; i++)
		pq_buffer_resize(named[i].buf, 4096, named[i].name);
	pq_cu_args_set(card, gen, 0, "a b c 4", 7, false);
	fk.run_mode = RUN_LATE;
	fk.abort_ret = -EBUSY;
	calls_reset();
	tap_ok(call(card, gen, &a) == 0 && a.status == -EIO &&
		       strstr(a.line, "ran past run_timeout_ms (1234 ms) and still executes") &&
		       pq_cu_state(card, gen, 0, &word) == 0 && !strcmp(word, "timeout"),
	       "a run past its time that can't be aborted: answered, state timeout (%s)", a.line);
	calls_snapshot(calls, sizeof(calls), &live);
	tap_ok(!strncmp(calls, "run_start run_wait run_abort ", 29) && live == 0 &&
		       !strstr(calls, "run_free"),
	       "its run handle is kept, not freed under the device (%s)", calls);
	tap_ok(pq_cu_start(card, gen, 0, NULL, NULL, NULL) == -EBUSY &&
		       log_has(card, "start refused: its last run timed out and still executes"),
	       "a start meanwhile: -EBUSY, logged; nothing reports done that did not run");
	tap_ok(pq_card_free(card) == -EBUSY && log_has(card, "a run that timed out"),
	       "a free meanwhile: -EBUSY (closing the CU under it could hang the card)");
	tap_ok(pq_buffer_resize(named[2].buf, 64 << 20, "c") == -EBUSY &&
		       pq_buffer_resize(named[2].buf, 0, "c") == -EBUSY &&
		       log_has(card, "c: a run that timed out may still be writing it"),
	       "its buffers can't move or shrink meanwhile: -EBUSY, logged");
	late_complete();
	calls_snapshot(calls, sizeof(calls), &live);
	tap_ok(live == 0 && log_has(card, "the run that timed out has ended (completed)"),
	       "once the device says it completed, it is freed and logged");
	fk.run_mode = RUN_OK;
	tap_ok(call(card, gen, &a) == 0 && a.status == 0 && !strcmp(a.line, "done 5"),
	       "and the CU takes runs again (%s)", a.line);
	tap_ok(pq_buffer_resize(named[2].buf, 8192, "c") == 0, "and its buffers resize again");

	/*
	 * A hang with a run queued behind it, which fails without starting;
	 * then a free (refused) and an unmount: freed before the unload.
	 */
	{
		struct answer q;

		memset(&a, 0, sizeof(a));
		memset(&q, 0, sizeof(q));
		pthread_mutex_init(&a.lock, NULL);
		pthread_cond_init(&a.cond, NULL);
		pthread_mutex_init(&q.lock, NULL);
		pthread_cond_init(&q.cond, NULL);
		fk.run_mode = RUN_LATE;
		fk.late_gate = true;
		tap_ok(pq_cu_start(card, gen, 0, NULL, answer_cb, &a) == 0, "a run that will hang");
		wait_held();
		tap_ok(pq_cu_start(card, gen, 0, NULL, answer_cb, &q) == 0,
		       "a run queued behind it while it runs");
		release_held();
		answer_wait(&a);
		answer_wait(&q);
		tap_ok(a.status == -EIO && q.status == -EIO &&
			       strstr(q.line, "not started: a run that timed out still executes") &&
			       log_has(card, "run not started: the run before it timed out"),
		       "the hung run is held, and the one queued behind it fails without starting "
		       "(%s)",
		       q.line);
	}
	tap_ok(pq_card_free(card) == -EBUSY, "a run that never ends: the card can't be freed");
	for (size_t i = 0; i < 3; i++) {
		pq_buffer_put(named[i].buf); /* the held run keeps its own references */
		named[i].buf = NULL;
	}
	pthread_mutex_lock(&fk.lock);
	calls_reset();
	pthread_mutex_unlock(&fk.lock);
	pq_card_destroy(card);
	tap_ok(strstr(fk.calls, "run_free") && strstr(fk.calls, "unload") &&
		       strstr(fk.calls, "run_free") < strstr(fk.calls, "unload"),
	       "closing the card frees the held run before it unloads (%s)", fk.calls);
	tap_ok(fk.devs == 0 && fk.dds == 0 && fk.bos == 0 && fk.runs == 0,
	       "after destroy no device, design, buffer or run handle is left");
	free(img);
	return tap_done();
}
