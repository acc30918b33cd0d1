// SPDX-License-Identifier: MIT
/*
 * pynqfs-runner: runs one compute unit's kernel for the sim card, out of
 * the daemon's process, so that a kernel that crashes or hangs takes only
 * this process down. Device memory is the daemon's bank memfds, mapped
 * shared: pointer args point into it, so data reaches the kernel only
 * through what the filesystem synced there.
 *
 * The guard: a kernel sees only its args' buffers. Each pointer arg has a
 * slot of address space, inaccessible but for the pages of its buffer
 * (mapped from the bank at its offset), with RN_GUARD of nothing before
 * and room for the largest bank after; other buffers are not mapped at
 * all. A fault in a slot is reported against that arg. Bytes past a
 * buffer's end within its last page can't be guarded by pages: they are
 * saved before the call and compared after it. A range of a buffer
 * (PATH[START:END]) is guarded by pages only: the bytes around it in its
 * first and last pages are the buffer's own, which other runs and writes
 * may change meanwhile.
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
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "args.h"
#include "proto.h"
#include "pynq_stream.h"

#define RN_GUARD (1ull << 20) /* inaccessible bytes before each buffer */

/*
 * A window on device memory: RN_GUARD + room + RN_GUARD bytes of address
 * space, inaccessible but for len bytes of a bank mapped after the first
 * guard while it is the run's.
 */
struct rn_map {
	uint8_t *area; /* NULL: not reserved */
	uint64_t room;
	int bank; /* fd slot of what is mapped, -1 for nothing */
	uint64_t from, len;
	uint64_t used; /* the run that last used it */
};

/*
 * One pointer arg: its last RN_KEEP buffers stay mapped, inaccessible, so
 * that runs taking turns between buffers (ping-pong) pay an mprotect, not
 * a new mapping and a page fault per page.
 */
#define RN_KEEP 4
struct rn_slot {
	struct rn_map map[RN_KEEP];
	struct rn_map *cur; /* the run's, accessible; NULL if none */
	uint8_t *ptr;	    /* the buffer, as the kernel gets it */
	uint64_t size;	    /* its bytes */
	uint8_t *tail;	    /* a copy of ptr[size .. the end of its last page) */
	uint64_t ntail;	    /* before the call */
};

static struct sim_setup rn_setup;
static int rn_fd[SIM_MAX_BANKS];
static uint64_t rn_size[SIM_MAX_BANKS];
static int rn_bank_at[SIM_MAX_BANKS];	     /* bank index -> fd slot */
static pynq_stream *rn_stream[SIM_MAX_ARGS]; /* stream args' FIFOs */
static uint64_t rn_max_bank;		     /* the largest bank's bytes, in pages */
static uint64_t rn_page;
static struct rn_slot rn_slots[SIM_MAX_ARGS];
static volatile sig_atomic_t rn_in_call;
static uint64_t rn_seq;	  /* the run being served */
static uint64_t rn_nruns; /* runs served */

