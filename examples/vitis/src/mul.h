// SPDX-License-Identifier: MIT
#ifndef MUL_H
#define MUL_H
float scale(float x, float k);
#endif
