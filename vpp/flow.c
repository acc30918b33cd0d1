// SPDX-License-Identifier: MIT
/*
 * Which way a kernel's stream args flow, as Vitis HLS decides: read
 * (read, read_nb, empty, >>) or written (write, write_nb, full, <<) by the
 * function, or by the functions it passes the stream to, followed through
 * calls. Which arg types are streams at all.
 */
#define _GNU_SOURCE
#include "flow.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool fl_is(CXString s, const char *want)
{
	bool r = clang_getCString(s) && !strcasecmp(clang_getCString(s), want);

	clang_disposeString(s);
	return r;
}

/* Parameter i of a function or function template definition. */
struct fl_nth {
	unsigned want, seen;
	CXCursor out;
	bool found;
};

static enum CXChildVisitResult fl_nth_param(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct fl_nth *n = data;

	(void)parent;
	if (clang_getCursorKind(cur) == CXCursor_ParmDecl && n->seen++ == n->want) {
		n->out = cur;
		n->found = true;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

static bool fl_param(CXCursor fn, unsigned i, CXCursor *out)
{
	struct fl_nth n = {.want = i};

	clang_visitChildren(fn, fl_nth_param, &n);
	*out = n.out;
	return n.found;
}

/* How fn uses its stream param p in its own body: reads, writes. */
static int fl_stream_tokens(CXTranslationUnit tu, CXCursor fn, CXCursor p)
{
	CXString pn = clang_getCursorSpelling(p);
	const char *name = clang_getCString(pn);
	CXToken *t = NULL;
	unsigned n = 0;
	int dir = 0;

	clang_tokenize(tu, clang_getCursorExtent(fn), &t, &n);
	for (unsigned i = 0; name && *name && i + 1 < n; i++) {
		CXString s;
		bool hit;

		if (clang_getTokenKind(t[i]) != CXToken_Identifier)
			continue;
		s = clang_getTokenSpelling(tu, t[i]);
		hit = !strcmp(clang_getCString(s), name);
		clang_disposeString(s);
		if (!hit)
			continue;
		if (fl_is(clang_getTokenSpelling(tu, t[i + 1]), ">>"))
			dir |= VPP_FLOW_IN;
		else if (fl_is(clang_getTokenSpelling(tu, t[i + 1]), "<<"))
			dir |= VPP_FLOW_OUT;
		else if (i + 2 < n && fl_is(clang_getTokenSpelling(tu, t[i + 1]), ".")) {
			CXString m = clang_getTokenSpelling(tu, t[i + 2]);
			const char *ms = clang_getCString(m);

			if (!strcmp(ms, "read") || !strcmp(ms, "read_nb") || !strcmp(ms, "empty"))
				dir |= VPP_FLOW_IN;
			else if (!strcmp(ms, "write") || !strcmp(ms, "write_nb") ||
				 !strcmp(ms, "full"))
				dir |= VPP_FLOW_OUT;
			clang_disposeString(m);
		}
	}
	clang_disposeTokens(tu, t, n);
	clang_disposeString(pn);
	return dir;
}

/* Does expression e name param p, and nothing else? */
struct fl_ref {
	CXCursor p;
	bool refers;
};

static enum CXChildVisitResult fl_refers(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct fl_ref *r = data;

	(void)parent;
	if (clang_getCursorKind(cur) == CXCursor_DeclRefExpr &&
	    clang_equalCursors(clang_getCursorReferenced(cur), r->p)) {
		r->refers = true;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

static bool fl_names(CXTranslationUnit tu, CXCursor e, CXCursor p)
{
	struct fl_ref r = {.p = p};
	CXToken *t = NULL;
	unsigned n = 0;

	clang_tokenize(tu, clang_getCursorExtent(e), &t, &n);
	clang_disposeTokens(tu, t, n);
	if (n != 1)
		return false;
	if (clang_getCursorKind(e) == CXCursor_DeclRefExpr)
		return clang_equalCursors(clang_getCursorReferenced(e), p);
	clang_visitChildren(e, fl_refers, &r);
	return r.refers;
}

struct fl_flow {
	CXTranslationUnit tu;
	CXCursor p;
	int dir, depth;
};

static int fl_dir(CXTranslationUnit tu, CXCursor fn, CXCursor p, int depth);

/* Calls that pass p on: how the callee uses it. */
static enum CXChildVisitResult fl_calls(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct fl_flow *f = data;
	CXCursor callee, def, q;
	enum CXCursorKind k;
	int n;

	(void)parent;
	if (clang_getCursorKind(cur) != CXCursor_CallExpr)
		return CXChildVisit_Recurse;
	callee = clang_getCursorReferenced(cur);
	k = clang_getCursorKind(callee);
	if (k != CXCursor_FunctionDecl && k != CXCursor_FunctionTemplate)
		return CXChildVisit_Recurse;
	def = clang_getCursorDefinition(callee);
	n = clang_Cursor_getNumArguments(cur);
	if (clang_Cursor_isNull(def))
		return CXChildVisit_Recurse;
	for (int i = 0; i < n; i++) {
		if (fl_names(f->tu, clang_Cursor_getArgument(cur, (unsigned)i), f->p) &&
		    fl_param(def, (unsigned)i, &q))
			f->dir |= fl_dir(f->tu, def, q, f->depth + 1);
	}
	return CXChildVisit_Recurse;
}

static int fl_dir(CXTranslationUnit tu, CXCursor fn, CXCursor p, int depth)
{
	struct fl_flow f = {.tu = tu, .p = p, .depth = depth};

	if (depth > 16) /* recursion: what was found so far */
		return 0;
	f.dir = fl_stream_tokens(tu, fn, p);
	clang_visitChildren(fn, fl_calls, &f);
	return f.dir;
}

/* A pointer to <pynq_stream.h>'s FIFO: struct pynq_stream in C, pynq_stream in C++. */
bool vpp_flow_c_stream(CXType ptr)
{
	CXString s = clang_getTypeSpelling(clang_getCanonicalType(clang_getPointeeType(ptr)));
	const char *n = clang_getCString(s);
	bool r;

	while (n && (!strncmp(n, "const ", 6) || !strncmp(n, "volatile ", 9)))
		n = strchr(n, ' ') + 1;
	r = n && (!strcmp(n, "pynq_stream") || !strcmp(n, "struct pynq_stream"));

	clang_disposeString(s);
	return r;
}

bool vpp_flow_stream_type(CXType t)
{
	CXString s;
	bool r;

	if (t.kind != CXType_LValueReference && t.kind != CXType_RValueReference)
		return false;
	s = clang_getTypeSpelling(clang_getCanonicalType(clang_getPointeeType(t)));
	r = !strncmp(clang_getCString(s), "hls::stream<", 12);
	clang_disposeString(s);
	return r;
}

int vpp_flow_dir(CXTranslationUnit tu, CXCursor fn, CXCursor p)
{
	return fl_dir(tu, fn, p, 0);
}
