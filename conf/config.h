/* SPDX-License-Identifier: MIT */
/* pynqfs configuration (SPEC §9): a libconfig file, or the built-in default. */
#ifndef PYNQFS_CONFIG_H
#define PYNQFS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pq_card_conf {
	char *backend;	      /* "sim" or "xrt" */
	char *name;	      /* sim: the shell */
	char *interface_uuid; /* the shell's, where the backend can't tell; NULL */
	int device;	      /* xrt: device index, or PQ_DEVICE_ALL */
	int line;	      /* where the card is in the config file (0: built in) */
	bool any_shell;
	bool has_owner, has_group, has_mode;
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

struct pq_config {
	struct pq_card_conf *cards;
	size_t ncards;
	unsigned active;
	char **kernel_path;
	size_t nkernel_path;
	unsigned run_timeout_ms;
	char *xrt_emulation; /* NULL, or "noop" */
	unsigned log_lines;
	unsigned max_queued; /* runs waiting per CU; a start beyond: EAGAIN */
};

/* The built-in default: one sim card that takes any shell. */
int pq_config_default(struct pq_config *c);

/* Load FILE; on error, err holds "FILE:LINE: reason". */
int pq_config_load(struct pq_config *c, const char *file, char *err, size_t errlen);

void pq_config_free(struct pq_config *c);

#define PQ_DEVICE_ALL -1 /* device = "all": every device the backend finds */

#define PQ_DEFAULT_SHELL "xilinx_u200_gen3x16_xdma_2_202110_1"

#endif
