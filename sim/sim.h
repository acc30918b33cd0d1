/* SPDX-License-Identifier: MIT */
/*
 * The sim card's own view, shared by its files: backend.c (the ops table,
 * open, load, unload), memory.c (banks and buffers), supervise.c (runner
 * processes), run.c (runs). Nothing outside sim/ includes it.
 */
#ifndef PYNQFS_SIM_H
#define PYNQFS_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "backend.h"
#include "proto.h"

#ifndef PYNQFS_RUNNER_PATHS
#define PYNQFS_RUNNER_PATHS "/usr/local/libexec/pynqfs-runner"
#endif

extern char **environ;

#define SIM_ALIGN 4096ull

struct sim_bank;

/* A device buffer: an extent of its bank. */
struct sim_bo {
	struct sim_bank *bank;
	uint64_t off; /* in the bank */
	uint64_t cap; /* reserved bytes, SIM_ALIGN multiple */
	uint64_t size;
};

struct sim_bank {
	pthread_mutex_t lock;
	int fd;
	uint8_t *mem;
	uint64_t size, base;
	struct sim_bo **bos; /* sorted by offset */
	size_t nbos, cap;
};

/* The card: what its config says. */
struct sim_dev {
	unsigned index;
	char **kernel_path;
	size_t nkernel_path;
	struct pq_log *log;
	/*
	 * What kernels print, into the card's log: a thread started with the
	 * first runner (sim_open runs before the daemon forks, which would
	 * leave it behind), NULL until then or without one. out_lock guards it.
	 */
	pthread_mutex_t out_lock;
	struct sim_output *out;
};

struct sim_design;

/*
 * A compute unit's runner process; pid 0 when there is none. It is also
 * the handle of the CU's run in progress: one at a time.
 */
struct sim_runner {
	struct sim_design *sd;
	size_t cu;
	pid_t pid;
	int sock;
	int out;		      /* read end of its stdout and stderr, or -1 */
	struct sim_output *outp;      /* the thread that reads it */
	uint64_t seq;		      /* of the run in progress, random; its reply must carry it */
	const struct pq_runarg *args; /* of the run in progress, core's until run_free */
	size_t nargs;
	uint64_t marks[SIM_MAX_ARGS]; /* where its streams stood at its start */
	uint64_t outs[SIM_MAX_ARGS];  /* its T& args after its last run that ended well */
};

struct sim_design {
	struct sim_dev *dev;
	const struct pq_design *d;
	struct sim_bank *banks; /* indexed like design->banks; fd -1 if not a bank */
	size_t nbanks;
	struct sim_runner *runners; /* one per CU, each used by its CU's worker only */
	struct sim_stream *streams; /* indexed like design->streams, or NULL */
	int so_fd; /* the xclbin's BITSTREAM when it is an x86-64 shared object, or -1 */
	pthread_mutex_t free_lock; /* the runners of free-running CUs, which no worker uses */
};

static inline uint64_t sim_round(uint64_t v)
{
	return (v + SIM_ALIGN - 1) & ~(SIM_ALIGN - 1);
}

/* memory.c */
int sim_bo_alloc(void *dd, size_t bank, uint64_t size, void **out);
int sim_bo_resize(void *b, uint64_t size);
void sim_bo_free(void *b);
int sim_bo_write(void *b, uint64_t off, const void *src, size_t len);
int sim_bo_read(void *b, uint64_t off, size_t len, const void **ptr);
uint64_t sim_bo_address(void *b);

/* supervise.c */
void sim_death_why(int status, char *why, size_t whylen);
int sim_wait_reply(struct sim_runner *r, uint64_t seq, int timeout_ms, struct sim_reply *rep,
		   char *why, size_t whylen);
int sim_spawn(struct sim_design *sd, size_t cu, char *why, size_t whylen);
void sim_runner_stop(struct sim_runner *r);

/* run.c */
void sim_free_run(struct sim_design *sd, size_t cu);
bool sim_cu_running(void *dd, size_t cu);
int sim_run_start(void *dd, size_t cu, const struct pq_runarg *args, size_t nargs, void **handle,
		  char *why, size_t whylen);
int sim_run_wait(void *handle, unsigned timeout_ms, uint64_t *us, char *why, size_t whylen);
int sim_run_abort(void *handle);
void sim_run_outputs(void *handle, struct pq_runarg *args, size_t nargs);
void sim_run_free(void *handle);
void sim_log(struct sim_dev *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
