/* SPDX-License-Identifier: MIT */
/*
 * ap_range_ref and ap_bit_ref: bits of an ap value to read or write.
 * Part of ap_int.h: include that.
 */
#ifndef PYNQFS_AP_INT_REF_H
#define PYNQFS_AP_INT_REF_H

#include "int_base.h"

/* Bits hi..lo of an ap value, as a place to read or write. */
template <int W, bool S> struct ap_range_ref {
	ap_int_base<W, S> &v;
	int hi, lo;

	ap_range_ref(ap_int_base<W, S> &v_, int hi_, int lo_) : v(v_), hi(hi_), lo(lo_)
	{
	}
	ap_range_ref(const ap_range_ref &) = default;

	int length() const
	{
		return (hi > lo ? hi - lo : lo - hi) + 1;
	}
	ap_uint<W> get() const
	{
		ap_uint<W> r;
		const int n = length();

		if (hi < 0 || lo < 0 || hi >= W || lo >= W)
			return r;
		for (int i = 0; i < n; i++)
			r.set_bit(i, v.get_bit(hi >= lo ? lo + i : lo - i));
		return r;
	}
	template <class T> ap_range_ref &operator=(const T &x)
	{
		const ap_uint<W> val(x);
		const int n = length();

		if (hi < 0 || lo < 0 || hi >= W || lo >= W)
			return *this;
		for (int i = 0; i < n; i++)
			v.set_bit(hi >= lo ? lo + i : lo - i, val.get_bit(i));
		return *this;
	}
	ap_range_ref &operator=(const ap_range_ref &o)
	{
		return *this = o.get();
	}
	operator unsigned long long() const
	{
		return get().to_uint64();
	}
	int to_int() const
	{
		return get().to_int();
	}
	unsigned to_uint() const
	{
		return get().to_uint();
	}
	long to_long() const
	{
		return get().to_long();
	}
	unsigned long to_ulong() const
	{
		return get().to_ulong();
	}
	long long to_int64() const
	{
		return get().to_int64();
	}
	unsigned long long to_uint64() const
	{
		return get().to_uint64();
	}
	double to_double() const
	{
		return get().to_double();
	}
	std::string to_string(int radix = 2) const
	{
		return get().to_string(radix);
	}
	bool and_reduce() const
	{
		const ap_uint<W> g = get();

		for (int i = 0; i < length() && i < W; i++) {
			if (!g.get_bit(i))
				return false;
		}
		return true;
	}
	bool or_reduce() const
	{
		return get().or_reduce();
	}
	bool xor_reduce() const
	{
		return get().xor_reduce();
	}
	template <class T> ap_range_ref &operator+=(const T &b)
	{
		return *this = get() + b;
	}
	template <class T> ap_range_ref &operator-=(const T &b)
	{
		return *this = get() - b;
	}
	template <class T> ap_range_ref &operator&=(const T &b)
	{
		return *this = get() & b;
	}
	template <class T> ap_range_ref &operator|=(const T &b)
	{
		return *this = get() | b;
	}
	template <class T> ap_range_ref &operator^=(const T &b)
	{
		return *this = get() ^ b;
	}
};

/* One bit of an ap value, as a place to read or write. */
template <int W, bool S> struct ap_bit_ref {
	ap_int_base<W, S> &v;
	int i;

	ap_bit_ref(ap_int_base<W, S> &v_, int i_) : v(v_), i(i_)
	{
	}
	ap_bit_ref(const ap_bit_ref &) = default;
	operator bool() const
	{
		return v.get_bit(i);
	}
	bool to_bool() const
	{
		return v.get_bit(i);
	}
	int to_int() const
	{
		return v.get_bit(i);
	}
	/* Any value other than zero sets the bit, as for a bool. */
	template <class T> ap_bit_ref &operator=(const T &x)
	{
		v.set_bit(i, x != 0);
		return *this;
	}
	ap_bit_ref &operator=(bool b)
	{
		v.set_bit(i, b);
		return *this;
	}
	ap_bit_ref &operator=(const ap_bit_ref &o)
	{
		return *this = (bool)o;
	}
	bool operator~() const
	{
		return !v.get_bit(i);
	}
	template <class T> ap_bit_ref &operator&=(const T &b)
	{
		return *this = (bool)*this && b != 0;
	}
	template <class T> ap_bit_ref &operator|=(const T &b)
	{
		return *this = (bool)*this || b != 0;
	}
	template <class T> ap_bit_ref &operator^=(const T &b)
	{
		return *this = (bool)*this != (b != 0);
	}
};

#endif
