/* SPDX-License-Identifier: MIT */
/*
 * hls_vector.h: hls::vector<T, N> of Vitis HLS, for kernel sources compiled
 * as models for the pynqfs sim card: N elements of T side by side, aligned
 * (and sized) to the next power of two of N * sizeof(T) bytes, as Vitis
 * lays them out in memory and in streams.
 *
 *	hls::vector<int, 4> v = 4;		every element 4
 *	hls::vector<float, 4> w = {1, 2, 3, 4};
 *	v *= 4; w = w * w + 1.0f;		element by element, with vectors or scalars
 *	w.reduce_add(); v.reduce_max();		add, mult, and, or, xor, min, max
 *
 * v == w and v != w compare every element. Everything is in this header.
 */
#ifndef PYNQFS_HLS_VECTOR_H
#define PYNQFS_HLS_VECTOR_H

#ifndef __cplusplus
#error "hls_vector.h is C++: compile the kernel with g++"
#endif

#include <cstddef>
#include <initializer_list>
#include <type_traits>

namespace pynq_hls
{
constexpr std::size_t pow2_at_least(std::size_t n, std::size_t p = 1)
{
	return p >= n ? p : pow2_at_least(n, p * 2);
}
} // namespace pynq_hls

namespace hls
{

template <typename T, std::size_t N> class alignas(pynq_hls::pow2_at_least(sizeof(T) * N)) vector
{
	static_assert(N > 0, "an hls::vector has at least one element");
	T data_[N];

      public:
	typedef T value_type;

	vector() = default;
	vector(const T &v)
	{
		for (std::size_t i = 0; i < N; i++)
			data_[i] = v;
	}
	vector(std::initializer_list<T> l)
	{
		std::size_t i = 0;

		for (const T &v : l) {
			if (i < N)
				data_[i++] = v;
		}
		for (; i < N; i++)
			data_[i] = T();
	}
	vector(const T (&a)[N])
	{
		for (std::size_t i = 0; i < N; i++)
			data_[i] = a[i];
	}

	static constexpr std::size_t size()
	{
		return N;
	}
	T &operator[](std::size_t i)
	{
		return data_[i];
	}
	const T &operator[](std::size_t i) const
	{
		return data_[i];
	}
	T *begin()
	{
		return data_;
	}
	T *end()
	{
		return data_ + N;
	}
	const T *begin() const
	{
		return data_;
	}
	const T *end() const
	{
		return data_ + N;
	}

#define PYNQ_HLS_VEC_ASSIGN(sym)                                                                   \
	vector &operator sym##=(const vector &o)                                                   \
	{                                                                                          \
		for (std::size_t i = 0; i < N; i++)                                                \
			data_[i] sym## = o.data_[i];                                               \
		return *this;                                                                      \
	}                                                                                          \
	vector &operator sym##=(const T &s)                                                        \
	{                                                                                          \
		for (std::size_t i = 0; i < N; i++)                                                \
			data_[i] sym## = s;                                                        \
		return *this;                                                                      \
	}
	PYNQ_HLS_VEC_ASSIGN(+)
	PYNQ_HLS_VEC_ASSIGN(-)
	PYNQ_HLS_VEC_ASSIGN(*)
	PYNQ_HLS_VEC_ASSIGN(/)
	PYNQ_HLS_VEC_ASSIGN(%)
	PYNQ_HLS_VEC_ASSIGN(&)
	PYNQ_HLS_VEC_ASSIGN(|)
	PYNQ_HLS_VEC_ASSIGN(^)
	PYNQ_HLS_VEC_ASSIGN(<<)
	PYNQ_HLS_VEC_ASSIGN(>>)
#undef PYNQ_HLS_VEC_ASSIGN

	vector operator-() const
	{
		vector r;

		for (std::size_t i = 0; i < N; i++)
			r.data_[i] = -data_[i];
		return r;
	}
	vector operator~() const
	{
		vector r;

		for (std::size_t i = 0; i < N; i++)
			r.data_[i] = ~data_[i];
		return r;
	}
	vector operator+() const
	{
		return *this;
	}

	/* Every element, folded from the first. */
	template <class Op> T reduce(Op op) const
	{
		T acc = data_[0];

		for (std::size_t i = 1; i < N; i++)
			acc = op(acc, data_[i]);
		return acc;
	}
	T reduce_add() const
	{
		return reduce([](const T &a, const T &b) { return T(a + b); });
	}
	T reduce_mult() const
	{
		return reduce([](const T &a, const T &b) { return T(a * b); });
	}
	T reduce_and() const
	{
		return reduce([](const T &a, const T &b) { return T(a & b); });
	}
	T reduce_or() const
	{
		return reduce([](const T &a, const T &b) { return T(a | b); });
	}
	T reduce_xor() const
	{
		return reduce([](const T &a, const T &b) { return T(a ^ b); });
	}
	T reduce_min() const
	{
		return reduce([](const T &a, const T &b) { return b < a ? b : a; });
	}
	T reduce_max() const
	{
		return reduce([](const T &a, const T &b) { return a < b ? b : a; });
	}

	friend bool operator==(const vector &a, const vector &b)
	{
		for (std::size_t i = 0; i < N; i++) {
			if (!(a.data_[i] == b.data_[i]))
				return false;
		}
		return true;
	}
	friend bool operator!=(const vector &a, const vector &b)
	{
		return !(a == b);
	}
};

/* Element by element: vector op vector, vector op scalar, scalar op vector. */
#define PYNQ_HLS_VEC_BINARY(sym)                                                                   \
	template <typename T, std::size_t N>                                                       \
	vector<T, N> operator sym(const vector<T, N> &a, const vector<T, N> &b)                    \
	{                                                                                          \
		vector<T, N> r = a;                                                                \
		return r sym## = b;                                                                \
	}                                                                                          \
	template <typename T, std::size_t N>                                                       \
	vector<T, N> operator sym(const vector<T, N> &a, const T &s)                               \
	{                                                                                          \
		vector<T, N> r = a;                                                                \
		return r sym## = s;                                                                \
	}                                                                                          \
	template <typename T, std::size_t N>                                                       \
	vector<T, N> operator sym(const T &s, const vector<T, N> &b)                               \
	{                                                                                          \
		vector<T, N> r(s);                                                                 \
		return r sym## = b;                                                                \
	}
PYNQ_HLS_VEC_BINARY(+)
PYNQ_HLS_VEC_BINARY(-)
PYNQ_HLS_VEC_BINARY(*)
PYNQ_HLS_VEC_BINARY(/)
PYNQ_HLS_VEC_BINARY(%)
PYNQ_HLS_VEC_BINARY(&)
PYNQ_HLS_VEC_BINARY(|)
PYNQ_HLS_VEC_BINARY(^)
#undef PYNQ_HLS_VEC_BINARY

} // namespace hls

#endif
