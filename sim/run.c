// SPDX-License-Identifier: MIT
/*
 * Runs on the sim card: a start hands the CU's runner its args, a wait
 * takes its reply (or its fault, named by arg and offset, or its death),
 * free-running CUs are started at load, and a guarded buffer's tail is
 * checked after each run.
 */
#define _GNU_SOURCE
#include "sim.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "output.h"
#include "proto.h"
#include "stream.h"

static void sim_fault_why(const struct sim_runner *r, const struct sim_reply *rep, char *why,
			  size_t whylen);

/*
 * Start free-running CU cu: its runner calls the kernel again and again
 * until the design is freed. It can take only streams: nothing else of it
 * can be set without a control interface.
 */
void sim_free_run(struct sim_design *sd, size_t cu)
{
	const struct pq_kernel *k = &sd->d->kernels[sd->d->cus[cu].kernel];
	const char *name = sd->d->cus[cu].name;
	struct sim_runner *r = &sd->runners[cu];
	struct sim_run run = {.type = SIM_RUN, .nargs = (uint32_t)k->nargs, .repeat = 1};
	char why[300];

	for (size_t a = 0; a < k->nargs; a++) {
		if (k->args[a].aq != PQ_AQ_STREAM) {
			sim_log(sd->dev,
				"kernels/%s: free-running (ap_ctrl_none), not started: its arg %s "
				"is "
				"not a stream, and nothing can set it",
				name, k->args[a].name);
			return;
		}
	}
	if (k->nargs > SIM_MAX_ARGS || sim_spawn(sd, cu, why, sizeof(why))) {
		sim_log(sd->dev, "kernels/%s: free-running (ap_ctrl_none), not started: %s", name,
			k->nargs > SIM_MAX_ARGS ? "too many args" : why);
		return;
	}
	for (size_t a = 0; a < k->nargs; a++)
		run.arg[a].bank = -1;
	if (send(r->sock, &run, sizeof(run), MSG_NOSIGNAL) != (ssize_t)sizeof(run)) {
		sim_log(sd->dev, "kernels/%s: free-running (ap_ctrl_none), not started: %s", name,
			strerror(errno));
		sim_runner_stop(r);
	}
}

/* Does free-running CU cu still run? If it has stopped, say once how. */
bool sim_cu_running(void *dd, size_t cu)
{
	struct sim_design *sd = dd;
	struct sim_runner *r = &sd->runners[cu];
	struct sim_reply rep;
	char why[300];
	bool running;
	int status;

	pthread_mutex_lock(&sd->free_lock);
	if (r->pid && waitpid(r->pid, &status, WNOHANG) == r->pid) {
		/* A guard fault says more than the exit status does. */
		if (recv(r->sock, &rep, sizeof(rep), MSG_DONTWAIT) == (ssize_t)sizeof(rep) &&
		    rep.type == SIM_FAULT)
			sim_fault_why(r, &rep, why, sizeof(why));
		else
			sim_death_why(status, why, sizeof(why));
		sim_log(sd->dev, "kernels/%s: free-running kernel stopped: %s", sd->d->cus[cu].name,
			why);
		kill(-r->pid, SIGKILL); /* whatever its kernel forked */
		r->pid = 0;
		close(r->sock);
		r->sock = -1;
	}
	running = r->pid != 0;
	pthread_mutex_unlock(&sd->free_lock);
	return running;
}

int sim_run_start(void *dd, size_t cu, const struct pq_runarg *args, size_t nargs, void **handle,
		  char *why, size_t whylen)
{
	struct sim_design *sd = dd;
	struct sim_runner *r = &sd->runners[cu];
	struct sim_run run = {.type = SIM_RUN, .nargs = (uint32_t)nargs};
	int ret;

	/* A number the kernel can't guess names the run, so it can't answer for it. */
	if (getrandom(&r->seq, sizeof(r->seq), 0) != sizeof(r->seq))
		r->seq++;
	r->seq += !r->seq; /* 0 is SETUP's */
	run.seq = r->seq;

	if (nargs > SIM_MAX_ARGS)
		return -EINVAL;
	if (!r->pid && (ret = sim_spawn(sd, cu, why, whylen)))
		return ret;
	for (size_t i = 0; i < nargs; i++) {
		const struct sim_bo *bo = args[i].bo;

		run.arg[i].bank = -1;
		run.arg[i].bits = args[i].bits;
		if (bo) {
			run.arg[i].bank = (int32_t)(bo->bank - sd->banks);
			run.arg[i].off = bo->off + args[i].offset;
			run.arg[i].size = args[i].size;
			run.arg[i].inner = args[i].inner;
		}
	}
	r->args = args;
	r->nargs = nargs;
	sim_stream_mark(sd->d, sd->streams, cu, r->marks);
	if (send(r->sock, &run, sizeof(run), MSG_NOSIGNAL) != (ssize_t)sizeof(run)) {
		/* A runner that died idle: its next run gets a fresh one. */
		sim_runner_stop(r);
		if ((ret = sim_spawn(sd, cu, why, whylen)))
			return ret;
		if (send(r->sock, &run, sizeof(run), MSG_NOSIGNAL) != (ssize_t)sizeof(run)) {
			snprintf(why, whylen, "cannot reach the runner: %s", strerror(errno));
			sim_runner_stop(r);
			return -EIO;
		}
	}
	*handle = r;
	return 0;
}

