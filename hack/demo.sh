#!/usr/bin/env bash
# make demo: bring up the local cluster, seed it like a small Akash provider,
# and show what `kubectl akash` finds there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Only what the cluster runs (the control plane and kwok), not the real node's
# kubelet or the other tools `make test` needs.
KUBECTL_AKASH_TESTBIN=$(hack/testbin.sh etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
export KUBECTL_AKASH_TESTBIN
hack/cluster.sh up
eval "$(hack/cluster.sh env)"
go run ./hack/seed --kubeconfig "$KUBECONFIG"

# Let the controller-manager, scheduler and kwok turn the workloads into pods.
sleep 5

# quote prints an argument as a person would type it in a shell.
quote() {
  case $1 in
    *[!A-Za-z0-9_./=:,@-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
  esac
}
run() { printf '\n$ kubectl akash'; for a in "$@"; do printf ' '; quote "$a"; done; printf '\n'; bin/kubectl-akash "$@"; }
run leases list
run leases list -o wide
run leases list --image 'xmrig|miner'
run leases list --jq '.items[] | "\(.spec.leaseID.owner)/\(.spec.leaseID.dseq) -> \(.metadata.name)"'

# The whole provider in one screen, the chain read from a stand-in on loopback.
chain=127.0.0.1:8555
go run ./hack/seed --serve-chain "$chain" --serve-for 5m & trap 'kill $! 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/${chain%:*}/${chain#*:}") 2>/dev/null && break; sleep 0.2; done
run doctor --no-nodes --api "http://$chain" || true

cat <<EOT

The cluster keeps running. Point kubectl (and kubectl akash) at it with:
  eval "\$(hack/cluster.sh env)"
Stop it with: make cluster-down
EOT
