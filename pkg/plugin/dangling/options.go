package dangling

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leaseclose"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/manifests"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// CommandOptions are the options of `kubectl akash dangling`.
type CommandOptions struct {
	*cli.Globals
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

// NewCommandOptions returns the defaults: --api-timeout 30s, --backup-dir ".",
// --min-age 15m, and those of leaseclose.Flags.
func NewCommandOptions(g *cli.Globals) *CommandOptions {
	return &CommandOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Chain: leaseclose.NewFlags(), API: chain.APIFlags{Timeout: 30 * time.Second}, BackupDir: ".", MinAge: 15 * time.Minute}
}

// Complete reads --dry-run and whether --max-leases was given.
func (o *CommandOptions) Complete(cmd *cobra.Command) error {
	o.Chain.Complete(cmd)
	return o.Exec.Complete(cmd)
}

// Validate checks flags without I/O.
func (o *CommandOptions) Validate() error {
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

// check is this run as Check sees it: the read, where the chain is read
// and signed, and what is cleaned up.
func (o *CommandOptions) check() *Check {
	return &Check{LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, ChunkSize: o.ChunkSize, Provider: o.Provider,
		API: o.API.Source(), Signer: &o.Chain.Signer, Reason: o.Chain.Reason, MinAge: o.MinAge, Close: o.Close}
}

// Run reads the cluster once and the chain once, reconciles, and reports
// (exit code 3 when something dangles) or cleans up.
func (o *CommandOptions) Run(ctx context.Context) error {
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
	flow, err := c.CleanFlow(ctx, clients, snap, found.Items, o.Exec, manifests.NewBackup(o.Globals, o.BackupDir).Action(snap))
	if err != nil {
		return err
	}
	flow.Streams, flow.Output, flow.Cap = o.Streams, o.Output, o.Chain.Cap()
	return flow.Run(ctx)
}

// PrintSchedule is --schedule: the CronJob running this command with --yes,
// allowed exactly the calls it makes (ScheduleRules).
func (o *CommandOptions) PrintSchedule(cmd *cobra.Command) error {
	return o.Schedule.Print(o.Globals, cmd, o.Output, "dangling", o.ScheduleRules())
}

// ScheduleRules are the calls a scheduled dangling makes: its reads (the
// Check's Spec) and, without --api, exec into the provider pod for the
// chain. A schedule never closes (see schedule.Flags.Print).
func (o *CommandOptions) ScheduleRules() []schedule.Rule {
	var exec []schedule.Rule
	spec := o.check().Spec()
	if spec.ProviderPods {
		exec = schedule.PodExec(o.ProviderNamespace)
	}
	return schedule.Merge(spec.Rules(), exec)
}