/*
 * Words for a guard fault: where the kernel went, at the device address it
 * would have been, relative to the buffer it ran past.
 */
static void sim_fault_why(const struct sim_runner *r, const struct sim_reply *rep, char *why,
			  size_t whylen)
{
	static const char *const verb[] = {
		[SIM_READ] = "read", [SIM_WRITE] = "wrote", [SIM_TOUCH] = "touched"};
	const char *v = rep->access <= SIM_TOUCH ? verb[rep->access] : "touched";
	const struct pq_runarg *a;
	const char *side = NULL;
	char where[80], at[300];
	uint64_t dev, n = 0;

	if (rep->arg < 0 || (size_t)rep->arg >= r->nargs || !r->args[rep->arg].bo) {
		snprintf(why, whylen,
			 "the kernel crashed: %s (signal %d): %s 0x%llx, a host address in no "
			 "buffer of its args",
			 strsignal(rep->sig), rep->sig, v, (unsigned long long)rep->addr);
		return;
	}
	a = &r->args[rep->arg];
	dev = sim_bo_address(a->bo) + a->offset + (uint64_t)rep->off;
	if (rep->off < 0)
		n = 0 - (uint64_t)rep->off, side = "before the start";
	else if ((uint64_t)rep->off >= a->size)
		n = (uint64_t)rep->off - a->size, side = "past the end";
	if (side)
		snprintf(where, sizeof(where), "%llu byte%s %s", (unsigned long long)n,
			 n == 1 ? "" : "s", side);
	else
		snprintf(where, sizeof(where), "at byte %lld", (long long)rep->off);
	if (a->path)
		snprintf(at, sizeof(at), "%s, %llu bytes", a->path, (unsigned long long)a->size);
	else
		snprintf(at, sizeof(at), "%llu bytes at 0x%llx", (unsigned long long)a->size,
			 (unsigned long long)(sim_bo_address(a->bo) + a->offset));
	snprintf(why, whylen, "%s 0x%llx, %s of %s (%s)", v, (unsigned long long)dev, where,
		 a->name, at);
}

/*
 * After a run that failed, with its runner stopped: a kernel may have
 * written past its buffers' ends inside their last pages (the guard checks
 * and puts back those bytes only for a run that returns). They must read
 * zero again, as every byte past a buffer's size does.
 */
static void sim_tails_clear(const struct sim_runner *r)
{
	for (size_t i = 0; i < r->nargs; i++) {
		struct sim_bo *bo = r->args[i].bo;
		uint64_t from = r->args[i].offset + r->args[i].size, to;

		if (!bo || from >= bo->cap || r->args[i].inner)
			continue; /* an inner range's next bytes are the buffer's own */
		to = sim_round(from) < bo->cap ? sim_round(from) : bo->cap;
		memset(bo->bank->mem + bo->off + from, 0, to - from);
	}
}

int sim_run_wait(void *handle, unsigned timeout_ms, uint64_t *us, char *why, size_t whylen)
{
	struct sim_runner *r = handle;
	struct sim_reply rep;
	int ret;

	ret = sim_wait_reply(r, r->seq, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms, &rep, why,
			     whylen);
	if (ret == -ETIMEDOUT) /* a stream it waits on, if that is why; still running */
		sim_stream_why(r->sd->d, r->sd->streams, r->cu, r->marks, why, whylen);
	else if (ret) /* its runner died */
		sim_tails_clear(r);
	if (ret)
		return ret;
	/* What the kernel printed is in the log before its run is said to end. */
	if (r->out >= 0)
		sim_output_sync(r->outp, r->out);
	if (rep.type == SIM_FAULT) {
		sim_fault_why(r, &rep, why, whylen);
		sim_runner_stop(r); /* what else the kernel did to its process is unknown */
		sim_tails_clear(r);
		return -EIO;
	}
	if (rep.type != SIM_OK) {
		snprintf(why, whylen, "%s", rep.msg);
		return -EIO;
	}
	*us = rep.us;
	memcpy(r->outs, rep.out, sizeof(r->outs));
	return 0;
}

void sim_run_outputs(void *handle, struct pq_runarg *args, size_t nargs)
{
	const struct sim_runner *r = handle;
	const struct pq_kernel *k = &r->sd->d->kernels[r->sd->d->cus[r->cu].kernel];

	for (size_t i = 0; i < nargs && i < SIM_MAX_ARGS; i++) {
		struct pq_ctype t;

		if (!args[i].out || pq_ctype_of(&k->args[i], &t, NULL, 0))
			continue;
		/* What the kernel wrote: the type's bytes of the slot. */
		args[i].bits = t.size >= 8 ? r->outs[i] : r->outs[i] & ((1ull << (8 * t.size)) - 1);
	}
}

/* A kernel past its time: kill its runner; the next run gets a fresh one. */
int sim_run_abort(void *handle)
{
	sim_runner_stop(handle); /* its process is gone: the run has ended */
	sim_tails_clear(handle);
	return 0;
}

void sim_run_free(void *handle)
{
	(void)handle; /* the runner is the CU's, not the run's */
}
