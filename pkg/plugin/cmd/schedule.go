package cmd

import (
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
)

// forceNewRules are exactly the calls `replicasets force-new` makes: its
// reads (readSpec, and eventsSpec when a stuck pod needs its events), a GET
// of the -n namespace, and DELETE of ReplicaSets. Without -n, lease
// workloads live in namespaces created per lease, so the rules are
// cluster-wide.
func forceNewRules(o *ForceNewOptions) []schedule.Rule {
	return schedule.Merge(o.readSpec().Rules(), o.eventsSpec().Rules(), schedule.NamespaceGet(o.namespace),
		[]schedule.Rule{schedule.Writes(o.namespace, "apps", "replicasets", string(execute.Delete))})
}
