/* SPDX-License-Identifier: MIT */
/* PARTITION_METADATA: the shell interfaces an xclbin needs (partition.c). */
#ifndef PYNQFS_PARTITION_H
#define PYNQFS_PARTITION_H

#include <stddef.h>
#include <stdint.h>

#include "design.h"

/* Its interface UUIDs into d->iface: 0, or -EINVAL with why in err. */
int pq_partition_read(const uint8_t *blob, size_t len, struct pq_design *d, char *err,
		      size_t errlen);
/* A section naming d's interface UUIDs (malloc'd): 0 or -ENOMEM. */
int pq_partition_write(const struct pq_design *d, uint8_t **blob, size_t *len);
/* An interface UUID as 32 lowercase hex digits (dashes dropped): 0, or -EINVAL. */
int pq_iface_uuid_norm(const char *s, size_t len, char out[PQ_IFACE_UUID_LEN + 1]);

#endif
