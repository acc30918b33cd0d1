// SPDX-License-Identifier: MIT
/*
 * A kernel's interface from its HLS source, as Vitis HLS derives it:
 * - pointers (and arrays) are m_axi ports, bundle gmem unless a pragma
 *   names another (port m_axi_<bundle>); their address is a register;
 * - hls::stream<T>& are axis ports named after the arg, read or written (flow.c) as
 *   the function (and the functions it passes them to) uses them, TDATA as
 *   wide as the HLS headers carry T;
 * - other args are registers (s_axilite); T& ones are outputs;
 * - registers from 0x10: 32-bit values take 8 bytes, 64-bit ones and
 *   addresses 12 (a value, then a reserved word);
 * - ap_ctrl_chain unless "INTERFACE ap_ctrl_none/hs port=return" says.
 * libclang parses the source; its tokens give the pragma lines (the parser
 * drops unknown pragmas), and evaluating a constant appended to the source
 * gives each stream's element width from the headers themselves.
 */
#define _GNU_SOURCE
#include "hls.h"
#include "flow.h"
#include "args.h"

#include <clang-c/Index.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct hl_ctx {
	CXTranslationUnit tu;
	const char *top;
	CXCursor fn;
	char *err;
	size_t errlen;
};

static int hl_fail(struct hl_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int hl_fail(struct hl_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A libclang string as a malloc'd C string. */
static char *hl_str(CXString s)
{
	char *r = strdup(clang_getCString(s) ? clang_getCString(s) : "");

	clang_disposeString(s);
	return r;
}

static bool hl_is(CXString s, const char *want)
{
	bool r = clang_getCString(s) && !strcasecmp(clang_getCString(s), want);

	clang_disposeString(s);
	return r;
}

/* "file:line" of a location, for messages. */
static void hl_where(CXSourceLocation loc, char *buf, size_t len)
{
	CXFile f;
	unsigned line;
	CXString name;

	clang_getSpellingLocation(loc, &f, &line, NULL, NULL);
	name = clang_getFileName(f);
	snprintf(buf, len, "%s:%u", clang_getCString(name) ? clang_getCString(name) : "?", line);
	clang_disposeString(name);
}

/* The first error the parse found, or 0. */
static int hl_diagnostics(struct hl_ctx *c)
{
	for (unsigned i = 0; i < clang_getNumDiagnostics(c->tu); i++) {
		CXDiagnostic d = clang_getDiagnostic(c->tu, i);
		int ret = 0;

		if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
			CXString s = clang_formatDiagnostic(d, CXDiagnostic_DisplaySourceLocation |
								       CXDiagnostic_DisplayColumn);

			ret = hl_fail(c, "%s", clang_getCString(s));
			clang_disposeString(s);
		}
		clang_disposeDiagnostic(d);
		if (ret)
			return ret;
	}
	return 0;
}

/* A global definition by kind and name (extern "C" blocks looked into). */
struct hl_find {
	enum CXCursorKind kind;
	const char *name;
	CXCursor out;
	bool found;
};

static enum CXChildVisitResult hl_find_def(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct hl_find *f = data;
	enum CXCursorKind kind = clang_getCursorKind(cur);
	CXString s;

	(void)parent;
	if (kind == CXCursor_LinkageSpec || kind == CXCursor_UnexposedDecl) /* extern "C" { */
		return CXChildVisit_Recurse;
	if (kind != f->kind || !clang_isCursorDefinition(cur))
		return CXChildVisit_Continue;
	s = clang_getCursorSpelling(cur);
	if (!strcmp(clang_getCString(s), f->name)) {
		f->out = cur;
		f->found = true;
	}
	clang_disposeString(s);
	return f->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

static bool hl_find(CXTranslationUnit tu, enum CXCursorKind kind, const char *name, CXCursor *out)
{
	struct hl_find f = {.kind = kind, .name = name};

	clang_visitChildren(clang_getTranslationUnitCursor(tu), hl_find_def, &f);
	*out = f.out;
	return f.found;
}

/* Register bytes of a scalar, as the sim passes it (core/args.c decides). */
static int hl_scalar(struct hl_ctx *c, const char *where, struct pq_arg *a)
{
	struct pq_ctype t;
	char why[256];

	if (pq_ctype_of(a, &t, why, sizeof(why)))
		return hl_fail(c, "%s: %s: arg %s: %s", where, c->top, a->name, why);
	a->host_size = t.size;
	a->size = t.size > 4 ? 8 : 4;
	return 0;
}

static int hl_args(struct hl_ctx *c, struct pq_kernel *k)
{
	int n = clang_Cursor_getNumArguments(c->fn);
	char where[512];

	hl_where(clang_getCursorLocation(c->fn), where, sizeof(where));
	k->args = calloc((size_t)(n > 0 ? n : 0) + 1, sizeof(*k->args));
	if (!k->args)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		CXCursor p = clang_Cursor_getArgument(c->fn, (unsigned)i);
		CXType t = clang_getCursorType(p), ct = clang_getCanonicalType(t);
		struct pq_arg *a = &k->args[i];
		int ret;

		a->name = hl_str(clang_getCursorSpelling(p));
		a->id = i;
		k->nargs++;
		if (!a->name)
			return -ENOMEM;
		if (!*a->name)
			return hl_fail(c,
				       "%s: %s: argument %d has no name: a kernel's ports are "
				       "named after its arguments",
				       where, c->top, i + 1);
		if (vpp_flow_stream_type(t)) {
			a->aq = PQ_AQ_STREAM;
			a->type = hl_str(clang_getTypeSpelling(t));
			a->port = strdup(a->name);
			a->host_size = 8;
			a->dir = vpp_flow_dir(c->tu, c->fn, p);
			if (a->dir != VPP_FLOW_IN && a->dir != VPP_FLOW_OUT)
				return hl_fail(c,
					       "%s: %s: stream %s is %s: an axis port is read or "
					       "written, not both",
					       where, c->top, a->name,
					       a->dir ? "both read and written"
						      : "neither read nor written");
			a->dir = a->dir == VPP_FLOW_IN ? PQ_DIR_IN : PQ_DIR_OUT;
		} else if (ct.kind == CXType_Pointer) {
			if (vpp_flow_c_stream(ct))
				return hl_fail(
					c,
					"%s: %s: arg %s: a pynq_stream * is the sim's C form "
					"of a stream, whose element width C can't say; "
					"pynqfs-vpp reads hls::stream<T>& (HLS C++)",
					where, c->top, a->name);
			a->aq = PQ_AQ_GLOBAL;
			a->type = hl_str(clang_getTypeSpelling(t));
			a->port = strdup("m_axi_gmem");
			a->size = a->host_size = 8;
		} else {
			CXType v =
				ct.kind == CXType_LValueReference ? clang_getPointeeType(ct) : ct;
			bool konst = clang_isConstQualifiedType(v);

			a->aq = PQ_AQ_SCALAR;
			a->port = strdup("s_axi_control");
			/* const T& is an input like T; T& an output. */
			if (ct.kind == CXType_LValueReference && !konst) {
				char *s = hl_str(clang_getTypeSpelling(v));

				if (s && asprintf(&a->type, "%s&", s) < 0)
					a->type = NULL;
				free(s);
			} else {
				a->type =
					hl_str(clang_getTypeSpelling(v)); /* const: core skips it */
			}
			if (a->type && a->port && (ret = hl_scalar(c, where, a)))
				return ret;
		}
		if (!a->type || !a->port)
			return -ENOMEM;
	}
	return 0;
}

/* One "#pragma HLS INTERFACE ..." line, as words: mode, then key=value pairs. */
struct hl_pragma {
	char where[512];
	char mode[128], port[128], bundle[128];
};

static const char *const hl_modes[] = {"m_axi",	       "axis",		"s_axilite",  "ap_none",
				       "ap_vld",       "ap_ack",	"ap_hs",      "ap_ovld",
				       "ap_ctrl_none", "ap_ctrl_chain", "ap_ctrl_hs", NULL};

static int hl_apply(struct hl_ctx *c, const struct hl_pragma *pr, struct pq_kernel *k)
{
	bool known = false;
	int a;

	for (int i = 0; hl_modes[i]; i++)
		known |= !strcasecmp(pr->mode, hl_modes[i]);
	if (!known)
		return hl_fail(c,
			       "%s: INTERFACE %s: the sim knows m_axi, axis, s_axilite, ap_none "
			       "(and ap_vld, ap_ack, ap_hs, ap_ovld) and ap_ctrl_* interfaces",
			       pr->where, pr->mode[0] ? pr->mode : "(no mode)");
	if (!pr->port[0])
		return hl_fail(c, "%s: INTERFACE %s needs port=", pr->where, pr->mode);
	if (!strcmp(pr->port, "return")) {
		if (!strncasecmp(pr->mode, "ap_ctrl_", 8)) {
			free(k->protocol);
			k->protocol = strdup(pr->mode);
			return k->protocol ? 0 : -ENOMEM;
		}
		if (!strcasecmp(pr->mode, "s_axilite"))
			return 0;
		return hl_fail(c,
			       "%s: INTERFACE %s port=return: the block protocol is s_axilite "
			       "or ap_ctrl_none, ap_ctrl_chain, ap_ctrl_hs",
			       pr->where, pr->mode);
	}
	a = pq_kernel_arg(k, pr->port);
	if (a < 0)
		return hl_fail(c, "%s: INTERFACE %s port=%s: %s has no argument %s", pr->where,
			       pr->mode, pr->port, k->name, pr->port);
	if (!strncasecmp(pr->mode, "ap_ctrl_", 8))
		return hl_fail(c, "%s: INTERFACE %s is for port=return, not an argument", pr->where,
			       pr->mode);
	if (!strcasecmp(pr->mode, "m_axi")) {
		if (k->args[a].aq != PQ_AQ_GLOBAL)
			return hl_fail(c, "%s: INTERFACE m_axi port=%s: %s is not a pointer",
				       pr->where, pr->port, pr->port);
		free(k->args[a].port);
		if (asprintf(&k->args[a].port, "m_axi_%s", pr->bundle[0] ? pr->bundle : "gmem") <
		    0) {
			k->args[a].port = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	if (!strcasecmp(pr->mode, "axis")) {
		if (k->args[a].aq != PQ_AQ_STREAM)
			return hl_fail(c,
				       "%s: INTERFACE axis port=%s: the sim streams "
				       "hls::stream<T>& arguments only",
				       pr->where, pr->port);
		return 0;
	}
	/* s_axilite and the wire protocols: a register on the sim. */
	if (k->args[a].aq == PQ_AQ_STREAM)
		return hl_fail(c, "%s: INTERFACE %s port=%s: %s is a stream (axis)", pr->where,
			       pr->mode, pr->port, pr->port);
	return 0;
}

/* Copy a token's spelling into buf. */
static void hl_tok(CXTranslationUnit tu, CXToken t, char *buf, size_t len)
{
	CXString s = clang_getTokenSpelling(tu, t);

	snprintf(buf, len, "%s", clang_getCString(s));
	clang_disposeString(s);
}

static unsigned hl_line(CXTranslationUnit tu, CXToken t)
{
	unsigned line;

	clang_getSpellingLocation(clang_getTokenLocation(tu, t), NULL, &line, NULL, NULL);
	return line;
}

static int hl_pragmas(struct hl_ctx *c, struct pq_kernel *k)
{
	CXToken *t = NULL;
	unsigned n = 0;
	int ret = 0;

	clang_tokenize(c->tu, clang_getCursorExtent(c->fn), &t, &n);
	for (unsigned i = 0; !ret && i + 3 < n; i++) {
		struct hl_pragma pr;
		unsigned line = hl_line(c->tu, t[i]), j;
		char w[128];

		memset(&pr, 0, sizeof(pr));
		hl_tok(c->tu, t[i], w, sizeof(w));
		if (strcmp(w, "#") || hl_line(c->tu, t[i + 1]) != line ||
		    !hl_is(clang_getTokenSpelling(c->tu, t[i + 1]), "pragma") ||
		    !hl_is(clang_getTokenSpelling(c->tu, t[i + 2]), "HLS") ||
		    !hl_is(clang_getTokenSpelling(c->tu, t[i + 3]), "INTERFACE"))
			continue;
		hl_where(clang_getTokenLocation(c->tu, t[i]), pr.where, sizeof(pr.where));
		/* Words to the end of the line: a mode, key=value pairs. */
		for (j = i + 4; j < n && hl_line(c->tu, t[j]) == line; j++) {
			char key[64], val[128] = "";

			hl_tok(c->tu, t[j], key, sizeof(key));
			if (j + 2 < n && hl_line(c->tu, t[j + 2]) == line &&
			    hl_is(clang_getTokenSpelling(c->tu, t[j + 1]), "=")) {
				hl_tok(c->tu, t[j + 2], val, sizeof(val));
				j += 2;
			}
			if (!strcasecmp(key, "mode") && val[0])
				snprintf(pr.mode, sizeof(pr.mode), "%s", val);
			else if (!strcasecmp(key, "port"))
				snprintf(pr.port, sizeof(pr.port), "%s", val);
			else if (!strcasecmp(key, "bundle"))
				snprintf(pr.bundle, sizeof(pr.bundle), "%s", val);
			else if (!val[0] && !pr.mode[0])
				snprintf(pr.mode, sizeof(pr.mode), "%s", key);
		}
		i = j - 1;
		ret = hl_apply(c, &pr, k);
	}
	clang_disposeTokens(c->tu, t, n);
	return ret;
}

/* Vitis's register map: from 0x10, each value then a reserved word. */
static void hl_registers(struct pq_kernel *k)
{
	uint32_t off = 0x10;

	for (size_t i = 0; i < k->nargs; i++) {
		if (k->args[i].aq == PQ_AQ_STREAM)
			continue;
		k->args[i].offset = off;
		off += k->args[i].size + 4;
	}
	k->reg_range = 0x10000;
}

static CXTranslationUnit hl_parse(CXIndex idx, const char *file, const char *const *argv, int argc,
				  struct CXUnsavedFile *uf)
{
	CXTranslationUnit tu = NULL;

	if (clang_parseTranslationUnit2(idx, file, argv, argc, uf, uf ? 1 : 0,
					CXTranslationUnit_SkipFunctionBodies * 0, &tu))
		return NULL;
	return tu;
}

/*
 * Each stream's element width, from the headers: the source again with a
 * constant a stream arg appended, evaluated by libclang.
 */
static int hl_widths(struct hl_ctx *c, CXIndex idx, const char *src, const char *const *argv,
		     int argc, struct pq_kernel *k)
{
	static const char head[] =
		"#include <tuple>\n#include <type_traits>\n"
		"namespace pynqfs_vpp {\n"
		"template <class F> struct fa;\n"
		"template <class R, class... A> struct fa<R(A...)> { typedef std::tuple<A...> t; "
		"};\n"
		"template <class S> struct el;\n"
		"template <class T, int D> struct el<hls::stream<T, D> > { typedef T type; };\n"
		"template <class F, unsigned I> struct at { typedef typename std::remove_cv<"
		"typename std::remove_reference<typename std::tuple_element<I, typename "
		"fa<F>::t>::type>::type>::type type; };\n"
		"}\n";
	char probe_name[4200], abs[PATH_MAX];
	CXCursor var;
	char *probe = NULL, *s = NULL;
	size_t len = 0;
	FILE *f;
	int ret = 0;

	/* Beside the source, so that its own #include "..." lines resolve. */
	if (!realpath(src, abs))
		return hl_fail(c, "%s: %s", src, strerror(errno));
	snprintf(probe_name, sizeof(probe_name), "%s.pynqfs-vpp-probe.cpp", abs);
	f = open_memstream(&probe, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "#include \"%s\"\n%s", abs, head);
	for (size_t i = 0; i < k->nargs; i++) {
		if (k->args[i].aq == PQ_AQ_STREAM)
			fprintf(f,
				"constexpr unsigned pynqfs_vpp_bits_%zu = 8 * "
				"pynq_hls::payload<pynqfs_vpp::el<pynqfs_vpp::at<decltype(::%s), "
				"%zu>::type>::type>::bytes;\n",
				i, c->top, i);
	}
	if (fclose(f))
		return -ENOMEM;
	{
		struct CXUnsavedFile uf = {probe_name, probe, (unsigned long)len};
		struct hl_ctx pc = *c;

		pc.tu = hl_parse(idx, probe_name, argv, argc, &uf);
		if (!pc.tu) {
			ret = hl_fail(c, "%s: libclang could not parse it again", src);
			goto out;
		}
		ret = hl_diagnostics(&pc);
		if (ret) {
			clang_disposeTranslationUnit(pc.tu);
			goto out;
		}
		for (size_t i = 0; i < k->nargs; i++) {
			if (k->args[i].aq != PQ_AQ_STREAM)
				continue;
			free(s);
			if (asprintf(&s, "pynqfs_vpp_bits_%zu", i) < 0) {
				s = NULL;
				ret = -ENOMEM;
				break;
			}
			k->args[i].width = 0;
			if (hl_find(pc.tu, CXCursor_VarDecl, s, &var)) {
				CXEvalResult e = clang_Cursor_Evaluate(var);

				if (e && clang_EvalResult_getKind(e) == CXEval_Int)
					k->args[i].width =
						(uint32_t)clang_EvalResult_getAsUnsigned(e);
				if (e)
					clang_EvalResult_dispose(e);
			}
			if (!k->args[i].width || k->args[i].width > 4096) {
				ret = hl_fail(c,
					      "%s: %s: stream %s: its element width is not known",
					      src, c->top, k->args[i].name);
				break;
			}
		}
		clang_disposeTranslationUnit(pc.tu);
	}
out:
	free(s);
	free(probe);
	return ret;
}

int vpp_hls_read(const char *src, const char *top, const char *const *argv, int argc,
		 struct pq_kernel *k, char **symbol, char *err, size_t errlen)
{
	struct hl_ctx c = {.top = top, .err = err, .errlen = errlen};
	CXIndex idx = clang_createIndex(0, 0);
	bool streams = false;
	int ret;

	*symbol = NULL;
	memset(k, 0, sizeof(*k));
	if (!idx)
		return -ENOMEM;
	c.tu = hl_parse(idx, src, argv, argc, NULL);
	if (!c.tu) {
		ret = hl_fail(&c, "%s: libclang could not parse it", src);
		goto out;
	}
	if ((ret = hl_diagnostics(&c)))
		goto out;
	if (!hl_find(c.tu, CXCursor_FunctionDecl, top, &c.fn)) {
		ret = hl_fail(&c,
			      "%s: no function %s is defined here (-k names the kernel's top "
			      "function)",
			      src, top);
		goto out;
	}
	k->name = strdup(top);
	k->protocol = strdup("ap_ctrl_chain");
	*symbol = hl_str(clang_Cursor_getMangling(c.fn));
	if (!k->name || !k->protocol || !*symbol) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = hl_args(&c, k)) || (ret = hl_pragmas(&c, k)))
		goto out;
	hl_registers(k);
	for (size_t i = 0; i < k->nargs; i++)
		streams |= k->args[i].aq == PQ_AQ_STREAM;
	if (streams)
		ret = hl_widths(&c, idx, src, argv, argc, k);
out:
	if (c.tu)
		clang_disposeTranslationUnit(c.tu);
	clang_disposeIndex(idx);
	return ret;
}
