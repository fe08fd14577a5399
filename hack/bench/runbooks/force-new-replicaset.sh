#!/usr/bin/env bash
# Reproduces the logic of the published "Force new ReplicaSet" runbook (a cron job,
# every 5 minutes), for comparison with `kubectl akash replicasets force-new` in
# `make bench`. This is kubectl-akash's own re-creation of that runbook's steps, with
# its defects kept on purpose (it works per namespace, not per Deployment; any
# "Insufficient" text in the namespace triggers it):
#   for every Deployment labelled akash.network/manifest-service:
#     if `kubectl rollout status --timeout=10s` fails and `kubectl describe pods` in its
#     namespace contains "Insufficient": delete every ReplicaSet in the namespace
#     (label akash.network/manifest-service) except the newest by creation time.
# One difference: with DRY_RUN=1 (what the bench uses) the delete is printed
# ("would delete ...") instead of sent, like the plugin's --dry-run=client.
#
# Environment: KUBECTL (default kubectl), KUBECONFIG, DRY_RUN.
set -u # no pipefail: `describe | grep -q` must not fail when grep stops reading early
KUBECTL=${KUBECTL:-kubectl}
LABEL=akash.network/manifest-service

"$KUBECTL" get deployments -A -l "$LABEL" -o json |
  jq -r '.items[] | "\(.metadata.namespace) \(.metadata.name)"' |
  while read -r ns deploy; do
    if "$KUBECTL" -n "$ns" rollout status "deployment/$deploy" --timeout=10s >/dev/null 2>&1; then
      continue
    fi
    if ! "$KUBECTL" -n "$ns" describe pods 2>/dev/null | grep -q "Insufficient"; then
      continue
    fi
    echo "rollout of $ns/$deploy is stuck on insufficient resources"
    # Every ReplicaSet of the namespace, oldest first; all but the newest go.
    "$KUBECTL" -n "$ns" get replicasets -l "$LABEL" --sort-by=.metadata.creationTimestamp \
      -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | head -n -1 |
      while read -r rs; do
        [ -n "$rs" ] || continue
        if [ "${DRY_RUN:-}" = 1 ]; then
          echo "would delete replicaset $ns/$rs"
        else
          "$KUBECTL" -n "$ns" delete replicaset "$rs"
        fi
      done
  done
