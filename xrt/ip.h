/* SPDX-License-Identifier: MIT */
/* Free-running CUs through xrt::ip (ip.cpp), for backend.c. */
#ifndef PYNQFS_XRT_IP_H
#define PYNQFS_XRT_IP_H

#include <stddef.h>
#include <stdint.h>

#include <xrt/xrt_device.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Hold CU name ("kernel:{cu}") of the loaded xclbin uuid; NULL and err if XRT says no. */
void *pq_xrt_ip_open(xrtDeviceHandle dev, const unsigned char *uuid, const char *name, char *err,
		     size_t errlen);
void pq_xrt_ip_close(void *ip);
/* A 32-bit register at off: 0, or -EIO and XRT's words in err. */
int pq_xrt_ip_read(void *ip, uint32_t off, uint32_t *val, char *err, size_t errlen);
int pq_xrt_ip_write(void *ip, uint32_t off, uint32_t val, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
