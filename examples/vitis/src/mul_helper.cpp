// SPDX-License-Identifier: MIT
#include "mul.h"

float scale(float x, float k)
{
	return x * k + 0.5f;
}
