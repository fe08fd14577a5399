package dangling

import (
	"context"
	"fmt"
	"io"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leaseclose"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Check is one run of `kubectl akash dangling`: where the chain is read,
// whose leases, and — with Close — how what dangles is cleaned up.
type Check struct {
	LeaseNamespace, ProviderNamespace string
	ChunkSize                         int64
	// Provider is whose leases; "" is the one the cluster's leases name.
	Provider string
	// API, when set, is the chain's REST API; otherwise the chain is read
	// with Signer's CLI.
	API chain.LeaseSource
	// Signer reads the chain without API, and signs the bid closes.
	Signer *leaseclose.Signer
	Reason uint32
	// MinAge is how old an open lease with nothing in the cluster must be
	// (on the chain's clock) before its bid is closed.
	MinAge time.Duration
	// Close plans the clean-up; without it, the check only reports.
	Close bool
}

// Found is what a check found.
type Found struct {
	Items    []DanglingLease
	Provider string
	// Open is how many leases the chain says are open for Provider.
	Open int
}

// Spec is the one read of the cluster: the lease namespaces and their
// pods, the lease CRs (kept as stored for the backup when closing), and
// the provider pods when provider-services in the pod reads the chain (no
// API) or signs the bid closes.
func (c *Check) Spec() snapshot.Spec {
	return snapshot.Spec{
		LeaseNamespace: c.LeaseNamespace, ProviderNamespace: c.ProviderNamespace, ChunkSize: c.ChunkSize,
		Manifests: true, ProviderHosts: true, ProviderLeasedIPs: true, LeaseNamespaces: true, Pods: true,
		ProviderPods: (c.API == nil || c.Close) && c.Signer.InPod(),
		Backup:       c.Close,
	}
}

// Find reads the chain once, a few single-lease look-ups at most, and
// reconciles it with snap. Undecodable Manifests are warnings on errOut,
// and refuse Close: their leases would look like they have nothing in the
// cluster, and their bids would be closed.
func (c *Check) Find(ctx context.Context, clients *cli.Clients, snap *snapshot.Snapshot, errOut io.Writer) (Found, error) {
	for _, err := range snap.ManifestErrors {
		fmt.Fprintf(errOut, "warning: %v\n", err)
	}
	if n := len(snap.ManifestErrors); n > 0 && c.Close {
		return Found{}, fmt.Errorf("--close is refused while %d Manifest(s) cannot be decoded (named above): their leases would look like they have nothing in the cluster, and their bids would be closed; fix or remove them first", n)
	}
	provider := c.Provider
	if provider == "" {
		var err error
		if provider, err = InferProvider(snap); err != nil {
			return Found{}, err
		}
	}
	source, err := c.source(ctx, clients, snap)
	if err != nil {
		return Found{}, err
	}
	inCluster := InCluster(snap, provider)
	view, err := ReadChain(ctx, source, provider, inCluster)
	if err != nil {
		return Found{}, err
	}
	ReadAges(ctx, source, &view, inCluster)
	now := time.Now()
	for _, l := range view.Open {
		if _, ok := inCluster[l.ID]; ok && l.Reclamation.Started() {
			fmt.Fprintf(errOut, "Lease %s is %s: the provider serves it until then, and nothing is done to it.\n", l.ID, l.Reclamation.Describe(now))
		}
	}
	cliInUse := c.Signer.CLI
	opts := Options{Provider: provider, LeaseNamespace: c.LeaseNamespace, MinAge: c.MinAge, Now: now,
		ReclaimHint: func(id akash.LeaseID) string { return chain.StartReclaimHint(cliInUse, id) }}
	if c.Close {
		opts.CloseBid = func(id akash.LeaseID) *execute.Action {
			a := chain.NewCloseBidAction(id, c.Reason)
			a.Precheck = StillNothingInCluster(clients.Kube, clients.Dynamic, c.LeaseNamespace, id)
			return a
		}
	}
	return Found{Items: Reconcile(snap, view, opts), Provider: provider, Open: len(view.Open)}, nil
}

// Report prints what was found: one sentence on stderr when nothing
// dangles and the output is for people, else the list (exit code 3 when it
// is not empty: something dangles).
func (f Found) Report(streams genericiooptions.IOStreams, out *output.Flags) error {
	switch {
	case len(f.Items) == 0 && out.Human():
		fmt.Fprintf(streams.ErrOut, "Nothing dangles: the %d open lease(s) on chain for %s match the cluster.\n", f.Open, f.Provider)
		return nil
	case len(f.Items) == 0:
		return out.Print(streams.Out, NewList(f.Items), nil)
	}
	if err := out.Print(streams.Out, NewList(f.Items), func() *output.Table { return Table(f.Items) }); err != nil {
		return err
	}
	return cli.Silent(cli.ExitFindings)
}

// source is the chain REST API with API, or the signer's CLI (in the
// provider pod unless --via-cli), where the provider's key and node
// settings are.
func (c *Check) source(ctx context.Context, clients *cli.Clients, snap *snapshot.Snapshot) (chain.LeaseSource, error) {
	if c.API != nil {
		return c.API, nil
	}
	r, where, err := c.Signer.Runner(ctx, clients, snap.ProviderPods, c.ProviderNamespace)
	if err != nil {
		return nil, fmt.Errorf("reading the chain needs --api URL, --via-cli akt|provider-services, or the akash-provider pod: %w", err)
	}
	return chain.Verified{LeaseSource: &chain.CLISource{Runner: r, CLI: c.Signer.CLI, Where: where}}, nil
}

// CleanFlow is the plan → confirm → execute flow of Close: the backup (a
// gate: no delete without it), then each lease's teardown in the
// provider's order, then the bid closes one transaction at a time. A
// lease's teardown stops at its first failure, so a Manifest that
// conflicts keeps its namespace. The caller sets the flow's streams,
// output and blast-radius cap.
func (c *Check) CleanFlow(ctx context.Context, clients *cli.Clients, snap *snapshot.Snapshot, items []DanglingLease, ex *execute.Options, backup *execute.Action) (*execute.Flow, error) {
	plan, deletes, closes := Plan(items, backup)
	engine := ex.NewEngine().
		Register(ex.NewKube(clients.Dynamic, c.LeaseNamespace, c.ProviderNamespace), execute.Delete).
		Register(execute.Local{}, execute.Backup)
	if closes > 0 {
		r, _, err := c.Signer.Runner(ctx, clients, snap.ProviderPods, c.ProviderNamespace)
		if err != nil {
			return nil, err
		}
		engine.Register(chain.TxApplier{B: c.Signer.Broadcaster(r, ex.DryRun)}, chain.VerbCloseBid)
	}
	return &execute.Flow{
		Options:  ex,
		Result:   NewList(items),
		Table:    func() *output.Table { return Table(items) },
		Plan:     plan,
		Engine:   engine,
		Question: fmt.Sprintf("Delete %d object(s) of leases closed on chain (a backup is written first) and close %d bid(s).", deletes, closes),
	}, nil
}
