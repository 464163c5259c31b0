#!/usr/bin/env bash
# The plugin on every node: ./plugin.sh install|uninstall [options]; `./plugin.sh --help` lists them.
#   ./plugin.sh install                       dist/my-cni-plugin + my-cni-plugin.conf.jsonnet, rendered per node
#   ./plugin.sh install --plugin /usr/lib/cni/bridge --config harness/install/templates/reference-bridge.conf.jsonnet
#   ./plugin.sh uninstall [--purge]           --purge also removes the bridge, iptables rules and IPAM store
# A thin wrapper over the harness CLI (harness/cli), which does all the work.
set -euo pipefail
exec node "$(dirname "$(readlink -f "$0")")/harness/bin/cni-lab.js" plugin "$@"
