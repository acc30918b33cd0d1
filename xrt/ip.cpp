// SPDX-License-Identifier: MIT
/*
 * Free-running (ap_ctrl_none) CUs through XRT's xrt::ip, which its C API
 * lacks: XRT opens no kernel for them, so a design of only such CUs held
 * no context, and another process could load an xclbin under pynqfs. An
 * xrt::ip holds a context on its CU (shared: Runtime.rw_shared, env.c)
 * for as long as it lives, and reads and writes its registers.
 * Exceptions never cross into C: their text comes back in err.
 */
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <exception>

#include <experimental/xrt_ip.h>
#include <xrt/xrt_device.h>

#include "ip.h"

extern "C" void *pq_xrt_ip_open(xrtDeviceHandle dev, const unsigned char *uuid, const char *name,
				char *err, size_t errlen)
{
	try {
		xrt::device device(xrtDeviceToXclDevice(dev));

		return new xrt::ip(device, xrt::uuid(uuid), name);
	} catch (const std::exception &e) {
		snprintf(err, errlen, "%s", e.what());
		return nullptr;
	}
}

extern "C" void pq_xrt_ip_close(void *ip)
{
	delete static_cast<xrt::ip *>(ip);
}

extern "C" int pq_xrt_ip_read(void *ip, uint32_t off, uint32_t *val, char *err, size_t errlen)
{
	try {
		*val = static_cast<xrt::ip *>(ip)->read_register(off);
		return 0;
	} catch (const std::exception &e) {
		snprintf(err, errlen, "%s", e.what());
		return -EIO;
	}
}

extern "C" int pq_xrt_ip_write(void *ip, uint32_t off, uint32_t val, char *err, size_t errlen)
{
	try {
		static_cast<xrt::ip *>(ip)->write_register(off, val);
		return 0;
	} catch (const std::exception &e) {
		snprintf(err, errlen, "%s", e.what());
		return -EIO;
	}
}
