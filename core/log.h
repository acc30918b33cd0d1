/* SPDX-License-Identifier: MIT */
/* A card's log: the last N events and errors, one line each, newest last. */
#ifndef PYNQFS_LOG_H
#define PYNQFS_LOG_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

/* A message longer than this is cut, ending in "...": a line is at most ~540 bytes. */
#define PQ_LOG_LINE_MAX 512

struct pq_log {
	pthread_mutex_t lock;
	char **lines; /* ring of `cap` lines */
	size_t cap, head, count;
	size_t bytes; /* of every line, newlines included */
};

int pq_log_init(struct pq_log *log, size_t lines);
void pq_log_destroy(struct pq_log *log);
/*
 * Append one line: a timestamp is prefixed, control characters become
 * spaces, and the message is cut at PQ_LOG_LINE_MAX bytes, so that a log
 * of N lines stays under N * 540 bytes whatever users write.
 */
void pq_log_add(struct pq_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Start afresh; each line there was goes to each(arg, line), oldest first. */
void pq_log_clear(struct pq_log *log, void (*each)(void *arg, const char *line), void *arg);
/* What pq_log_dump() writes: its size in bytes. */
size_t pq_log_size(struct pq_log *log);
/* Write every line, oldest first. */
void pq_log_dump(struct pq_log *log, FILE *f);

#endif