static void rn_reply(uint32_t type, uint64_t us, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The T& args' values, by reference to the kernel, sent back with SIM_OK. */
static uint64_t rn_out[SIM_MAX_ARGS];

static void rn_reply(uint32_t type, uint64_t us, const char *fmt, ...)
{
	struct sim_reply r = {.type = type, .seq = rn_seq, .us = us};
	va_list ap;

	if (type == SIM_OK)
		memcpy(r.out, rn_out, sizeof(r.out));
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
	case PQ_C_STREAM:
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
	union { /* aligned for struct cmsghdr, as CMSG_FIRSTHDR expects */
		char buf[CMSG_SPACE(sizeof(int) * SIM_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {&rn_setup, sizeof(rn_setup)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
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
	if ((uint32_t)nfds != rn_setup.nfds || rn_setup.nargs > SIM_MAX_ARGS ||
	    rn_setup.nbankfds > (uint32_t)nfds || rn_setup.nbankfds > SIM_MAX_BANKS)
		return -1;
	for (int i = 0; i < SIM_MAX_BANKS; i++)
		rn_bank_at[i] = -1;
	for (uint32_t a = 0; a < rn_setup.nargs; a++) {
		int32_t f = rn_setup.arg_fd[a];
		struct stat st;
		void *p;

		if (rn_setup.kind[a] != PQ_C_STREAM)
			continue;
		if (f < (int32_t)rn_setup.nbankfds || f >= nfds || fstat(fds[f], &st) ||
		    (size_t)st.st_size < sizeof(pynq_stream))
			return -1;
		p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[f], 0);
		if (p == MAP_FAILED)
			return -1;
		rn_stream[a] = p;
		if (rn_stream[a]->magic != PYNQ_STREAM_MAGIC ||
		    pynq_stream_bytes(rn_stream[a]->width, rn_stream[a]->depth) >
			    (size_t)st.st_size)
			return -1;
	}
	/* The kernel's own .so (the xclbin's BITSTREAM): loaded through its fd. */
	if (rn_setup.so_fd >= 0) {
		if (rn_setup.so_fd < (int32_t)rn_setup.nbankfds || rn_setup.so_fd >= nfds)
			return -1;
		snprintf(rn_setup.path, sizeof(rn_setup.path), "/proc/self/fd/%d",
			 fds[rn_setup.so_fd]);
	}
	for (int i = (int)rn_setup.nbankfds; i < nfds; i++) {
		if (i != rn_setup.so_fd)
			close(fds[i]);
	}
	nfds = (int)rn_setup.nbankfds;
	for (int i = 0; i < nfds; i++) {
		int32_t bank = rn_setup.fd_bank[i];

		rn_fd[i] = fds[i];
		if (bank < 0 || bank >= SIM_MAX_BANKS)
			return -1;
		rn_size[i] = rn_setup.bank_size[i];
		rn_bank_at[bank] = i;
		if (rn_size[i] > rn_max_bank)
			rn_max_bank = rn_size[i];
	}
	rn_max_bank = (rn_max_bank + rn_page - 1) & ~(rn_page - 1);
	rn_setup.path[sizeof(rn_setup.path) - 1] = '\0';
	rn_setup.symbol[sizeof(rn_setup.symbol) - 1] = '\0';
	return 0;
}

/* Address space for a window of len bytes: room for any bank, else just len. */
static int rn_map_reserve(struct rn_map *m, uint64_t len)
{
	uint64_t want[2] = {rn_max_bank, len};

	if (m->area && m->room >= len)
		return 0;
	if (m->area)
		munmap(m->area, m->room + 2 * RN_GUARD);
	m->area = NULL;
	m->bank = -1;
	for (int i = 0; i < 2; i++) {
		void *p = mmap(NULL, want[i] + 2 * RN_GUARD, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p != MAP_FAILED) {
			m->area = p;
			m->room = want[i];
			return 0;
		}
	}
	return -1;
}

/* The window of arg slot sl already mapping [from, from + len) of bank fd, else a new one. */
static struct rn_map *rn_map_find(struct rn_slot *sl, int fd, uint64_t from, uint64_t len)
{
	struct rn_map *victim = &sl->map[0];

	for (int i = 0; i < RN_KEEP; i++) {
		struct rn_map *m = &sl->map[i];

		if (m->bank == fd && m->from == from && m->len == len)
			return m;
		if (m != sl->cur && (m->bank < 0 || m->used < victim->used || victim == sl->cur))
			victim = m;
	}
	if (victim->bank >= 0 &&
	    mmap(victim->area + RN_GUARD, victim->len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		return NULL;
	victim->bank = -1;
	if (rn_map_reserve(victim, len) ||
	    mmap(victim->area + RN_GUARD, len, PROT_NONE, MAP_SHARED | MAP_FIXED, rn_fd[fd],
		 (off_t)from) == MAP_FAILED)
		return NULL;
	victim->bank = fd;
	victim->from = from;
	victim->len = len;
	return victim;
}

/*
 * Give arg slot sl [off, off + size) of bank fd for this run: accessible,
 * and its previous buffer not.
 */
static const char *rn_slot_map(struct rn_slot *sl, int fd, uint64_t off, uint64_t size, bool inner)
{
	uint64_t from = off & ~(rn_page - 1);
	uint64_t len = (off + size - from + rn_page - 1) & ~(rn_page - 1);
	struct rn_map *m = rn_map_find(sl, fd, from, len);

	if (!m)
		return "cannot map the buffer into the runner";
	if (m != sl->cur) {
		if (sl->cur && mprotect(sl->cur->area + RN_GUARD, sl->cur->len, PROT_NONE))
			return "cannot unmap the previous buffer";
		sl->cur = NULL;
		if (mprotect(m->area + RN_GUARD, len, PROT_READ | PROT_WRITE))
			return "cannot map the buffer into the runner";
		sl->cur = m;
	}
	m->used = rn_nruns;
	sl->ptr = m->area + RN_GUARD + (off - from);
	sl->size = size;
	/* Past a buffer's end: nobody's bytes, checked after the call. */
	sl->ntail = inner ? 0 : from + len - (off + size);
	memcpy(sl->tail, sl->ptr + size, sl->ntail);
	return NULL;
}

static void rn_fault_reply(int32_t arg, uint32_t access, int sig, int64_t off, uint64_t addr)
{
	struct sim_reply r = {.type = SIM_FAULT,
			      .seq = rn_seq,
			      .arg = arg,
			      .access = access,
			      .sig = sig,
			      .off = off,
			      .addr = addr};

	/* send(2) is async-signal-safe; stdio is not. */
	if (send(SIM_RUNNER_FD, &r, sizeof(r), MSG_NOSIGNAL) < 0)
		_exit(1);
}

/*
 * A kernel touched memory it may not: say what, relative to which arg's
 * buffer, and end. Faults outside a kernel call, and signals sent rather
 * than raised by an access, kill the runner as they would have.
 */
static void rn_on_fault(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	uint32_t access = SIM_TOUCH;

	if (!rn_in_call || si->si_code <= 0) {
		struct sigaction dfl = {.sa_handler = SIG_DFL};

		sigaction(sig, &dfl, NULL); /* async-signal-safe, unlike signal() */
		raise(sig);
		return;
	}
#if defined(__x86_64__)
	/* The page fault's error code: bit 1 set for a write. */
	access = (((ucontext_t *)ctx)->uc_mcontext.gregs[REG_ERR] & 2) ? SIM_WRITE : SIM_READ;
#else
	(void)ctx;
#endif
	for (uint32_t i = 0; i < rn_setup.nargs; i++) {
		const struct rn_map *m = rn_slots[i].cur;

		if (m && a >= (uintptr_t)m->area &&
		    a < (uintptr_t)m->area + m->room + 2 * RN_GUARD) {
			rn_fault_reply((int32_t)i, access, sig,
				       (int64_t)(a - (uintptr_t)rn_slots[i].ptr), 0);
			_exit(1);
		}
	}
	rn_fault_reply(-1, access, sig, 0, a);
	_exit(1);
}

/* After the call: did the kernel write past a buffer's end in its last page? */
static bool rn_tails_intact(void)
{
	for (uint32_t i = 0; i < rn_setup.nargs; i++) {
		struct rn_slot *sl = &rn_slots[i];

		if (rn_setup.kind[i] != PQ_C_PTR || !sl->ntail ||
		    !memcmp(sl->ptr + sl->size, sl->tail, sl->ntail))
			continue;
		for (uint64_t j = 0; j < sl->ntail; j++) {
			if (sl->ptr[sl->size + j] != sl->tail[j]) {
				/* Put back what was there: the bytes are the bank's, not ours. */
				memcpy(sl->ptr + sl->size, sl->tail, sl->ntail);
				rn_fault_reply((int32_t)i, SIM_WRITE, 0, (int64_t)(sl->size + j),
					       0);
				return false;
			}
		}
	}
	return true;
}

static int rn_guard_init(void)
{
	static uint8_t altstack[64 * 1024];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	struct sigaction sa = {.sa_sigaction = rn_on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK};

	rn_page = (uint64_t)sysconf(_SC_PAGESIZE);
	for (int i = 0; i < SIM_MAX_ARGS; i++) {
		for (int j = 0; j < RN_KEEP; j++)
			rn_slots[i].map[j].bank = -1;
		rn_slots[i].tail = malloc(rn_page);
		if (!rn_slots[i].tail)
			return -1;
	}
	/* On a stack of its own: a kernel that overflows its stack is reported too. */
	if (sigaltstack(&ss, NULL))
		return -1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
		return -1;
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
	if (rn_guard_init() || rn_recv_setup())
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
		types[i] = rn_setup.ref[i] ? &ffi_type_pointer
					   : rn_ffi_type(rn_setup.kind[i], rn_setup.size[i]);
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
		rn_nruns++;
		for (uint32_t i = 0; i < run.nargs && !bad; i++) {
			uint64_t b = run.arg[i].bits;
			int slot;

			switch (rn_setup.kind[i]) {
			case PQ_C_PTR:
				slot = run.arg[i].bank >= 0 && run.arg[i].bank < SIM_MAX_BANKS
					       ? rn_bank_at[run.arg[i].bank]
					       : -1;
				if (slot < 0 || !run.arg[i].size ||
				    run.arg[i].off >= rn_size[slot] ||
				    run.arg[i].size > rn_size[slot] - run.arg[i].off)
					bad = "a pointer outside device memory";
				else
					bad = rn_slot_map(&rn_slots[i], slot, run.arg[i].off,
							  run.arg[i].size, run.arg[i].inner);
				vals[i].p = rn_slots[i].ptr;
				break;
			case PQ_C_STREAM:
				vals[i].p = rn_stream[i];
				if (!rn_stream[i])
					bad = "a stream with no FIFO";
				break;
			case PQ_C_FLOAT:
			case PQ_C_DOUBLE:
			case PQ_C_SINT:
			case PQ_C_UINT:
				/* little-endian: the low bytes are the value */
				memcpy(&vals[i], &b, sizeof(b));
				if (rn_setup.ref[i]) { /* T&: the kernel gets where it lives */
					rn_out[i] = b;
					vals[i].p = &rn_out[i];
				}
				break;
			}
		}
		if (bad) {
			rn_reply(SIM_FAIL, 0, "%s", bad);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rn_in_call = 1;
		/* A free-running kernel runs until its design is freed, which kills us. */
		while (run.repeat)
			ffi_call(&cif, fn, NULL, argp);
		ffi_call(&cif, fn, NULL, argp);
		rn_in_call = 0;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fflush(stdout);
		if (!rn_tails_intact())
			continue;
		rn_reply(SIM_OK,
			 (uint64_t)(((int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 +
				     (t1.tv_nsec - t0.tv_nsec)) /
				    1000),
			 "done");
	}
}
