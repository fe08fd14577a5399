package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

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
	Output   *output.Flags
	Exec     *execute.Options
	Chain    leaseclose.Flags
	Schedule schedule.Flags
	// API is --api, --api-timeout and --insecure-api.
	API       chain.APIFlags
	Provider  string
	Close     bool
	BackupDir string
	MinAge    time.Duration
	ChunkSize int64
}

// NewDanglingOptions returns the defaults: --api-timeout 30s, --backup-dir
// ".", --min-age 15m, and those of leaseclose.Flags.
func NewDanglingOptions(g *Globals) *DanglingOptions {
	return &DanglingOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Chain: leaseclose.NewFlags(), API: chain.APIFlags{Timeout: 30 * time.Second}, BackupDir: ".", MinAge: 15 * time.Minute}
}

// NewDanglingCmd builds `kubectl akash dangling`.
func NewDanglingCmd(g *Globals) *cobra.Command {
	o := NewDanglingOptions(g)
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
		RunE: runScheduled(o, &o.Schedule, func(cmd *cobra.Command) error {
			return o.Schedule.Print(&o.Globals.Globals, cmd, o.Output, "dangling", danglingRules(o))
		}),
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.Chain.AddFlags(cmd)
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	o.Schedule.AddFlags(cmd)
	o.API.AddFlags(cmd, "; default: provider-services in the akash-provider pod.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "The provider's address; default: the one on the cluster's leases.")
	cmd.Flags().BoolVar(&o.Close, "close", false, "Clean up what dangles (plan printed first; --yes or an interactive y).")
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory for the backup written before deleting lease objects.")
	cmd.Flags().DurationVar(&o.MinAge, "min-age", o.MinAge, "Close the bid of an open lease with nothing in the cluster only when it is older than this on the chain's clock.")
	return cmd
}

// Complete reads --dry-run and whether --max-leases was given.
func (o *DanglingOptions) Complete(cmd *cobra.Command) error {
	o.Chain.Complete(cmd)
	return o.Exec.Complete(cmd)
}

// Validate checks flags without I/O.
func (o *DanglingOptions) Validate() error {
	if err := cli.FirstError(o.Output.Validate, o.Exec.Validate, o.Chain.Validate, func() error { return output.ValidateChunkSize(o.ChunkSize) }); err != nil {
		return err
	}
	if err := akash.NormalizeAddressFlag("--provider", &o.Provider); err != nil {
		return err
	}
	if err := o.API.Validate(); err != nil {
		return err
	}
	if o.MinAge < 0 {
		return fmt.Errorf("--min-age must not be negative, got %s", o.MinAge)
	}
	if !o.Close && o.Exec.DryRun != cmdutil.DryRunNone {
		return fmt.Errorf("--dry-run rehearses --close: add --close, or drop --dry-run to only report")
	}
	return nil
}

// check is this run as the dangling package sees it: the read, where the
// chain is read and signed, and what is cleaned up.
func (o *DanglingOptions) check() *dangling.Check {
	return &dangling.Check{LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, ChunkSize: o.ChunkSize, Provider: o.Provider,
		API: o.API.Source(), Signer: &o.Chain.Signer, Reason: o.Chain.Reason, MinAge: o.MinAge, Close: o.Close}
}

// Run reads the cluster once and the chain once, reconciles, and reports
// (exit code 3 when something dangles) or cleans up.
func (o *DanglingOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	c := o.check()
	snap, err := snapshot.Load(ctx, clients, c.Spec())
	if err != nil {
		return err
	}
	found, err := c.Find(ctx, clients, snap, o.Streams.ErrOut)
	if err != nil {
		return err
	}
	if len(found.Items) == 0 || !o.Close {
		return found.Report(o.Streams, o.Output)
	}
	flow, err := c.CleanFlow(ctx, clients, snap, found.Items, o.Exec, o.backupTo(o.BackupDir).Action(snap))
	if err != nil {
		return err
	}
	flow.Streams, flow.Output, flow.Cap = o.Streams, o.Output, o.Chain.Cap()
	return flow.Run(ctx)
}

// danglingRules are the calls a scheduled dangling makes: its reads
// (readSpec) and, without --api, exec into the provider pod for the chain.
// A schedule never closes (see schedule.Flags.Print).
func danglingRules(o *DanglingOptions) []schedule.Rule {
	var exec []schedule.Rule
	spec := o.check().Spec()
	if spec.ProviderPods {
		exec = schedule.PodExec(o.ProviderNamespace)
	}
	return schedule.Merge(spec.Rules(), exec)
}
