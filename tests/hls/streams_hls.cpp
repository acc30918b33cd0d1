// SPDX-License-Identifier: MIT
/*
 * HLS C++ stream kernels as Vitis users write them, for the sim card
 * (tests/hls/03-hls-streams.t, design tests/designs/hls_streams.cfg):
 * hls::stream<T>& args of 512 bits, of a struct and of ap_axiu with TLAST,
 * a dataflow region with a local stream, and a sink whose element type
 * disagrees with its port.
 */
#include <ap_axi_sdata.h>
#include <ap_int.h>
#include <hls_stream.h>

struct pkt {
	int v;
	float f;
};

typedef ap_uint<512> wide;

/* Rotate each element left by 8 bits into a local stream. */
static void rotate(hls::stream<wide> &in, hls::stream<wide> &mid, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
#pragma HLS PIPELINE II = 1
		wide x = in.read();

		mid << ((x << 8) | (x >> 504));
	}
}

static void store(hls::stream<wide> &mid, wide *out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		mid >> out[i];
}

extern "C" {

void wsrc(const wide *in, hls::stream<wide> &out, unsigned int n)
{
#pragma HLS INTERFACE m_axi port = in bundle = gmem
#pragma HLS INTERFACE axis port = out
	for (unsigned int i = 0; i < n; i++)
		out.write(in[i]);
}

void wsink(hls::stream<wide> &in, wide *out, unsigned int n)
{
#pragma HLS DATAFLOW
	hls::stream<wide> mid("mid");

	rotate(in, mid, n);
	store(mid, out, n);
}

void ssrc(const int *in, hls::stream<pkt> &out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		pkt p = {in[i], in[i] * 0.5f};

		out << p;
	}
}

void ssink(hls::stream<pkt> &in, int *out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		pkt p = in.read();

		out[i] = p.v + (int)(p.f * 4); /* 3 v */
	}
}

void asrc(const int *in, hls::stream<ap_axiu<32, 0, 0, 0>> &out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		ap_axiu<32, 0, 0, 0> e;

		e.data = in[i];
		e.keep = -1;
		e.strb = -1;
		e.last = i == n - 1;
		out.write(e);
	}
}

/* Until TLAST: out[i] = data ^ 0x5a5a5a5a, then out[n] = elements read. */
void asink(hls::stream<ap_axiu<32, 0, 0, 0>> &in, int *out, unsigned int n)
{
	unsigned int i = 0;
	ap_axiu<32, 0, 0, 0> e;

	do {
		e = in.read();
		out[i++] = e.data.to_int() ^ 0x5a5a5a5a;
	} while (!e.last && i < n);
	out[n] = (int)i;
}

/* Free-running (ap_ctrl_none): one element a call, data + 1, TLAST kept. */
void hinc(hls::stream<ap_axiu<32, 0, 0, 0>> &in, hls::stream<ap_axiu<32, 0, 0, 0>> &out)
{
#pragma HLS INTERFACE ap_ctrl_none port = return
	ap_axiu<32, 0, 0, 0> e = in.read();

	e.data += 1;
	out.write(e);
}

void badsink(hls::stream<ap_uint<64>> &in, int *out)
{
	out[0] = in.read().to_int();
}
}
