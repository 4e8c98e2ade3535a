#!/usr/bin/env bash
# Installs the Debian packages the toolkit and its tests need, only those missing.
#   libharfbuzz-subset0  WeasyPrint font subsetting (10x faster PDFs)
#   fonts-dejavu-core    the embedded font (every French character)
#   fonts-hosny-amiri    the embedded Arabic font of the printables (Amiri, 2.5 MB)
#   chromium             real-browser tests (driven by Playwright)
#   zbar-tools, poppler-utils   decode QR codes from rendered PDF pages
#   libreoffice-calc-nogui      check that exports open in LibreOffice
#   libreoffice-writer-nogui    check that the editable report (ODT) opens in LibreOffice
#   iproute2             a laptop on its own LAN address for the end-to-end tests (ip netns)
#   postgresql           the shared instance's database; the tests start their own server (initdb, pg_ctl)
#                        in a temporary folder; its unaccent extension is in the server package
#   redis-server         where the workers of a shared instance count the rate limits together; the tests
#                        start their own server in a temporary folder
set -euo pipefail
packages=(libharfbuzz-subset0 fonts-dejavu-core fonts-hosny-amiri libpango-1.0-0 libpangoft2-1.0-0 chromium zbar-tools poppler-utils libreoffice-calc-nogui libreoffice-writer-nogui iproute2 postgresql redis-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Paquets système manquants (installez-les) : ${missing[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installation des paquets système : ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
