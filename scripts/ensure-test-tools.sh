#!/usr/bin/env bash
# The browser tests need Debian's Chromium, the kubectl and kustomize tests a real kubectl, the rollout-gate
# test a real Prometheus and promtool (Debian's prometheus package); the agent's data-plane test reads real kernel state with conntrack, iptables, nft and ipvsadm (in a network namespace of its
# own, as root). Install them when missing and we may (root on Debian); otherwise say exactly what to
# install. The data-plane tools only matter as root (the test skips without root), so they never fail this.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
have kubectl || missing+=(kubernetes-client)
{ have prometheus && have promtool; } || missing+=(prometheus)
data_plane=()
have conntrack || data_plane+=(conntrack)
have iptables-save || data_plane+=(iptables)
have nft || data_plane+=(nftables)
have ipvsadm || data_plane+=(ipvsadm)
[ ${#missing[@]} -eq 0 ] && [ ${#data_plane[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} ${data_plane[*]} from Debian's packages" >&2
  apt-get update -qq
  plain=() lean=()
  for p in "${missing[@]}" "${data_plane[@]}"; do [ "$p" = prometheus ] && lean+=("$p") || plain+=("$p"); done
  [ ${#plain[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${plain[@]}" >/dev/null
  # Prometheus recommends its node exporter and collectors (smartmontools, ipmitool, ...): the test needs none.
  [ ${#lean[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
elif [ ${#missing[@]} -gt 0 ]; then
  echo "missing test tools: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]} ${data_plane[*]}" >&2
  exit 1
else
  echo "note: the data-plane test needs root and ${data_plane[*]}; it is skipped here" >&2
fi
