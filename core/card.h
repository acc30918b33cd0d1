/* SPDX-License-Identifier: MIT */
/*
 * A card: a device behind a backend, the design loaded on it, and the
 * state machine empty -> programming -> ready (or error) of SPEC §3.
 *
 * This is core's public API; struct pq_card is opaque outside core/. A
 * design is named by its generation, which every load and free bumps:
 * calls about a design (a bank, a CU) take the generation their caller
 * saw and fail with -ENOENT once that design is gone. Every call returns
 * 0 or a negative errno, and logs why it refused in the card's log.
 *
 * Never call pq_card_program() or pq_card_free() with a lock of your own
 * held that a resolver (below) takes: they wait for calls in flight on
 * the old design to finish.
 */
#ifndef PYNQFS_CARD_H
#define PYNQFS_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pq_backend_ops;
struct pq_card;
struct pq_buffer;

/*
 * Turn a buffer path written to `args` into a buffer of the mount: the
 * filesystem's part of arg binding. On success *buf holds a reference and
 * *canon (malloc'd) the path as `args` shows it; else -EINVAL with why.
 * Core calls it with none of its locks held.
 */
typedef int (*pq_resolve_fn)(void *ctx, struct pq_card *card, const char *path,
			     struct pq_buffer **buf, char **canon, char *why, size_t whylen);

/*
 * May the user behind `who` (the filesystem's, opaque to core) use buf in
 * a run it starts, as open(O_RDWR) of the buffer would decide? 0, or
 * -EACCES with why. Core calls it for every buffer of every start, with
 * none of its locks held.
 */
typedef int (*pq_access_fn)(void *ctx, const void *who, struct pq_buffer *buf, char *why,
			    size_t whylen);

/*
 * A buffer's device memory changed behind the filesystem's back (a run
 * that had it as an arg has ended): whatever copy of it the filesystem's
 * users hold (the kernel's page cache, mappings) must be dropped. Core
 * calls it with none of its locks held, before the run counts as ended.
 */
typedef void (*pq_changed_fn)(void *ctx, struct pq_buffer *buf);

struct pq_card_params {
	unsigned index;
	const struct pq_backend_ops *ops; /* the backend: sim/, xrt/, or a test's */
	const char *name;		  /* sim: the shell */
	int device;			  /* xrt: the device index */
	const char *emulation;		  /* xrt: NULL, or "noop" */
	bool any_shell;			  /* take xclbins built for any shell */
	/* The shell's interface UUID where the backend can't tell (the sim), or NULL. */
	const char *interface_uuid;
	char **kernel_path; /* sim: borrowed, must outlive the card */
	size_t nkernel_path;
	unsigned run_timeout_ms; /* a run past this ends as timeout */
	unsigned max_queued;	 /* runs waiting per CU (0: 1024); beyond: -EAGAIN */
	size_t log_lines;
	pq_resolve_fn resolve;
	void *resolve_ctx; /* for access and changed too */
	pq_access_fn access;
	pq_changed_fn changed;
};

/* The shell's interface UUID (32 hex digits), or "" if it has none known. */
const char *pq_card_iface(const struct pq_card *card);

/* How many devices a backend can open (for `device = "all"`), or -errno with why. */
int pq_card_count_devices(const struct pq_backend_ops *ops, const char *emulation, char *why,
			  size_t whylen);

/* Open the card's device; on failure why says what went wrong. */
int pq_card_new(const struct pq_card_params *p, struct pq_card **out, char *why, size_t whylen);
/* Stop every run, free the design and close the device. Buffers first. */
void pq_card_destroy(struct pq_card *card);

/* Fixed for the card's life. */
unsigned pq_card_index(const struct pq_card *card);
const char *pq_card_name(const struct pq_card *card);
const char *pq_card_backend(const struct pq_card *card);

/* The card's log (SPEC §1): add a line, or write every line out. */
void pq_card_log(struct pq_card *card, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pq_card_log_dump(struct pq_card *card, FILE *f);
/*
 * A fresh log, for a card handed to another user: the lines there were go
 * to the daemon's syslog, not to the next user.
 */
void pq_card_log_restart(struct pq_card *card);
size_t pq_card_log_size(struct pq_card *card);

/* "empty", "programming", "ready" or "error". */
const char *pq_card_state(struct pq_card *card);
/* The generation of the design loaded now (bumped by every load and free). */
uint64_t pq_card_generation(struct pq_card *card);
/* The loaded xclbin's UUID as text (37 bytes); -ENODATA when none. */
int pq_card_uuid(struct pq_card *card, char *buf);
/* The `summary` text (SPEC §7), malloc'd; or only its size. */
int pq_card_summary(struct pq_card *card, char **out, size_t *len);
size_t pq_card_summary_size(struct pq_card *card);

/* The loaded xclbin: its size, and a copy of [off, off+len) into buf. */
uint64_t pq_card_image_size(struct pq_card *card);
size_t pq_card_image_read(struct pq_card *card, uint64_t off, void *buf, size_t len);

/*
 * Program an xclbin image (SPEC §3): -EINVAL malformed or wrong shell,
 * -EBUSY buffers exist or runs are pending, -EIO the device refused.
 */
int pq_card_program(struct pq_card *card, const uint8_t *img, size_t len);
/* Free the design (PYNQ's Overlay.free()); the same -EBUSY rule. */
int pq_card_free(struct pq_card *card);
/*
 * Would a load or free be refused now (-EBUSY, logged with action)? For
 * callers that want to say so early; the load or free checks again.
 */
int pq_card_check_idle(struct pq_card *card, const char *action);

/*
 * What the loaded design shows as files, copied out so that the caller
 * holds nothing of the card's: its banks, CUs and streams by index.
 */
struct pq_layout_bank {
	size_t index; /* for pq_buffer_new() and pq_card_bank_usage() */
	char *name;   /* directory name (SPEC §4) */
	char *tag;    /* the raw MEM_TOPOLOGY tag */
};

struct pq_layout_port {
	char *arg;    /* the stream arg of the CU */
	char *stream; /* the stream file it is joined to: dc_0 */
};

struct pq_layout_cu {
	size_t index; /* for pq_cu_*() */
	char *name;
	char *signature;
	struct pq_layout_port *ports;
	size_t nports;
};

struct pq_layout_stream {
	char *name; /* dc_0 */
	char *text; /* "source=vadd_1.out_c sink=vmult_1.in_a" */
};

struct pq_layout {
	uint64_t generation;
	struct pq_layout_bank *banks;
	size_t nbanks;
	struct pq_layout_cu *cus;
	size_t ncus;
	struct pq_layout_stream *streams;
	size_t nstreams;
};

/* The loaded design's layout (empty when none is loaded). */
int pq_card_layout(struct pq_card *card, struct pq_layout **out);
void pq_layout_free(struct pq_layout *l);

/* A bank's capacity and the bytes allocated in it (`df`). */
int pq_card_bank_usage(struct pq_card *card, uint64_t generation, size_t bank, uint64_t *cap,
		       uint64_t *used);

#endif
