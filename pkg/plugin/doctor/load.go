package doctor

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// LoadOptions say where the provider keeps its objects.
type LoadOptions struct {
	LeaseNamespace, ProviderNamespace string
	ChunkSize                         int64
}

// fields are the snapshot.Spec field of each resource a check may need.
var fields = map[Resource]func(*snapshot.Spec){
	ResManifests:       func(s *snapshot.Spec) { s.Manifests = true },
	ResProviderHosts:   func(s *snapshot.Spec) { s.ProviderHosts = true },
	ResProviderIPs:     func(s *snapshot.Spec) { s.ProviderLeasedIPs = true },
	ResLeaseNamespaces: func(s *snapshot.Spec) { s.LeaseNamespaces = true },
	ResPods:            func(s *snapshot.Spec) { s.Pods = true },
	ResDeployments:     func(s *snapshot.Spec) { s.Deployments = true },
	ResReplicaSets:     func(s *snapshot.Spec) { s.ReplicaSets = true },
	ResStatefulSets:    func(s *snapshot.Spec) { s.StatefulSets = true },
	ResProviderPods:    func(s *snapshot.Spec) { s.ProviderPods = true },
	ResNodes:           func(s *snapshot.Spec) { s.Nodes = true },
	ResAllPods:         func(s *snapshot.Spec) { s.AllPods = true },
}

// ReadSpec is the one read of the resources in need: a snapshot.Spec with
// a field per resource. what names each resource's read (its
// snapshot.Read.What), to find the resource a failed read was.
func ReadSpec(need map[Resource]bool, o LoadOptions) (spec snapshot.Spec, what map[string]Resource) {
	base := snapshot.Spec{LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, ChunkSize: o.ChunkSize}
	spec, what = base, map[string]Resource{}
	for r, set := range fields {
		if !need[r] {
			continue
		}
		set(&spec)
		one := base
		set(&one)
		what[one.Reads()[0].What] = r
	}
	// The ReplicaSets are for the stuck rollouts and the lost commands,
	// which both pass over a Deployment whose rollout is complete: only
	// the namespaces of the others need theirs decoded.
	if spec.Deployments && spec.ReplicaSets {
		spec.ReplicaSetsOf = rollout.RolloutIncomplete
	}
	return spec, what
}

// Load reads every list the checks need in one snapshot read (one LIST,
// per page, per resource, in parallel) in which a resource the user may
// not list (Forbidden) makes only the checks that need it fail, and the
// others still run. The scheduler's events are read too when a Pending
// pod's reason is only there (see rollout.NeedsEvents): at most one LIST
// more.
func Load(ctx context.Context, c *cli.Clients, need map[Resource]bool, o LoadOptions) (*snapshot.Snapshot, map[Resource]error) {
	spec, what := ReadSpec(need, o)
	snap, failed := snapshot.LoadEach(ctx, c, spec)
	errs := map[Resource]error{}
	for w, err := range failed {
		errs[what[w]] = err
	}
	if errs[ResPods] == nil && need[ResDeployments] && rollout.NeedsEvents(snap) {
		if ev, err := snapshot.Load(ctx, c, eventsSpec(o)); err == nil {
			snap.Events = ev.Events
		}
	}
	return snap, errs
}

// eventsSpec is the second read: the scheduler's events.
func eventsSpec(o LoadOptions) snapshot.Spec {
	return snapshot.Spec{ChunkSize: o.ChunkSize, Events: true}
}
