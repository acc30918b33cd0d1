// SPDX-License-Identifier: MIT
/*
 * Three kernels joined by AXI4-Stream: a source that hands its stream to a
 * helper, a free-running (ap_ctrl_none) stage, and a sink using >>.
 */
#include <ap_axi_sdata.h>
#include <ap_int.h>
#include <hls_stream.h>

typedef ap_axiu<32, 0, 0, 0> pkt;

/* The build says how much krnl_triple multiplies by (-D FACTOR=3). */
#ifndef FACTOR
#error "build with -DFACTOR=N"
#endif

static void read_input(const int *in, hls::stream<pkt> &s, int n)
{
	for (int i = 0; i < n; i++) {
		pkt p;

		p.data = in[i];
		p.keep = -1;
		p.last = i == n - 1;
		s.write(p);
	}
}

extern "C" {
void krnl_source(const int *in, hls::stream<pkt> &out, int n)
{
#pragma HLS INTERFACE m_axi port = in offset = slave bundle = gmem
#pragma HLS INTERFACE axis port = out
#pragma HLS INTERFACE s_axilite port = n
#pragma HLS INTERFACE s_axilite port = return
	read_input(in, out, n);
}

void krnl_triple(hls::stream<pkt> &in, hls::stream<pkt> &out)
{
#pragma HLS INTERFACE axis port = in
#pragma HLS INTERFACE axis port = out
#pragma HLS INTERFACE ap_ctrl_none port = return
	pkt p = in.read();

	p.data = p.data * FACTOR;
	out.write(p);
}

void krnl_sink(hls::stream<pkt> &in, int *out)
{
#pragma HLS INTERFACE mode = axis port = in
#pragma HLS INTERFACE mode = m_axi port = out bundle = gmem1
	pkt p;
	int i = 0;

	do {
		in >> p;
		out[i + 1] = p.data.to_int();
		i++;
	} while (!p.last);
	out[0] = i;
}
}
