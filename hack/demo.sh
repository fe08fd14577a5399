#!/usr/bin/env bash
# make demo: bring up the local cluster, seed it like a small Akash provider,
# and show what `kubectl akash` finds there.
set -euo pipefail
cd "$(dirname "$0")/.."

hack/cluster.sh up
eval "$(hack/cluster.sh env)"
go run ./hack/seed --kubeconfig "$KUBECONFIG"

# Let the controller-manager, scheduler and kwok turn the workloads into pods.
sleep 5

run() { printf '\n$ kubectl akash'; printf ' %q' "$@"; printf '\n'; bin/kubectl-akash "$@"; }
run leases list
run leases list -o wide
run leases list --image 'xmrig|miner'
run leases list --jq '.items[] | "\(.spec.leaseID.owner)/\(.spec.leaseID.dseq) -> \(.metadata.name)"'

cat <<EOT

The cluster keeps running. Point kubectl (and kubectl akash) at it with:
  eval "\$(hack/cluster.sh env)"
Stop it with: make cluster-down
EOT
