#!/usr/bin/env bash
# Installs what the interop tests need besides npm packages: the Debian packages behind
# ../shared/tools/nwb-validate (h5py, zarr-python, numcodecs and HDMF's validator) and hdf5-tools.
# Does nothing when they are already there; needs root (or sudo) and apt-get otherwise.
set -euo pipefail

packages=(python3-hdmf python3-h5py python3-zarr python3-numcodecs python3-fsspec hdf5-tools)

if /usr/bin/python3 -Es -c 'import hdmf, h5py, zarr, numcodecs, fsspec' 2>/dev/null && command -v h5dump >/dev/null; then
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "install-interop-deps: apt-get not found; install ${packages[*]} by hand" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-interop-deps: installing ${packages[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
