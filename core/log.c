// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int pq_log_init(struct pq_log *log, size_t lines)
{
	memset(log, 0, sizeof(*log));
	log->cap = lines ? lines : 1;
	log->lines = calloc(log->cap, sizeof(char *));
	if (!log->lines)
		return -ENOMEM;
	pthread_mutex_init(&log->lock, NULL);
	return 0;
}

void pq_log_destroy(struct pq_log *log)
{
	for (size_t i = 0; i < log->cap && log->lines; i++)
		free(log->lines[i]);
	free(log->lines);
	if (log->lines)
		pthread_mutex_destroy(&log->lock);
	log->lines = NULL;
}

void pq_log_add(struct pq_log *log, const char *fmt, ...)
{
	char stamp[32], msg[PQ_LOG_LINE_MAX + 1], *line = NULL;
	struct timespec ts;
	struct tm tm;
	va_list ap;
	size_t slot;
	int n;

	/* Lines quote what users wrote: never more than PQ_LOG_LINE_MAX bytes of it. */
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > PQ_LOG_LINE_MAX)
		memcpy(msg + PQ_LOG_LINE_MAX - 3, "...", 4);
	for (char *p = msg; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' '; /* one line each, and no terminal escapes */
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (asprintf(&line, "%s.%03ldZ %s", stamp, ts.tv_nsec / 1000000, msg) < 0)
		line = NULL;
	if (!line)
		return;
	pthread_mutex_lock(&log->lock);
	slot = (log->head + log->count) % log->cap;
	if (log->count == log->cap) {
		log->bytes -= strlen(log->lines[log->head]) + 1;
		free(log->lines[log->head]);
		log->head = (log->head + 1) % log->cap;
	} else {
		log->count++;
	}
	log->lines[slot] = line;
	log->bytes += strlen(line) + 1;
	pthread_mutex_unlock(&log->lock);
}

void pq_log_clear(struct pq_log *log, void (*each)(void *arg, const char *line), void *arg)
{
	char **old = calloc(log->cap, sizeof(*old));
	size_t n = 0;

	pthread_mutex_lock(&log->lock);
	for (size_t i = 0; i < log->count; i++) {
		char **line = &log->lines[(log->head + i) % log->cap];

		if (old)
			old[n++] = *line;
		else
			free(*line);
		*line = NULL;
	}
	log->head = log->count = log->bytes = 0;
	pthread_mutex_unlock(&log->lock);
	for (size_t i = 0; i < n; i++) {
		if (each)
			each(arg, old[i]);
		free(old[i]);
	}
	free(old);
}

size_t pq_log_size(struct pq_log *log)
{
	size_t n;

	pthread_mutex_lock(&log->lock);
	n = log->bytes;
	pthread_mutex_unlock(&log->lock);
	return n;
}

void pq_log_dump(struct pq_log *log, FILE *f)
{
	pthread_mutex_lock(&log->lock);
	for (size_t i = 0; i < log->count; i++)
		fprintf(f, "%s\n", log->lines[(log->head + i) % log->cap]);
	pthread_mutex_unlock(&log->lock);
}
