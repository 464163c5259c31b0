#!/usr/bin/env bash
# Brings a fresh Debian 12 machine (as root) to what the project needs, and does nothing
# that is already done: Debian packages, a running Docker Engine, node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '%s %s\n' "$(date +%T)" "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: the plugin and the lab create network namespaces, bridges and iptables rules"
command -v apt-get >/dev/null || die "apt-get not found: the setup expects Debian 12 (bookworm)"

# iproute2/iptables/util-linux: the plugin's datapath; containernetworking-plugins: the
# reference bridge + host-local; nmap: nping; jsonnet: config templates; docker.io and
# mmdebstrap: the lab's nodes; chromium: screenshots of the reports; openssh-server/-client:
# the SSH node transport's tests start their own sshd on loopback; qemu-system-x86,
# qemu-utils, e2fsprogs, xz-utils: the qemu provider's VMs, their disks and kernel.
PACKAGES=(iproute2 iptables util-linux containernetworking-plugins nmap jsonnet docker.io mmdebstrap chromium openssh-server openssh-client qemu-system-x86 qemu-utils e2fsprogs xz-utils)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  step "starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/dockerd-cni-lab.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || die "dockerd did not start: see /var/log/dockerd-cni-lab.log"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages"
  npm ci --no-audit --no-fund >/dev/null
fi
step "bootstrap done"
