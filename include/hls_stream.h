/* SPDX-License-Identifier: MIT */
/*
 * hls_stream.h: hls::stream<T> of Vitis HLS, for kernel sources compiled as
 * models for the pynqfs sim card.
 *
 * One class, two uses, as in Vitis:
 * - A kernel argument `hls::stream<T>& s` is one end of the K2K stream the
 *   xclbin connects it to: the sim passes its FIFO (include/pynq_stream.h),
 *   and read() blocks while it is empty, write() while it is full. The FIFO
 *   carries the port's dataWidth from the xclbin; an element type of
 *   another width ends the run at its first read or write, with a line in
 *   the card's log naming the port and both widths.
 * - A local `hls::stream<T> s;` inside a kernel (a dataflow region) is a
 *   queue in memory. The sim runs a dataflow region's functions one after
 *   another, as Vitis' C simulation does: a local stream must be written
 *   before it is read. Reading an empty one says so in the log and gives
 *   T(), as Vitis' C simulation does.
 *
 * What an element carries: an ap_int<W>/ap_uint<W> its (W + 7) / 8 bytes,
 * ap_axiu/ap_axis (ap_axi_sdata.h) their data and TLAST, any other type
 * its bytes (it must be trivially copyable: a struct of scalars).
 *
 * read(), read(T&), write(), operator>>, operator<<, read_nb(), write_nb(),
 * empty(), full(), size(). Everything is in the header; nothing to link.
 */
#ifndef PYNQFS_HLS_STREAM_H
#define PYNQFS_HLS_STREAM_H

#ifndef __cplusplus
#error "hls_stream.h is C++: compile the kernel with g++"
#endif

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <type_traits>
#include <utility>

#include "pynq_stream.h"

namespace pynq_hls
{
/* Does T bring its own stream form (ap_axi_sdata.h's types)? */
template <class T, class = void> struct has_own : std::false_type {
};
template <class T>
struct has_own<T, decltype((void)T::pynq_put(std::declval<const T &>(), (uint8_t *)0))>
    : std::true_type {
};

/* Is T an ap_int<W> or ap_uint<W> (ap_int.h)? */
template <class T, class = void> struct is_ap : std::false_type {
};
template <class T>
struct is_ap<T, decltype((void)T::width, (void)T::sign_flag, (void)std::declval<T &>().store(0))>
    : std::true_type {
};

/* How an element of type T goes into a FIFO slot and comes back. */
template <class T, class = void> struct payload {
	static_assert(std::is_trivially_copyable<T>::value,
		      "an hls::stream element is copied as bytes: a trivially copyable type");
	static const unsigned bytes = sizeof(T);
	static bool put(const T &v, uint8_t *d)
	{
		memcpy(d, &v, sizeof(T));
		return false;
	}
	static void get(T &v, const uint8_t *d, bool)
	{
		memcpy(&v, d, sizeof(T));
	}
};

template <class T> struct payload<T, typename std::enable_if<is_ap<T>::value>::type> {
	static const unsigned bytes = (T::width + 7) / 8;
	static bool put(const T &v, uint8_t *d)
	{
		typename T::word w[T::N];

		v.load(w);
		memcpy(d, w, bytes); /* little-endian: the low bytes */
		return false;
	}
	static void get(T &v, const uint8_t *d, bool)
	{
		typename T::word w[T::N] = {0};

		memcpy(w, d, bytes);
		v.store(w);
	}
};

template <class T> struct payload<T, typename std::enable_if<has_own<T>::value>::type> {
	static const unsigned bytes = T::pynq_bytes;
	static bool put(const T &v, uint8_t *d)
	{
		return T::pynq_put(v, d);
	}
	static void get(T &v, const uint8_t *d, bool last)
	{
		T::pynq_get(v, d, last);
	}
};
} // namespace pynq_hls

