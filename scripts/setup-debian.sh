#!/bin/sh
# Installs every build and run dependency of Sightline from Debian 12 packages.
# Non-interactive and idempotent: when everything is present it only runs dpkg-query and exits.
set -eu

PACKAGES="
  build-essential cmake pkg-config git
  libgtest-dev libgmock-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev ffmpeg
  libexiv2-dev
  libheif-dev
  libsqlite3-dev sqlite3
  libsodium-dev
  libssl-dev openssl
  libzip-dev zip unzip zlib1g-dev
  nlohmann-json3-dev
  libimage-exiftool-perl
  libopencv-dev
  libfaiss-dev
  libchromaprint-dev
  libfftw3-dev
  libgeographiclib-dev
  libexpat1-dev
  libtesseract-dev tesseract-ocr-eng tesseract-ocr-ukr tesseract-ocr-rus
  fonts-dejavu-core
  opencv-data
  yt-dlp
  chromium
  jq
  libcpp-httplib-dev
  libpqxx-dev postgresql
  libcurl4-openssl-dev
  nodejs
"

# `--fuzz` (make fuzz-smoke) adds clang and its sanitizer and libFuzzer runtimes; `make
# check-sanitize` needs nothing beyond the default set (GCC's ASan and UBSan).
if [ "${1:-}" = "--fuzz" ]; then
  PACKAGES="$PACKAGES clang-14 libclang-rt-14-dev libomp-14-dev"
fi

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    "install ok installed") ;;
    *) missing="$missing $p" ;;
  esac
done

# npm comes with some builds of the nodejs package and is Debian's own package otherwise.
if ! command -v npm >/dev/null 2>&1; then
  missing="$missing npm"
fi

if [ -z "$missing" ]; then
  exit 0
fi

echo "setup-debian: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "setup-debian: need root (or sudo) to install:$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
