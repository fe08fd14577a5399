package cmd

import (
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
)

// killImageRules are exactly the calls `leases kill-image` makes: its
// reads (readSpec: the Manifests in the lease namespace, the provider pods)
// and exec into the provider pod.
func killImageRules(o *KillImageOptions) []schedule.Rule {
	return schedule.Merge(o.readSpec().Rules(), schedule.PodExec(o.ProviderNamespace))
}
