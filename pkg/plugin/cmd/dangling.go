package cmd

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leaseclose"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// DanglingOptions are the options of `kubectl akash dangling`.
type DanglingOptions struct {
	*Globals
	Output     *output.Flags
	Exec       *execute.Options
	Chain      chainOptions
	Schedule   scheduleOptions
	API        string
	APITimeout time.Duration
	Provider   string
	Close      bool
	BackupDir  string
}

// NewDanglingCmd builds `kubectl akash dangling`.
func NewDanglingCmd(g *Globals) *cobra.Command {
	o := &DanglingOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Chain: newChainOptions(), APITimeout: 30 * time.Second, BackupDir: "."}
	cmd := &cobra.Command{
		Use:     "dangling",
		Short:   "Find leases the chain and the cluster disagree on, both ways, and clean them up",
		GroupID: groupLeases,
		Long: templates.LongDesc(`
			Compare the provider's open leases on chain (active, insufficient_funds,
			reclaiming; every group and order) with the leases in the cluster (lease
			namespaces and Manifests):

			* in the cluster but not open on chain — the provider runs it for free
			  (leases closed by escrow depletion never reach the provider);
			* open on chain but not in the cluster — the tenant pays for nothing.

			The chain is read through the chain's REST API (--api URL; market v1beta5,
			falling back to v1beta4) or, by default, with provider-services inside the
			akash-provider pod. A lease whose chain state cannot be read is "unknown"
			and is never acted on; one the chain does not know is reported, not deleted.

			With --close: a lease closed on chain loses what the provider's own teardown
			removes (namespace, Manifest, ProviderHosts, ProviderLeasedIPs, after a
			backup); an open lease with nothing in the cluster gets its bid closed.

			Exit codes: 0 nothing dangles; 3 something dangles (report mode); 1 error or
			a failed clean-up.`),
		Example: templates.Examples(`
			kubectl akash dangling --api https://api.akashnet.example
			kubectl akash dangling --close --dry-run=client
			kubectl akash dangling --close --yes --backup-dir /var/backups/akash`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Exec.Complete(cmd); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			if o.Schedule.Enabled(cmd) {
				return o.Schedule.Print(o.Globals, cmd, o.Output, "dangling", danglingRules(g, o))
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.Chain.AddFlags(cmd)
	o.Schedule.AddFlags(cmd)
	cmd.Flags().StringVar(&o.API, "api", "", "The chain's REST API (e.g. https://api.example:443); default: provider-services in the akash-provider pod.")
	cmd.Flags().DurationVar(&o.APITimeout, "api-timeout", o.APITimeout, "Timeout of each request to --api.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "The provider's address; default: the one on the cluster's leases.")
	cmd.Flags().BoolVar(&o.Close, "close", false, "Clean up what dangles (plan printed first; --yes or an interactive y).")
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory for the backup written before deleting lease objects.")
	return cmd
}

// Validate checks flags without I/O.
func (o *DanglingOptions) Validate() error {
	if err := firstError(o.Output.Validate, o.Exec.Validate, o.Chain.Validate); err != nil {
		return err
	}
	if o.Provider != "" {
		var err error
		if o.Provider, err = akash.NormalizeAddress(o.Provider); err != nil {
			return fmt.Errorf("--provider: %w", err)
		}
	}
	if o.API != "" {
		u, err := url.Parse(o.API)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--api %q: want the chain's REST address, like https://api.example:443", o.API)
		}
	}
	if o.APITimeout <= 0 {
		return fmt.Errorf("--api-timeout must be positive, got %s", o.APITimeout)
	}
	if !o.Close && o.Exec.DryRun != cmdutil.DryRunNone {
		return fmt.Errorf("--dry-run rehearses --close: add --close, or drop --dry-run to only report")
	}
	return nil
}

// Run reads the cluster once and the chain once, reconciles, and reports or
// cleans up.
func (o *DanglingOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	// The provider pod reads the chain (no --api) and signs the bid closes,
	// unless --via-cli does both here.
	needPod := (o.API == "" || o.Close) && o.Chain.wantsProviderPods()
	snap, err := snapshot.Load(ctx, clients, snapshot.Spec{
		LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace,
		Manifests: true, ProviderHosts: true, ProviderLeasedIPs: true, LeaseNamespaces: true, Pods: true, ProviderPods: needPod,
		Backup: o.Close,
	})
	if err != nil {
		return err
	}
	provider, err := o.provider(snap)
	if err != nil {
		return err
	}
	source, err := o.source(clients, snap)
	if err != nil {
		return err
	}
	view, err := readChain(ctx, source, provider, dangling.InCluster(snap, provider))
	if err != nil {
		return err
	}
	opts := dangling.Options{Provider: provider, LeaseNamespace: o.LeaseNamespace}
	if o.Close {
		opts.CloseBid = func(id akash.LeaseID) *execute.Action {
			return &execute.Action{Verb: chain.VerbCloseBid, Target: leaseclose.Target(id), Outcome: execute.Outcome{Result: execute.Planned}}
		}
	}
	items := dangling.Reconcile(snap, view, opts)
	if len(items) == 0 {
		if o.Output.Human() {
			fmt.Fprintf(o.Streams.ErrOut, "Nothing dangles: the %d open lease(s) on chain for %s match the cluster.\n", len(view.Open), provider)
			return nil
		}
		return o.Output.Print(o.Streams.Out, dangling.NewList(items), nil)
	}
	if !o.Close {
		if err := o.Output.Print(o.Streams.Out, dangling.NewList(items), func() *output.Table { return dangling.Table(items) }); err != nil {
			return err
		}
		return cli.Silent(cli.ExitFindings)
	}
	return o.clean(ctx, clients, snap, items)
}

// clean runs the plan → confirm → execute flow: the backup, then the
// Kubernetes deletes, then the bid closes one transaction at a time.
func (o *DanglingOptions) clean(ctx context.Context, clients *cli.Clients, snap *snapshot.Snapshot, items []dangling.DanglingLease) error {
	var deletes, closes, all []*execute.Action
	for i := range items {
		for _, a := range items[i].Status.Actions {
			all = append(all, a)
			if a.Verb == chain.VerbCloseBid {
				closes = append(closes, a)
			} else {
				deletes = append(deletes, a)
			}
		}
	}
	var b *chain.Broadcaster
	if len(closes) > 0 {
		r, _, err := o.Chain.runner(o.Globals, clients, snap)
		if err != nil {
			return err
		}
		b = chain.NewBroadcaster(r, o.Exec.DryRun)
		b.BlockTime = o.Chain.BlockTime
	}
	executor := o.Exec.NewExecutor(clients.Dynamic)
	flow := &execute.Flow{
		Options: o.Exec, Streams: o.Streams, Output: o.Output,
		Result:   dangling.NewList(items),
		Table:    func() *output.Table { return dangling.Table(items) },
		Actions:  all,
		Question: fmt.Sprintf("Delete %d object(s) of leases closed on chain (a backup is written first) and close %d bid(s).", len(deletes), len(closes)),
		Execute: func(ctx context.Context, _ []*execute.Action) int {
			if len(deletes) > 0 && o.Exec.DryRun == cmdutil.DryRunNone && !backupOrSkip(o.Globals, o.BackupDir, snap, all) {
				return len(all)
			}
			failed := executor.ApplyAll(ctx, deletes)
			for i := range items {
				for _, a := range items[i].Status.Actions {
					if a.Verb != chain.VerbCloseBid || a.Result != execute.Planned {
						continue
					}
					res := b.CloseBid(ctx, chain.CloseBid{ID: items[i].Spec.LeaseID, Reason: o.Chain.Reason})
					a.Outcome = res.Outcome
					if a.Result.Failure() {
						failed++
					}
				}
			}
			return failed
		},
	}
	return flow.Run(ctx)
}

// provider is --provider, or the single provider of the cluster's leases.
func (o *DanglingOptions) provider(snap *snapshot.Snapshot) (string, error) {
	if o.Provider != "" {
		return o.Provider, nil
	}
	seen := map[string]bool{}
	for _, id := range snap.LeaseByNamespace() {
		seen[id.Provider] = true
	}
	switch len(seen) {
	case 1:
		for p := range seen {
			return p, nil
		}
	case 0:
		return "", fmt.Errorf("no lease in the cluster names the provider: pass --provider akash1...")
	}
	var all []string
	for p := range seen {
		all = append(all, p)
	}
	sort.Strings(all)
	return "", fmt.Errorf("the cluster's leases name %d providers (%v): pass --provider", len(all), all)
}

// source is the chain REST API with --api, or provider-services where the
// provider's key and node settings are.
func (o *DanglingOptions) source(clients *cli.Clients, snap *snapshot.Snapshot) (chain.LeaseSource, error) {
	if o.API != "" {
		return &chain.REST{Base: o.API, Client: &http.Client{Timeout: o.APITimeout}}, nil
	}
	r, where, err := o.Chain.runner(o.Globals, clients, snap)
	if err != nil {
		return nil, fmt.Errorf("reading the chain needs --api URL or the akash-provider pod: %w", err)
	}
	return &chain.CLISource{Runner: r, Where: where}, nil
}

// chainLookups is how many single-lease chain lookups run at once.
const chainLookups = 8

// readChain lists the open leases (any error stops everything: nothing is
// judged against a partial view) and looks up each in-cluster lease that is
// not open, a few at a time (each is a provider-services run or a request);
// a failed lookup makes that lease unknown.
func readChain(ctx context.Context, src chain.LeaseSource, provider string, inCluster map[akash.LeaseID]string) (dangling.ChainView, error) {
	open, err := src.OpenLeases(ctx, provider)
	if err != nil {
		return dangling.ChainView{}, fmt.Errorf("cannot read the open leases from the chain (%s), so nothing is judged: %w", src.Describe(), err)
	}
	view := dangling.ChainView{Open: open, Lookups: map[akash.LeaseID]chain.LeaseState{}, Errors: map[akash.LeaseID]error{}}
	isOpen := map[akash.LeaseID]bool{}
	for _, l := range open {
		isOpen[l.ID] = true
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(chainLookups)
	for id := range inCluster {
		if isOpen[id] {
			continue
		}
		g.Go(func() error {
			st, err := src.Lease(gctx, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				view.Errors[id] = err
			} else {
				view.Lookups[id] = st
			}
			return nil
		})
	}
	_ = g.Wait() // lookups fail one lease at a time, never the whole view
	return view, nil
}

// danglingRules are the calls a scheduled dangling makes: reads of lease
// namespaces, lease CRs, pods and the provider pod (exec for the chain).
// A schedule never closes (see scheduleOptions.Print).
func danglingRules(g *Globals, o *DanglingOptions) []schedule.Rule {
	rules := []schedule.Rule{
		{APIGroups: []string{""}, Resources: []string{"namespaces", "pods"}, Verbs: []string{"list"}},
		{Namespace: g.LeaseNamespace, APIGroups: []string{"akash.network"}, Resources: []string{"manifests", "providerhosts", "providerleasedips"}, Verbs: []string{"list"}},
	}
	if o.API == "" {
		rules = append(rules,
			schedule.Rule{Namespace: g.ProviderNamespace, APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}},
			schedule.Rule{Namespace: g.ProviderNamespace, APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create", "get"}})
	}
	return rules
}
