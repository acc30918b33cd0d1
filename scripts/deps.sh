#!/bin/sh
# Install the Debian packages pynqfs needs, if any are missing. Idempotent:
# with everything present it only checks, and says so.
set -eu

PKGS="meson ninja-build pkg-config gcc g++ libc6-dev \
libfuse3-dev fuse3 libconfig-dev libxml2-dev libffi-dev libxrt-dev libxrt1 \
perl attr util-linux clang-format scdoc man-db clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all Debian packages present"
	exit 0
fi
echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install packages (sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
