#!/usr/bin/env bash
# The browser tests need Debian's Chromium and the kubectl test a real kubectl; the agent's data-plane
# test reads real kernel state with conntrack, iptables, nft and ipvsadm (in a network namespace of its
# own, as root). Install them when missing and we may (root on Debian); otherwise say exactly what to
# install. The data-plane tools only matter as root (the test skips without root), so they never fail this.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
have kubectl || missing+=(kubernetes-client)
data_plane=()
have conntrack || data_plane+=(conntrack)
have iptables-save || data_plane+=(iptables)
have nft || data_plane+=(nftables)
have ipvsadm || data_plane+=(ipvsadm)
[ ${#missing[@]} -eq 0 ] && [ ${#data_plane[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} ${data_plane[*]} from Debian's packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" "${data_plane[@]}" >/dev/null
elif [ ${#missing[@]} -gt 0 ]; then
  echo "missing test tools: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]} ${data_plane[*]}" >&2
  exit 1
else
  echo "note: the data-plane test needs root and ${data_plane[*]}; it is skipped here" >&2
fi
