/* SPDX-License-Identifier: MIT */
/* Stream args of a kernel's top function: which types, which way they flow. */
#ifndef PYNQFS_VPP_FLOW_H
#define PYNQFS_VPP_FLOW_H

#include <clang-c/Index.h>
#include <stdbool.h>

enum { VPP_FLOW_IN = 1, VPP_FLOW_OUT = 2 };

/* hls::stream<T>& (or &&): an axis port. */
bool vpp_flow_stream_type(CXType t);
/* A pointer to <pynq_stream.h>'s FIFO (the sim's C form of a stream). */
bool vpp_flow_c_stream(CXType ptr);
/* How fn uses its param p, and what it passes p to: VPP_FLOW_IN | VPP_FLOW_OUT bits. */
int vpp_flow_dir(CXTranslationUnit tu, CXCursor fn, CXCursor p);

#endif
