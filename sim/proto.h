/* SPDX-License-Identifier: MIT */
/*
 * The sim card's kernel runner protocol: the daemon and one pynqfs-runner
 * per compute unit talk over a SOCK_SEQPACKET socket (the runner's fd 3).
 * SETUP (with the banks' memfds as SCM_RIGHTS) -> REPLY; then RUN -> REPLY,
 * one at a time. A runner that dies mid-run has crashed its run; one that
 * answers SIM_FAULT touched memory outside its args' buffers and is to be
 * stopped.
 */
#ifndef PYNQFS_SIM_PROTO_H
#define PYNQFS_SIM_PROTO_H

#include <stdint.h>

#define SIM_MAX_ARGS  64
#define SIM_MAX_BANKS 128 /* fds in one SCM_RIGHTS message stay below 253 */
#define SIM_MAX_FDS   (SIM_MAX_BANKS + SIM_MAX_ARGS) /* banks, then streams */
#define SIM_RUNNER_FD 3

enum sim_msg { SIM_SETUP = 1, SIM_RUN, SIM_OK, SIM_FAIL, SIM_FAULT };

enum sim_access { SIM_READ, SIM_WRITE, SIM_TOUCH /* read or write: not known */ };

/* Argument kinds: enum pq_ckind's values. */
struct sim_setup {
	uint32_t type;			/* SIM_SETUP */
	uint32_t nargs, nfds, nbankfds; /* fds sent: nbankfds banks, then streams */
	char path[4096];		/* the kernel's .so, unless so_fd >= 0 */
	int32_t so_fd; /* which fd sent is the kernel's .so (the xclbin's), or -1 */
	char symbol[256];
	uint8_t kind[SIM_MAX_ARGS];
	uint8_t size[SIM_MAX_ARGS];
	uint8_t ref[SIM_MAX_ARGS]; /* scalars passed by reference (T&): their values come back */
	int32_t fd_bank[SIM_MAX_BANKS]; /* bank index of each bank fd sent */
	int32_t arg_fd[SIM_MAX_ARGS];	/* stream args: which fd sent is its FIFO; else -1 */
	uint64_t bank_size[SIM_MAX_BANKS];
};

struct sim_run {
	uint32_t type; /* SIM_RUN */
	uint32_t nargs;
	uint32_t repeat; /* free-running (ap_ctrl_none): call it again and again, never reply */
	uint64_t seq; /* random, echoed in the reply: a reply for another run is not this one's */
	struct {
		int32_t bank;  /* pointers: which bank, */
		uint64_t off;  /* where in it, */
		uint64_t size; /* and how many bytes the kernel may use */
		uint64_t bits; /* scalars */
		/*
		 * A range ending inside its buffer: the bytes after it are the
		 * buffer's own, which others may write meanwhile, so they are not
		 * checked the way a buffer's tail is (the guard is by pages there).
		 */
		uint32_t inner;
	} arg[SIM_MAX_ARGS];
};

struct sim_reply {
	uint32_t type; /* SIM_OK or SIM_FAIL */
	uint64_t seq;  /* the run's, 0 for SETUP */
	uint64_t us;   /* the kernel call's duration */
	char msg[256];
	/* SIM_FAULT: what was touched, relative to arg's buffer (arg -1: none) */
	int32_t arg;
	uint32_t access; /* enum sim_access */
	int32_t sig;
	int64_t off;		    /* from the start of arg's buffer */
	uint64_t addr;		    /* the runner's address, when arg is -1 */
	uint64_t out[SIM_MAX_ARGS]; /* SIM_OK: the T& args' values after the call */
};

#endif
