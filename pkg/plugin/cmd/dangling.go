package cmd

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
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
	// MinAge is how old an open lease with nothing in the cluster must be
	// (on the chain's clock) before its bid is closed.
	MinAge time.Duration
	// InsecureAPI allows --api over plain HTTP to a host other than loopback.
	InsecureAPI bool
	// ChunkSize pages the cluster's LISTs.
	ChunkSize int64
}

// NewDanglingCmd builds `kubectl akash dangling`.
func NewDanglingCmd(g *Globals) *cobra.Command {
	o := &DanglingOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Chain: newChainOptions(), APITimeout: 30 * time.Second, BackupDir: ".", MinAge: 15 * time.Minute}
	cmd := &cobra.Command{
		Use:     "dangling",
		Short:   "Find leases the chain and the cluster disagree on, both ways, and clean them up",
		GroupID: groupLeases,
		Long: longDesc(`
			Compare the provider's open leases on chain (active, insufficient_funds,
			reclaiming; every group and order) with the leases in the cluster (lease
			namespaces and Manifests):

			* in the cluster but not open on chain — the provider runs it for free
			  (leases closed by escrow depletion never reach the provider);
			* open on chain but not in the cluster — the tenant pays for nothing.

			The chain is read through the chain's REST API (--api URL; market v1beta5,
			falling back to v1beta4), through a local CLI (--via-cli PATH: akt, with
			"akt query market lease --by provider ADDR STATE -o json", or provider-services;
			which one is detected from its version output), or, by default, with
			provider-services inside the akash-provider pod. Bid closes are signed by the
			same CLI; prefer akt with a dedicated key (see leases close --help: in-pod
			transactions collide with the provider's own account sequence). Block times
			come only from --api, so without it no bid is closed (a lease's age is
			unknown); --api and --via-cli together read with one and sign with the other.

			Reclamation (2026 chains): a lease that is reclaiming stays open until its
			deadline and is never torn down; its deadline is shown (CHAIN STATE, and
			spec.reclamation in -o json|yaml). An open lease with nothing in the cluster
			whose reclamation window has not run out is not closed (the chain refuses an
			early close); the report names the command that starts reclaiming it.

			A lease whose chain state cannot be read is "unknown" and is never acted on;
			one the chain does not know is reported, not deleted.

			With --close: a lease closed on chain loses what the provider's own teardown
			removes (namespace, Manifest, ProviderHosts, ProviderLeasedIPs, after a
			backup); an open lease with nothing in the cluster gets its bid closed once it
			is older than --min-age on the chain's clock (a lease just won has nothing in
			the cluster until its tenant sends the manifest), and only if the cluster
			still has nothing of it right before the close. A namespace is deleted only
			when it is the lease's own (its name is the lease ID's hash and it carries that
			lease's labels). --close is refused while any Manifest cannot be decoded, and
			acts on at most --max-leases leases.

			Exit codes: 0 nothing dangles; 3 something dangles (report mode); 1 error or
			a failed clean-up.`),
		Example: examples(`
			kubectl akash dangling --api https://api.akashnet.example
			kubectl akash dangling --close --dry-run=client
			kubectl akash dangling --close --yes --backup-dir /var/backups/akash`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Exec.Complete(cmd); err != nil {
				return err
			}
			o.Chain.Complete(cmd)
			if err := o.Validate(); err != nil {
				return err
			}
			if o.Schedule.Enabled(cmd) {
				return o.Schedule.Print(o.Globals, cmd, o.Output, "dangling", danglingRules(o))
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.Chain.AddFlags(cmd)
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	o.Schedule.AddFlags(cmd)
	cmd.Flags().StringVar(&o.API, "api", "", "The chain's REST API (e.g. https://api.example:443); default: provider-services in the akash-provider pod.")
	cmd.Flags().DurationVar(&o.APITimeout, "api-timeout", o.APITimeout, "Timeout of each request to --api.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "The provider's address; default: the one on the cluster's leases.")
	cmd.Flags().BoolVar(&o.Close, "close", false, "Clean up what dangles (plan printed first; --yes or an interactive y).")
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory for the backup written before deleting lease objects.")
	cmd.Flags().DurationVar(&o.MinAge, "min-age", o.MinAge, "Close the bid of an open lease with nothing in the cluster only when it is older than this on the chain's clock.")
	cmd.Flags().BoolVar(&o.InsecureAPI, "insecure-api", false, "Allow --api over plain HTTP to a host other than loopback (answers can then be forged on the way).")
	return cmd
}

// Validate checks flags without I/O.
func (o *DanglingOptions) Validate() error {
	if err := firstError(o.Output.Validate, o.Exec.Validate, o.Chain.Validate, func() error { return output.ValidateChunkSize(o.ChunkSize) }); err != nil {
		return err
	}
	if o.Provider != "" {
		var err error
		if o.Provider, err = akash.NormalizeAddress(o.Provider); err != nil {
			return fmt.Errorf("--provider: %w", err)
		}
	}
	if err := validateChainAPI(o.API, o.InsecureAPI); err != nil {
		return err
	}
	if o.MinAge < 0 {
		return fmt.Errorf("--min-age must not be negative, got %s", o.MinAge)
	}
	if o.APITimeout <= 0 {
		return fmt.Errorf("--api-timeout must be positive, got %s", o.APITimeout)
	}
	if !o.Close && o.Exec.DryRun != cmdutil.DryRunNone {
		return fmt.Errorf("--dry-run rehearses --close: add --close, or drop --dry-run to only report")
	}
	return nil
}

// readSpec is what dangling reads. The provider pod reads the chain (no
// --api) and signs the bid closes, unless --via-cli does both here.
func (o *DanglingOptions) readSpec() snapshot.Spec {
	needPod := (o.API == "" || o.Close) && o.Chain.wantsProviderPods()
	return snapshot.Spec{
		LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, ChunkSize: o.ChunkSize,
		Manifests: true, ProviderHosts: true, ProviderLeasedIPs: true, LeaseNamespaces: true, Pods: true, ProviderPods: needPod,
		Backup: o.Close,
	}
}

// Run reads the cluster once and the chain once, reconciles, and reports or
// cleans up.
func (o *DanglingOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	snap, err := snapshot.Load(ctx, clients, o.readSpec())
	if err != nil {
		return err
	}
	if len(snap.ManifestErrors) > 0 {
		for _, err := range snap.ManifestErrors {
			fmt.Fprintf(o.Streams.ErrOut, "warning: %v\n", err)
		}
		if o.Close {
			return fmt.Errorf("--close is refused while %d Manifest(s) cannot be decoded (named above): their leases would look like they have nothing in the cluster, and their bids would be closed; fix or remove them first", len(snap.ManifestErrors))
		}
	}
	provider := o.Provider
	if provider == "" {
		if provider, err = dangling.InferProvider(snap); err != nil {
			return err
		}
	}
	source, err := o.source(ctx, clients, snap)
	if err != nil {
		return err
	}
	inCluster := dangling.InCluster(snap, provider)
	view, err := dangling.ReadChain(ctx, source, provider, inCluster)
	if err != nil {
		return err
	}
	dangling.ReadAges(ctx, source, &view, inCluster)
	now := time.Now()
	for _, l := range view.Open {
		if _, ok := inCluster[l.ID]; ok && l.Reclamation.Started() {
			fmt.Fprintf(o.Streams.ErrOut, "Lease %s is %s: the provider serves it until then, and nothing is done to it.\n", l.ID, l.Reclamation.Describe(now))
		}
	}
	cliInUse := o.Chain.cli
	opts := dangling.Options{Provider: provider, LeaseNamespace: o.LeaseNamespace, MinAge: o.MinAge, Now: now,
		ReclaimHint: func(id akash.LeaseID) string { return chain.StartReclaimHint(cliInUse, id) }}
	if o.Close {
		opts.CloseBid = func(id akash.LeaseID) *execute.Action {
			a := chain.NewCloseBidAction(id, o.Chain.Reason)
			a.Precheck = dangling.StillNothingInCluster(clients.Kube, clients.Dynamic, o.LeaseNamespace, id)
			return a
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

// clean runs the plan → confirm → execute flow: the backup (a gate: no
// delete without it), then each lease's teardown in the provider's order,
// then the bid closes one transaction at a time. A lease's teardown stops
// at its first failure, so a Manifest that conflicts keeps its namespace.
func (o *DanglingOptions) clean(ctx context.Context, clients *cli.Clients, snap *snapshot.Snapshot, items []dangling.DanglingLease) error {
	plan, deletes, closes := dangling.Plan(items, backupAction(o.Globals, o.BackupDir, snap))
	engine := o.Exec.NewEngine().
		Register(o.Exec.NewKube(clients.Dynamic, o.LeaseNamespace, o.ProviderNamespace), execute.Delete).
		Register(execute.Local{}, execute.Backup)
	if closes > 0 {
		r, _, err := o.Chain.runner(ctx, o.Globals, clients, snap)
		if err != nil {
			return err
		}
		engine.Register(chain.TxApplier{B: o.Chain.broadcaster(r, o.Exec.DryRun)}, chain.VerbCloseBid)
	}
	flow := &execute.Flow{
		Options: o.Exec, Streams: o.Streams, Output: o.Output,
		Result:   dangling.NewList(items),
		Table:    func() *output.Table { return dangling.Table(items) },
		Plan:     plan,
		Engine:   engine,
		Question: fmt.Sprintf("Delete %d object(s) of leases closed on chain (a backup is written first) and close %d bid(s).", deletes, closes),
		Cap:      o.Chain.capOf(),
	}
	return flow.Run(ctx)
}

// isLoopback reports whether host is this machine (a name or an address).
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// source is the chain REST API with --api, or provider-services where the
// provider's key and node settings are.
func (o *DanglingOptions) source(ctx context.Context, clients *cli.Clients, snap *snapshot.Snapshot) (chain.LeaseSource, error) {
	if o.API != "" {
		return chain.Verified{LeaseSource: &chain.REST{Base: o.API, Client: &http.Client{Timeout: o.APITimeout}}}, nil
	}
	r, where, err := o.Chain.runner(ctx, o.Globals, clients, snap)
	if err != nil {
		return nil, fmt.Errorf("reading the chain needs --api URL, --via-cli akt|provider-services, or the akash-provider pod: %w", err)
	}
	return chain.Verified{LeaseSource: &chain.CLISource{Runner: r, CLI: o.Chain.cli, Where: where}}, nil
}

// danglingRules are the calls a scheduled dangling makes: its reads
// (readSpec) and, without --api, exec into the provider pod for the chain.
// A schedule never closes (see scheduleOptions.Print).
func danglingRules(o *DanglingOptions) []schedule.Rule {
	var exec []schedule.Rule
	if o.readSpec().ProviderPods {
		exec = providerExec(o.ProviderNamespace)
	}
	return schedule.Merge(o.readSpec().Rules(), exec)
}
