#!/bin/sh
# pynqfs-xclbin: inspect real and packed xclbins, pack errors.
. "$(dirname "$0")/../misc.sh"
tmp=$WORK

if [ -f "$FIXTURES/pynq-default.xclbin" ]; then
	out=$("$PYNQFS_XCLBIN" inspect "$FIXTURES/pynq-default.xclbin")
	ok $? "inspect the PYNQ fixture"
	echo "$out" | grep -qx 'PSDDR                : Memory 512 GiB'
	ok $? "inspect shows the PSDDR bank of 512 GiB"
else
	skip "no ../shared/fixtures" "inspect the PYNQ fixture"
fi

out=$("$PYNQFS_XCLBIN" inspect "$DESIGNS/vadd.xclbin")
echo "$out" | grep -qx 'vadd_1               : vadd(const int\* in1, const int\* in2, int\* out_r, unsigned int size)'
ok $? "inspect vadd shows vadd_1 with its signature"
echo "$out" | grep -q '^bank2' 
[ $? -ne 0 ]
ok $? "unused banks are not listed"

head -c 1000 "$DESIGNS/vadd.xclbin" >"$tmp/cut.xclbin"
out=$("$PYNQFS_XCLBIN" inspect "$tmp/cut.xclbin" 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'truncated'
ok $? "inspect a truncated xclbin fails and says so ($out)"

"$PYNQFS_XCLBIN" inspect "$tmp/none.xclbin" >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "inspect a missing file fails"

printf 'project = "x";\nbanks = ( { tag = "b"; size = "1000"; } );\n' >"$tmp/bad.cfg"
out=$("$PYNQFS_XCLBIN" pack "$tmp/bad.cfg" -o "$tmp/bad.xclbin" 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "bad.cfg:2:.*multiple of 1K" && [ ! -e "$tmp/bad.xclbin" ]
ok $? "pack refuses a bad description with file:line and writes nothing ($out)"

# 2^54 K is 2^64 bytes: shifted, it would wrap to 0 and pass as a size.
printf 'project = "x";\nbanks = ( { tag = "b"; size = "18014398509481984K"; } );\n' >"$tmp/big.cfg"
out=$("$PYNQFS_XCLBIN" pack "$tmp/big.cfg" -o "$tmp/big.xclbin" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "big.cfg:2:.*too large" && [ ! -e "$tmp/big.xclbin" ]
ok $? "a size whose K/M/G/T suffix overflows 64 bits is refused ($out)"

printf 'project = "x"\nbanks = (' >"$tmp/syntax.cfg"
out=$("$PYNQFS_XCLBIN" pack "$tmp/syntax.cfg" -o "$tmp/s.xclbin" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "syntax.cfg:[0-9]*: syntax error"
ok $? "pack reports a libconfig syntax error with its line ($out)"

"$PYNQFS_XCLBIN" pack "$PYNQFS_SRC/examples/designs/vadd.cfg" -o "$tmp/vadd.xclbin" &&
	cmp -s "$tmp/vadd.xclbin" "$DESIGNS/vadd.xclbin"
ok $? "pack is deterministic: same description, same bytes"

"$PYNQFS_XCLBIN" --version | grep -q '^pynqfs-xclbin [0-9]'
ok $? "--version"
"$PYNQFS_XCLBIN" bogus >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "unknown command exits 2 with usage"

done_testing
