// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "args.h"
#include "err.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes for an ap_int<N>/ap_uint<N> scalar, or 0 when wider than 64 bits. */
static unsigned ar_ap_size(const char *s, const char *prefix)
{
	size_t pl = strlen(prefix);
	char *end;
	long n;

	if (strncmp(s, prefix, pl))
		return 0;
	n = strtol(s + pl, &end, 10);
	if (*end != '>' || end[1] || n <= 0 || n > 64)
		return 0;
	return n <= 8 ? 1 : n <= 16 ? 2 : n <= 32 ? 4 : 8;
}

static const struct {
	const char *name;
	enum pq_ckind kind;
	unsigned size;
} ar_typedefs[] = {
	{"int8_t", PQ_C_SINT, 1},   {"uint8_t", PQ_C_UINT, 1},	 {"int16_t", PQ_C_SINT, 2},
	{"uint16_t", PQ_C_UINT, 2}, {"int32_t", PQ_C_SINT, 4},	 {"uint32_t", PQ_C_UINT, 4},
	{"int64_t", PQ_C_SINT, 8},  {"uint64_t", PQ_C_UINT, 8},	 {"size_t", PQ_C_UINT, 8},
	{"ssize_t", PQ_C_SINT, 8},  {"bool", PQ_C_UINT, 1},	 {"_Bool", PQ_C_UINT, 1},
	{"intptr_t", PQ_C_SINT, 8}, {"uintptr_t", PQ_C_UINT, 8},
};

/* A scalar type's words in buf (written over); type is the whole, for messages. */
static int ar_scalar(const char *type, char *buf, struct pq_ctype *t, char *err, size_t errlen)
{
	int nunsigned = 0, nsigned = 0, nlong = 0, nshort = 0, nchar = 0, nint = 0, nfloat = 0;
	int ndouble = 0, nother = 0;
	char *save = NULL, *w;

	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		unsigned ap;

		if (!strcmp(w, "const") || !strcmp(w, "volatile"))
			continue;
		if (!strcmp(w, "unsigned"))
			nunsigned++;
		else if (!strcmp(w, "signed"))
			nsigned++;
		else if (!strcmp(w, "long"))
			nlong++;
		else if (!strcmp(w, "short"))
			nshort++;
		else if (!strcmp(w, "char"))
			nchar++;
		else if (!strcmp(w, "int"))
			nint++;
		else if (!strcmp(w, "float"))
			nfloat++;
		else if (!strcmp(w, "double"))
			ndouble++;
		else if ((ap = ar_ap_size(w, "ap_uint<")))
			*t = (struct pq_ctype){.kind = PQ_C_UINT, .size = ap}, nother++;
		else if ((ap = ar_ap_size(w, "ap_int<")))
			*t = (struct pq_ctype){.kind = PQ_C_SINT, .size = ap}, nother++;
		else {
			size_t i;

			for (i = 0; i < sizeof(ar_typedefs) / sizeof(ar_typedefs[0]); i++) {
				if (!strcmp(w, ar_typedefs[i].name))
					break;
			}
			if (i == sizeof(ar_typedefs) / sizeof(ar_typedefs[0]))
				return pq_fail(err, errlen,
					       "the sim cannot pass type '%s' to a C function",
					       type);
			*t = (struct pq_ctype){.kind = ar_typedefs[i].kind,
					       .size = ar_typedefs[i].size};
			nother++;
		}
	}
	if (nother) {
		if (nother > 1 || nunsigned || nsigned || nlong || nshort || nchar || nint ||
		    nfloat || ndouble)
			return pq_fail(err, errlen, "'%s' is not a C type the sim knows", type);
		return 0;
	}
	if (nfloat + ndouble > 1 ||
	    ((nfloat || ndouble) &&
	     (nunsigned || nsigned || nshort || nchar || nint || nlong > (ndouble ? 1 : 0))))
		return pq_fail(err, errlen, "'%s' is not a C type the sim knows", type);
	if (nfloat) {
		*t = (struct pq_ctype){.kind = PQ_C_FLOAT, .size = 4};
		return 0;
	}
	if (ndouble) {
		if (nlong)
			return pq_fail(err, errlen, "the sim cannot pass long double");
		*t = (struct pq_ctype){.kind = PQ_C_DOUBLE, .size = 8};
		return 0;
	}
	if (nunsigned + nsigned > 1 || nlong > 2 || nshort > 1 || nchar > 1 || nint > 1 ||
	    (nshort && (nlong || nchar)) || (nchar && (nlong || nint)) ||
	    !(nunsigned || nsigned || nlong || nshort || nchar || nint))
		return pq_fail(err, errlen, "'%s' is not a C type the sim knows", type);
	t->kind = nunsigned ? PQ_C_UINT : PQ_C_SINT;
	t->size = nchar ? 1 : nshort ? 2 : nlong ? 8 : 4;
	return 0;
}

