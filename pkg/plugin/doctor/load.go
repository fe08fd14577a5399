package doctor

import (
	"context"
	"sync"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// LoadOptions say where the provider keeps its objects.
type LoadOptions struct {
	LeaseNamespace, ProviderNamespace string
	ChunkSize                         int64
}

// Load reads, in parallel, every list the checks need: one LIST (per
// page) per resource, the same requests snapshot.Load makes, but each
// resource on its own so that one the user may not list (Forbidden) makes
// only the checks that need it fail, and the others still run. The
// scheduler's events are read too when a Pending pod's reason is only
// there (see rollout.NeedsEvents): at most one LIST more.
func Load(ctx context.Context, c *cli.Clients, need map[Resource]bool, o LoadOptions) (*snapshot.Snapshot, map[Resource]error) {
	base := snapshot.Spec{LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, ChunkSize: o.ChunkSize}
	one := map[Resource]func(*snapshot.Spec){
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
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	parts := map[Resource]*snapshot.Snapshot{}
	errs := map[Resource]error{}
	for r, set := range one {
		if !need[r] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			spec := base
			set(&spec)
			s, err := snapshot.Load(ctx, c, spec)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[r] = err
				return
			}
			parts[r] = s
		}()
	}
	wg.Wait()
	snap := merge(parts)
	if errs[ResPods] == nil && need[ResDeployments] && rollout.NeedsEvents(snap) {
		if ev, err := snapshot.Load(ctx, c, snapshot.Spec{ChunkSize: o.ChunkSize, Events: true}); err == nil {
			snap.Events = ev.Events
		}
	}
	return snap, errs
}

// merge joins the one-resource snapshots into one.
func merge(parts map[Resource]*snapshot.Snapshot) *snapshot.Snapshot {
	s := &snapshot.Snapshot{}
	for _, p := range parts {
		s.Manifests = append(s.Manifests, p.Manifests...)
		s.ManifestErrors = append(s.ManifestErrors, p.ManifestErrors...)
		s.ProviderHosts = append(s.ProviderHosts, p.ProviderHosts...)
		s.ProviderLeasedIPs = append(s.ProviderLeasedIPs, p.ProviderLeasedIPs...)
		s.Namespaces = append(s.Namespaces, p.Namespaces...)
		s.Pods = append(s.Pods, p.Pods...)
		s.Deployments = append(s.Deployments, p.Deployments...)
		s.ReplicaSets = append(s.ReplicaSets, p.ReplicaSets...)
		s.StatefulSets = append(s.StatefulSets, p.StatefulSets...)
		s.ProviderPods = append(s.ProviderPods, p.ProviderPods...)
		s.Nodes = append(s.Nodes, p.Nodes...)
	}
	return s
}
