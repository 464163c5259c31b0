#!/usr/bin/env bash
# The lab: ./cluster.sh up|down|status [options]; `./cluster.sh --help` lists them.
# A thin wrapper over the harness CLI (harness/cli), which does all the work.
set -euo pipefail
exec node "$(dirname "$(readlink -f "$0")")/harness/bin/cni-lab.js" cluster "$@"