int pq_ctype_of(const struct pq_arg *a, struct pq_ctype *t, char *err, size_t errlen)
{
	char buf[256], *amp;
	int ret;

	*t = (struct pq_ctype){0};
	if (a->aq == PQ_AQ_STREAM) {
		t->kind = PQ_C_STREAM;
		return 0;
	}
	if (strchr(a->type, '*')) {
		*t = (struct pq_ctype){.kind = PQ_C_PTR, .size = 8};
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", a->type);
	/* "int&", "unsigned int &": a scalar the kernel may write back. */
	amp = strchr(buf, '&');
	if (amp && !amp[1 + strspn(amp + 1, " \t")])
		*amp = '\0';
	else if (amp)
		return pq_fail(err, errlen, "'%s' is not a C type the sim knows", a->type);
	ret = ar_scalar(a->type, buf, t, err, errlen);
	t->ref = amp != NULL;
	return ret;
}

/* Skip an integer literal's C suffix (u, l, ul, ll, ull, in any case). */
static bool ar_int_suffix(const char *s)
{
	int nu = 0, nl = 0;

	for (; *s; s++) {
		if (*s == 'u' || *s == 'U')
			nu++;
		else if (*s == 'l' || *s == 'L')
			nl++;
		else
			return false;
	}
	return nu <= 1 && nl <= 2;
}

int pq_value_parse(const struct pq_ctype *t, const char *lit, uint64_t *bits, char *err,
		   size_t errlen)
{
	char *end;

	if (!*lit || isspace((unsigned char)*lit))
		return pq_fail(err, errlen, "no value");
	if (t->kind == PQ_C_FLOAT || t->kind == PQ_C_DOUBLE) {
		double d;
		float f;

		errno = 0;
		d = strtod(lit, &end);
		if (end == lit ||
		    (*end &&
		     !((*end == 'f' || *end == 'F' || *end == 'l' || *end == 'L') && !end[1])))
			return pq_fail(err, errlen, "'%s' is not a %s literal", PQ_Q(lit),
				       t->kind == PQ_C_FLOAT ? "float" : "double");
		if (errno == ERANGE && isinf(d))
			return pq_fail(err, errlen, "%s overflows double", PQ_Q(lit));
		if (t->kind == PQ_C_DOUBLE) {
			memcpy(bits, &d, 8);
			return 0;
		}
		if (isfinite(d) && fabs(d) > FLT_MAX)
			return pq_fail(err, errlen, "%s overflows float", PQ_Q(lit));
		f = (float)d;
		*bits = 0;
		memcpy(bits, &f, 4);
		return 0;
	}
	if (t->kind == PQ_C_UINT) {
		unsigned long long v, max = t->size == 8 ? UINT64_MAX : (1ull << (8 * t->size)) - 1;

		if (*lit == '-')
			return pq_fail(err, errlen, "%s is negative, but the type is unsigned",
				       PQ_Q(lit));
		errno = 0;
		v = strtoull(lit, &end, 0);
		if (end == lit || !ar_int_suffix(end))
			return pq_fail(err, errlen, "'%s' is not an integer literal", PQ_Q(lit));
		if (errno == ERANGE || v > max)
			return pq_fail(err, errlen, "%s does not fit in %u bytes unsigned",
				       PQ_Q(lit), t->size);
		*bits = v;
		return 0;
	}
	if (t->kind == PQ_C_SINT) {
		long long v, max = t->size == 8 ? INT64_MAX : (1ll << (8 * t->size - 1)) - 1;
		long long min = -max - 1;

		errno = 0;
		v = strtoll(lit, &end, 0);
		if (end == lit || !ar_int_suffix(end))
			return pq_fail(err, errlen, "'%s' is not an integer literal", PQ_Q(lit));
		if (errno == ERANGE || v > max || v < min)
			return pq_fail(err, errlen,
				       "%s does not fit in %u bytes signed (%lld..%lld)", PQ_Q(lit),
				       t->size, min, max);
		*bits = (uint64_t)v & (t->size == 8 ? UINT64_MAX : (1ull << (8 * t->size)) - 1);
		return 0;
	}
	return pq_fail(err, errlen, "not a scalar");
}

void pq_value_format(const struct pq_ctype *t, uint64_t bits, char *buf, size_t len)
{
	switch (t->kind) {
	case PQ_C_FLOAT: {
		float f;

		memcpy(&f, &bits, 4);
		snprintf(buf, len, "%.9g", (double)f);
		break;
	}
	case PQ_C_DOUBLE: {
		double d;

		memcpy(&d, &bits, 8);
		snprintf(buf, len, "%.17g", d);
		break;
	}
	case PQ_C_SINT: {
		unsigned sh = 64 - 8 * t->size;

		snprintf(buf, len, "%lld", (long long)(int64_t)(bits << sh) >> sh);
		break;
	}
	default:
		snprintf(buf, len, "%llu", (unsigned long long)bits);
		break;
	}
}

void pq_assign_free(struct pq_assign *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++)
		free(a[i].value);
	free(a);
}

