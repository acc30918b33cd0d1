#!/bin/sh
# Install the Debian packages pynqfs needs, if any are missing. Idempotent:
# with everything present it only checks, and says so. The Slurm packages
# are for one test (tests/contrib/01-slurm.t), which skips, saying so, when
# they can't be installed.
set -eu

PKGS="meson ninja-build pkg-config gcc g++ libc6-dev \
libfuse3-dev fuse3 libconfig-dev libxml2-dev libffi-dev libxrt-dev libxrt1 uuid-dev \
perl python3 attr util-linux clang-format scdoc man-db clang libclang-rt-14-dev \
libclang-dev binutils make python3-numpy python3-pytest"
OPTIONAL="slurmctld slurmd slurm-client munge"

missing_of() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf ' %s' "$p"
	done
}
# shellcheck disable=SC2086
missing=$(missing_of $PKGS)
# shellcheck disable=SC2086
optional=$(missing_of $OPTIONAL)
if [ -z "$missing$optional" ]; then
	echo "deps: all Debian packages present"
	exit 0
fi
echo "deps: installing:$missing$optional"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install packages (sudo $0)" >&2
	[ -z "$missing" ] && exit 0
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Another apt (unattended-upgrades at boot) may hold dpkg's lock: wait for
# it, up to 10 minutes, rather than fail with 100.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get update -qq
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	apt_get install -y -qq --no-install-recommends $missing
fi
if [ -n "$optional" ]; then
	# shellcheck disable=SC2086
	apt_get install -y -qq --no-install-recommends $optional ||
		echo "deps: could not install$optional: the Slurm test will be skipped" >&2
fi
