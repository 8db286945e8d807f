#!/usr/bin/env bash
# Installs every Debian package sitescreen needs to build, test and run (idempotent; run as root).
set -euo pipefail
PKGS=(build-essential cmake ninja-build pkg-config git
      libgdal-dev gdal-bin libdeflate-dev libproj-dev proj-bin libgeos-dev libboost-dev
      libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libcairo2-dev libpango1.0-dev libssl-dev
      libgtest-dev googletest fonts-noto-cjk fonts-dejavu-core python3 python3-gdal python3-numpy python3-yaml python3-jsonschema libjemalloc-dev
      libcpp-httplib-dev)
# Optional extras: clang for the fuzz targets, chromium for the browser test.
EXTRA=(${SITESCREEN_EXTRA_PACKAGES:-})
missing=()
for p in "${PKGS[@]}" "${EXTRA[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
