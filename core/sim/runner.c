// SPDX-License-Identifier: MIT
/*
 * pynqfs-runner: runs one compute unit's kernel for the sim card, out of
 * the daemon's process, so that a kernel that crashes or hangs takes only
 * this process down. Device memory is the daemon's bank memfds, mapped
 * shared: pointer args point into it, so data reaches the kernel only
 * through what the filesystem synced there.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <ffi.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "proto.h"

static struct sim_setup rn_setup;
static void *rn_base[SIM_MAX_BANKS];
static uint64_t rn_size[SIM_MAX_BANKS];
static int rn_nbanks;
static int rn_bank_at[SIM_MAX_BANKS]; /* bank index -> slot */
static uint64_t rn_seq;		      /* the run being served */

static void rn_reply(uint32_t type, uint64_t us, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rn_reply(uint32_t type, uint64_t us, const char *fmt, ...)
{
	struct sim_reply r = {.type = type, .seq = rn_seq, .us = us};
	va_list ap;

	fflush(stdout); /* what the kernel printed reaches the log before the reply */
	va_start(ap, fmt);
	vsnprintf(r.msg, sizeof(r.msg), fmt, ap);
	va_end(ap);
	if (send(SIM_RUNNER_FD, &r, sizeof(r), MSG_NOSIGNAL) < 0)
		_exit(1);
}

static ffi_type *rn_ffi_type(uint8_t kind, uint8_t size)
{
	switch (kind) {
	case PQ_C_PTR:
		return &ffi_type_pointer;
	case PQ_C_FLOAT:
		return &ffi_type_float;
	case PQ_C_DOUBLE:
		return &ffi_type_double;
	case PQ_C_SINT:
		return size == 1   ? &ffi_type_sint8
		       : size == 2 ? &ffi_type_sint16
		       : size == 4 ? &ffi_type_sint32
				   : &ffi_type_sint64;
	case PQ_C_UINT:
		return size == 1   ? &ffi_type_uint8
		       : size == 2 ? &ffi_type_uint16
		       : size == 4 ? &ffi_type_uint32
				   : &ffi_type_uint64;
	}
	return NULL;
}

static int rn_recv_setup(void)
{
	char ctl[CMSG_SPACE(sizeof(int) * SIM_MAX_BANKS)];
	struct iovec iov = {&rn_setup, sizeof(rn_setup)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl,
			    .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c;
	int *fds = NULL, nfds = 0;

	if (recvmsg(SIM_RUNNER_FD, &mh, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(rn_setup) ||
	    rn_setup.type != SIM_SETUP)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			fds = (int *)CMSG_DATA(c);
			nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		}
	}
	if ((uint32_t)nfds != rn_setup.nfds || rn_setup.nargs > SIM_MAX_ARGS)
		return -1;
	for (int i = 0; i < SIM_MAX_BANKS; i++)
		rn_bank_at[i] = -1;
	for (int i = 0; i < nfds; i++) {
		int32_t bank = rn_setup.fd_bank[i];

		if (bank < 0 || bank >= SIM_MAX_BANKS)
			return -1;
		rn_size[i] = rn_setup.bank_size[i];
		rn_base[i] = mmap(NULL, rn_size[i], PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_NORESERVE, fds[i], 0);
		close(fds[i]);
		if (rn_base[i] == MAP_FAILED)
			return -1;
		rn_bank_at[bank] = i;
		rn_nbanks++;
	}
	rn_setup.path[sizeof(rn_setup.path) - 1] = '\0';
	rn_setup.symbol[sizeof(rn_setup.symbol) - 1] = '\0';
	return 0;
}

int main(void)
{
	ffi_type *types[SIM_MAX_ARGS];
	union {
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
		float f;
		double d;
		void *p;
	} vals[SIM_MAX_ARGS];
	void *argp[SIM_MAX_ARGS];
	struct sim_run run;
	void (*fn)(void);
	void *lib;
	ffi_cif cif;

	/* Die with the daemon; never outlive the mount. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* A kernel's printf lines go out as they are printed (stdout is a pipe). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getppid() == 1)
		return 1;
	if (rn_recv_setup())
		return 1;
	lib = dlopen(rn_setup.path, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		rn_reply(SIM_FAIL, 0, "cannot load %s: %s", rn_setup.path, dlerror());
		return 1;
	}
	fn = (void (*)(void))dlsym(lib, rn_setup.symbol);
	if (!fn) {
		rn_reply(SIM_FAIL, 0, "%s has no function %s()", rn_setup.path, rn_setup.symbol);
		return 1;
	}
	for (uint32_t i = 0; i < rn_setup.nargs; i++) {
		types[i] = rn_ffi_type(rn_setup.kind[i], rn_setup.size[i]);
		argp[i] = &vals[i];
		if (!types[i]) {
			rn_reply(SIM_FAIL, 0, "arg %u: a type the sim cannot pass", i);
			return 1;
		}
	}
	if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, rn_setup.nargs, &ffi_type_void, types) != FFI_OK) {
		rn_reply(SIM_FAIL, 0, "libffi cannot build the call to %s()", rn_setup.symbol);
		return 1;
	}
	rn_reply(SIM_OK, 0, "ready");

	for (;;) {
		struct timespec t0, t1;
		ssize_t n = recv(SIM_RUNNER_FD, &run, sizeof(run), 0);
		const char *bad = NULL;

		if (n == 0)
			return 0; /* the daemon closed: unmount */
		if (n != (ssize_t)sizeof(run) || run.type != SIM_RUN || run.nargs != rn_setup.nargs)
			return 1;
		rn_seq = run.seq;
		for (uint32_t i = 0; i < run.nargs && !bad; i++) {
			uint64_t b = run.arg[i].bits;
			int slot;

			switch (rn_setup.kind[i]) {
			case PQ_C_PTR:
				slot = run.arg[i].bank >= 0 && run.arg[i].bank < SIM_MAX_BANKS
					       ? rn_bank_at[run.arg[i].bank]
					       : -1;
				if (slot < 0 || run.arg[i].off >= rn_size[slot])
					bad = "a pointer outside device memory";
				else
					vals[i].p = (uint8_t *)rn_base[slot] + run.arg[i].off;
				break;
			case PQ_C_FLOAT:
			case PQ_C_DOUBLE:
			case PQ_C_SINT:
			case PQ_C_UINT:
				/* little-endian: the low bytes are the value */
				memcpy(&vals[i], &b, sizeof(b));
				break;
			}
		}
		if (bad) {
			rn_reply(SIM_FAIL, 0, "%s", bad);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ffi_call(&cif, fn, NULL, argp);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		rn_reply(SIM_OK,
			 (uint64_t)(((int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 +
				     (t1.tv_nsec - t0.tv_nsec)) /
				    1000),
			 "done");
	}
}