namespace hls
{

template <typename T, int DEPTH = 0> class stream
{
	typedef pynq_hls::payload<T> pl;

	/*
	 * First, at offset 0: PYNQ_STREAM_MAGIC when this object is a sim
	 * FIFO's header (a kernel argument), anything else for a local stream.
	 */
	uint32_t magic_;
	std::deque<T> *q_;
	std::string name_;

	enum { LOCAL = 0x4c41434c /* "LCAL" */ };

	bool bound() const
	{
		return magic_ == PYNQ_STREAM_MAGIC;
	}
	/*
	 * The FIFO header this object is: laundered, so that the compiler does
	 * not measure it against the size of a stream object.
	 */
	pynq_stream *fifo() const
	{
		pynq_stream *s = (pynq_stream *)const_cast<stream *>(this);

		__asm__("" : "+r"(s));
		return s;
	}

	/* The FIFO's element and T's must be the same size: say which and stop. */
	void check(bool writing) const
	{
		pynq_stream *s = fifo();
		const pynq_stream_info *in = pynq_stream_info_of(s);

		if (s->width == pl::bytes)
			return;
		fprintf(stderr,
			"hls::stream: %s carries %u bits an element (%u bytes, the xclbin's "
			"dataWidth), but the kernel's element type is %u bytes: the run stops\n",
			writing ? in->writer : in->reader, in->bits, s->width, pl::bytes);
		fflush(stderr);
		abort();
	}
	std::deque<T> &q()
	{
		if (!q_)
			q_ = new std::deque<T>();
		return *q_;
	}

      public:
	stream() : magic_(LOCAL), q_(0), name_("hls::stream")
	{
	}
	explicit stream(const char *name) : magic_(LOCAL), q_(0), name_(name ? name : "")
	{
	}
	stream(const stream &) = delete;
	stream &operator=(const stream &) = delete;
	~stream()
	{
		if (bound())
			return; /* the FIFO is the card's */
		if (q_ && !q_->empty())
			fprintf(stderr, "hls::stream '%s' holds %zu elements never read\n",
				name_.c_str(), q_->size());
		delete q_;
	}

	bool empty() const
	{
		if (bound())
			return pynq_stream_empty(fifo());
		return !q_ || q_->empty();
	}
	bool full() const
	{
		if (bound())
			return pynq_stream_full(fifo());
		return DEPTH > 0 && q_ && q_->size() >= (size_t)DEPTH;
	}
	size_t size() const
	{
		if (bound())
			return __atomic_load_n(&fifo()->tail, __ATOMIC_ACQUIRE) -
			       __atomic_load_n(&fifo()->head, __ATOMIC_ACQUIRE);
		return q_ ? q_->size() : 0;
	}

	void write(const T &v)
	{
		if (bound()) {
			uint8_t d[PYNQ_STREAM_MAX_WIDTH] = {0};
			bool last;

			check(true);
			last = pl::put(v, d);
			pynq_stream_write(fifo(), d, last);
			return;
		}
		q().push_back(v);
	}
	void read(T &v)
	{
		if (bound()) {
			uint8_t d[PYNQ_STREAM_MAX_WIDTH] = {0};
			bool last;

			check(false);
			last = pynq_stream_read(fifo(), d);
			pl::get(v, d, last);
			return;
		}
		if (!q_ || q_->empty()) {
			fprintf(stderr,
				"hls::stream '%s' read while empty: in the sim a dataflow region's "
				"functions run one after another, write before you read\n",
				name_.c_str());
			v = T();
			return;
		}
		v = q_->front();
		q_->pop_front();
	}
	T read()
	{
		T v;

		read(v);
		return v;
	}
	bool read_nb(T &v)
	{
		if (empty())
			return false;
		read(v);
		return true;
	}
	bool write_nb(const T &v)
	{
		if (full())
			return false;
		write(v);
		return true;
	}
	void operator>>(T &v)
	{
		read(v);
	}
	void operator<<(const T &v)
	{
		write(v);
	}
};

} // namespace hls

#endif
