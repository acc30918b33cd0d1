/* SPDX-License-Identifier: MIT */
/*
 * ap_axi_sdata.h: the AXI4-Stream element types of Vitis HLS, for kernel
 * sources compiled as models for the pynqfs sim card:
 *
 *	hls::axis<T, WUser, WId, WDest>	data (a T), keep, strb, user, last, id, dest
 *	ap_axis<WData, WUser, WId, WDest>	hls::axis<ap_int<WData>, ...>
 *	ap_axiu<WData, WUser, WId, WDest>	hls::axis<ap_uint<WData>, ...>
 *
 * keep and strb have one bit per byte of data; a side channel of width 0
 * is no signal at all (it reads 0 and takes any assignment). Through a sim
 * K2K stream (hls_stream.h) an element carries its data and TLAST: a read
 * gives keep and strb all ones and user, id and dest 0, as the sim's
 * FIFOs have no wires for them.
 */
#ifndef PYNQFS_AP_AXI_SDATA_H
#define PYNQFS_AP_AXI_SDATA_H

#include <cstddef>

#include "ap_int.h"
#include "hls_stream.h"

namespace pynq_hls
{
/* A side channel of width 0: not there. */
struct no_signal {
	no_signal()
	{
	}
	template <class T> no_signal(const T &)
	{
	}
	template <class T> no_signal &operator=(const T &)
	{
		return *this;
	}
	operator unsigned long long() const
	{
		return 0;
	}
};

template <std::size_t W> struct side {
	typedef ap_uint<(int)W> type;
};
template <> struct side<0> {
	typedef no_signal type;
};
} // namespace pynq_hls

namespace hls
{
template <class T, std::size_t WUser = 0, std::size_t WId = 0, std::size_t WDest = 0> struct axis {
	static const unsigned pynq_bytes = pynq_hls::payload<T>::bytes;

	T data;
	typename pynq_hls::side<pynq_bytes>::type keep;
	typename pynq_hls::side<pynq_bytes>::type strb;
	typename pynq_hls::side<WUser>::type user;
	ap_uint<1> last;
	typename pynq_hls::side<WId>::type id;
	typename pynq_hls::side<WDest>::type dest;

	/* Into a FIFO slot: the data's bytes; TLAST is returned. */
	static bool pynq_put(const axis &v, uint8_t *d)
	{
		pynq_hls::payload<T>::put(v.data, d);
		return v.last != 0;
	}
	static void pynq_get(axis &v, const uint8_t *d, bool last)
	{
		pynq_hls::payload<T>::get(v.data, d, last);
		v.keep = -1;
		v.strb = -1;
		v.user = 0;
		v.last = last;
		v.id = 0;
		v.dest = 0;
	}
};
} // namespace hls

template <std::size_t WData, std::size_t WUser = 0, std::size_t WId = 0, std::size_t WDest = 0>
using ap_axis = hls::axis<ap_int<(int)WData>, WUser, WId, WDest>;
template <std::size_t WData, std::size_t WUser = 0, std::size_t WId = 0, std::size_t WDest = 0>
using ap_axiu = hls::axis<ap_uint<(int)WData>, WUser, WId, WDest>;

#endif
