// SPDX-License-Identifier: MIT
/*
 * What XRT 2.13 tells only through its C++ API: a device's shell name, how
 * many devices there are. Exceptions never cross into C.
 */
#include <dlfcn.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <string>
#include <experimental/xrt_system.h>
#include <xrt/xrt_device.h>

extern "C" int pq_xrt_device_name(unsigned index, char *buf, size_t len);
extern "C" int pq_xrt_device_count(bool noop);
extern "C" int pq_xrt_interface_uuid(unsigned index, char *buf, size_t len);

/*
 * XRT counts PCIe devices; its noop shim's count says 0 while its shim
 * (xclProbe, loaded by the count, RTLD_GLOBAL) opens device 0: ask that.
 */
extern "C" int pq_xrt_device_count(bool noop)
{
	try {
		int n = (int)xrt::system::enumerate_devices();
		auto probe =
			noop && !n ? (unsigned (*)(void))dlsym(RTLD_DEFAULT, "xclProbe") : nullptr;

		return probe ? (int)probe() : n;
	} catch (const std::exception &) {
		return -EIO;
	}
}

extern "C" int pq_xrt_device_name(unsigned index, char *buf, size_t len)
{
	try {
		xrt::device dev(index);
		std::string name = dev.get_info<xrt::info::device::name>();

		if (name.empty())
			return -ENODATA;
		snprintf(buf, len, "%s", name.c_str());
		return 0;
	} catch (const std::exception &) {
		return -ENODATA; /* noop, or a device that can't say */
	}
}

/* The shell's (first) interface UUID; -ENODATA for one-stage shells and noop. */
extern "C" int pq_xrt_interface_uuid(unsigned index, char *buf, size_t len)
{
	try {
		xrt::device dev(index);
		xrt::uuid id = dev.get_info<xrt::info::device::interface_uuid>();

		if (!id)
			return -ENODATA;
		snprintf(buf, len, "%s", id.to_string().c_str());
		return 0;
	} catch (const std::exception &) {
		return -ENODATA;
	}
}
