#!/usr/bin/env bash
# Reproduces the logic of the published "Heal lost command" runbook (run once, by
# hand), for comparison with `kubectl akash manifests heal` in `make bench`. This is
# kubectl-akash's own re-creation of that runbook's steps, defects kept (containers[0],
# an index lookup without a guard):
#   1. back up the manifests, providerhosts and providerleasedips of namespace lease
#      as YAML;
#   2. for each Deployment whose rollout is unfinished (`kubectl rollout status
#      --timeout=10s` fails), take the command from the first revision in
#      `kubectl rollout history` that had one;
#   3. find the service's index by name in the lease's Manifest and
#      `kubectl patch --type=json` add /spec/group/services/<i>/command;
#   4. restart the provider pod.
# The StatefulSet variant is left out: the bench's leases have no StatefulSets.
# With DRY_RUN=1 (what the bench uses) the patch and the restart are printed
# instead of sent, like the plugin's --dry-run=client.
#
# Environment: KUBECTL (default kubectl), KUBECONFIG, DRY_RUN, BACKUP_DIR (default .).
set -u
KUBECTL=${KUBECTL:-kubectl}
LABEL=akash.network/manifest-service
BACKUP_DIR=${BACKUP_DIR:-.}

for kind in manifests providerhosts providerleasedips; do
  "$KUBECTL" -n lease get "$kind" -o yaml >"$BACKUP_DIR/$kind-backup.yaml"
done

"$KUBECTL" get deployments -A -l "$LABEL" -o json |
  jq -r '.items[] | "\(.metadata.namespace) \(.metadata.name) \(.metadata.labels["akash.network/manifest-service"])"' |
  while read -r ns deploy service; do
    if "$KUBECTL" -n "$ns" rollout status "deployment/$deploy" --timeout=10s >/dev/null 2>&1; then
      continue
    fi
    command=""
    for rev in $("$KUBECTL" -n "$ns" rollout history "deployment/$deploy" | awk 'NR > 2 && $1 ~ /^[0-9]+$/ {print $1}'); do
      command=$("$KUBECTL" -n "$ns" rollout history "deployment/$deploy" --revision="$rev" -o json |
        jq -c '.spec.template.spec.containers[0].command // empty')
      [ -n "$command" ] && break
    done
    if [ -z "$command" ]; then
      continue
    fi
    index=$("$KUBECTL" -n lease get manifest "$ns" -o json |
      jq --arg s "$service" '[.spec.group.services[].name] | index($s)')
    patch="[{\"op\":\"add\",\"path\":\"/spec/group/services/$index/command\",\"value\":$command}]"
    if [ "${DRY_RUN:-}" = 1 ]; then
      echo "would patch manifest lease/$ns: $patch"
    else
      "$KUBECTL" -n lease patch manifest "$ns" --type=json -p "$patch"
    fi
  done

if [ "${DRY_RUN:-}" = 1 ]; then
  echo "would restart the akash-provider pod"
else
  "$KUBECTL" -n akash-services delete pod -l app=akash-provider
fi
