#!/bin/sh
# Configure (once) and build a build directory. Usage: build.sh DIR [meson options]
# Re-running is cheap: ninja rebuilds only what changed.
set -eu
cd "$(dirname "$0")/.."
dir=$1
shift
if [ ! -f "$dir/build.ninja" ]; then
	echo "build: meson setup $dir $*"
	meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || {
		cat "$dir.setup.log" >&2
		exit 1
	}
	echo "$*" >"$dir/pynqfs-setup-args"
elif [ "$*" != "$(cat "$dir/pynqfs-setup-args" 2>/dev/null)" ]; then
	# Options changed since this directory was set up (a new one in test.sh).
	echo "build: meson setup --reconfigure $dir $*"
	meson setup --reconfigure "$dir" "$@" >"$dir.setup.log" 2>&1 || {
		cat "$dir.setup.log" >&2
		exit 1
	}
	echo "$*" >"$dir/pynqfs-setup-args"
fi
echo "build: ninja -C $dir"
ninja -C "$dir" | grep -v '^\[' || true
# ninja's status is lost in the pipe: check the outputs are current.
ninja -C "$dir" -n | grep -q 'no work to do'