static void ar_arg_list(const struct pq_kernel *k, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < k->nargs && at < len; i++) {
		if (k->args[i].aq == PQ_AQ_STREAM)
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "", k->args[i].name);
	}
}

/*
 * "size = 1024" as people type it: white space around '=' dropped, so that
 * it reads as the one token "size=1024". Returns a malloc'd copy.
 */
static char *ar_join_equals(const char *text, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t j = i;

		if (!isspace((unsigned char)text[i])) {
			out[o++] = text[i++];
			continue;
		}
		/* A run of white space, looked at once: kept unless next to '='. */
		while (j < len && isspace((unsigned char)text[j]))
			j++;
		if (!(o && out[o - 1] == '=') && !(j < len && text[j] == '=')) {
			memcpy(out + o, text + i, j - i);
			o += j - i;
		}
		i = j;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

int pq_args_split(const struct pq_kernel *k, const char *text, size_t len, bool partial,
		  struct pq_assign **out, size_t *n, bool *rest, char *err, size_t errlen)
{
	struct pq_assign *as = NULL;
	size_t na = 0, pos = 0, i = 0;
	char *joined;
	int ret = -EINVAL;

	*out = NULL;
	*n = 0;
	*rest = false;
	joined = ar_join_equals(text, len, &len);
	if (!joined)
		return -ENOMEM;
	text = joined;
	as = calloc(len / 2 + 2, sizeof(*as));
	if (!as) {
		free(joined);
		return -ENOMEM;
	}
	while (i < len) {
		size_t start, tl;
		const char *tok, *eq;
		char *name = NULL;
		int a;

		while (i < len && isspace((unsigned char)text[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !isspace((unsigned char)text[i]))
			i++;
		if (i == len && partial) {
			*rest = true; /* the last token may still grow */
			break;
		}
		tok = text + start;
		tl = i - start;
		if (memchr(tok, '\0', tl)) {
			pq_fail(err, errlen, "a NUL byte in the text");
			goto out;
		}
		eq = memchr(tok, '=', tl);
		if (eq == tok) {
			pq_fail(err, errlen, "'%.*s': a value with no arg name before '='",
				(int)(tl < 64 ? tl : 64), tok);
			goto out;
		}
		if (eq) {
			name = strndup(tok, (size_t)(eq - tok));
			if (!name) {
				ret = -ENOMEM;
				goto out;
			}
			a = pq_kernel_arg(k, name);
			if (a < 0) {
				char list[256];

				ar_arg_list(k, list, sizeof(list));
				pq_fail(err, errlen, "%s takes no arg named '%s' (its args: %s)",
					k->name, PQ_Q(name), list);
				free(name);
				goto out;
			}
			free(name);
			if (k->args[a].aq == PQ_AQ_STREAM) {
				pq_fail(err, errlen, "%s is a stream, bound by the xclbin",
					k->args[a].name);
				goto out;
			}
			as[na].value = strndup(eq + 1, tl - (size_t)(eq + 1 - tok));
		} else {
			while (pos < k->nargs && k->args[pos].aq == PQ_AQ_STREAM)
				pos++;
			if (pos == k->nargs) {
				char list[256];

				ar_arg_list(k, list, sizeof(list));
				pq_fail(err, errlen, "too many values: %s takes %s", k->name,
					list[0] ? list : "none");
				goto out;
			}
			a = (int)pos++;
			as[na].value = strndup(tok, tl);
		}
		if (!as[na].value) {
			ret = -ENOMEM;
			goto out;
		}
		as[na++].arg = a;
	}
	*out = as;
	*n = na;
	as = NULL;
	ret = 0;
out:
	pq_assign_free(as, na);
	free(joined);
	return ret;
}
