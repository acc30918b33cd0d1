/* SPDX-License-Identifier: MIT */
/* What sim kernels print, into the card's log (output.c). */
#ifndef PYNQFS_SIM_OUTPUT_H
#define PYNQFS_SIM_OUTPUT_H

#include <stdbool.h>

#include "log.h"

struct sim_output;

/* One reader thread for a card's runners, logging to log. -errno. */
int sim_output_start(struct pq_log *log, struct sim_output **out);
/* Log what is left, stop the thread, close every pipe. */
void sim_output_stop(struct sim_output *o);
/* Read fd (a runner's stdout and stderr, non-blocking) until its end; the
 * lines are logged as "prefix: line". Takes fd. -errno. */
int sim_output_add(struct sim_output *o, int fd, const char *prefix);
/* Return once everything written to fd so far is logged (or dropped). */
void sim_output_sync(struct sim_output *o, int fd);
/* Nothing waiting in the pipe. */
bool sim_output_empty(int fd);

#endif
