package leaseclose

import (
	"context"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// KillImageOptions are the options of `leases kill-image`.
type KillImageOptions struct {
	*cli.Globals
	Output        *output.Flags
	Exec          *execute.Options
	Chain         Flags
	Schedule      schedule.Flags
	Images        []string
	ExcludeOwners []string
	ChunkSize     int64

	images []*regexp.Regexp
}

// NewKillImageOptions returns the defaults (those of Flags).
func NewKillImageOptions(g *cli.Globals) *KillImageOptions {
	return &KillImageOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Chain: NewFlags()}
}

// Complete reads --dry-run and whether --max-leases was given.
func (o *KillImageOptions) Complete(cmd *cobra.Command) error {
	o.Chain.Complete(cmd)
	return o.Exec.Complete(cmd)
}

// Validate checks the flags without I/O. An expression that matches the
// empty string would match every image, so it is refused.
func (o *KillImageOptions) Validate() error {
	if err := cli.FirstError(o.Output.Validate, o.Exec.Validate, o.Chain.Validate); err != nil {
		return err
	}
	if len(o.Images) == 0 {
		return fmt.Errorf("--image is required: the regular expression(s) of the images whose leases to close, e.g. --image 'xmrig|miner'")
	}
	var err error
	if o.images, err = akash.CompileImages(o.Images, true); err != nil {
		return err
	}
	if err := akash.NormalizeAddressFlags("--exclude-owner", o.ExcludeOwners); err != nil {
		return err
	}
	return output.ValidateChunkSize(o.ChunkSize)
}

// readSpec is what kill-image reads: the Manifests, and the provider pods
// that run the chain transactions (without --via-cli).
func (o *KillImageOptions) readSpec() snapshot.Spec {
	return Spec(o.LeaseNamespace, o.ProviderNamespace, o.ChunkSize, &o.Chain.Signer)
}

// Run reads the Manifests (and the provider pods) once and closes the
// matching leases.
func (o *KillImageOptions) Run(ctx context.Context) error {
	clients, snap, err := snapshot.LoadChecked(ctx, o.Globals, o.readSpec())
	if err != nil {
		return err
	}
	for _, err := range snap.ManifestErrors {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %v (not closed)\n", err)
	}
	items, errs := ByImage(snap.Manifests, ImageFilter{Images: o.images, ExcludeOwners: o.ExcludeOwners}, o.Chain.Reason)
	for _, err := range errs {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %v\n", err)
	}
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "No lease runs a matching image.")
		return nil
	}
	if err := CheckNotAll(len(items), len(snap.Manifests), o.Chain.MaxLeasesSet); err != nil {
		return err
	}
	return o.Chain.Closer(o.Globals, o.Exec, o.Output, clients, snap).Run(ctx, items)
}

// PrintSchedule is --schedule: the CronJob running this command with --yes,
// allowed exactly the calls it makes (ScheduleRules).
func (o *KillImageOptions) PrintSchedule(cmd *cobra.Command) error {
	return o.Schedule.Print(o.Globals, cmd, o.Output, "kill-image", o.ScheduleRules())
}

// ScheduleRules are exactly the calls `leases kill-image` makes: its reads
// (readSpec: the Manifests in the lease namespace, the provider pods) and
// exec into the provider pod.
func (o *KillImageOptions) ScheduleRules() []schedule.Rule {
	return schedule.Merge(o.readSpec().Rules(), schedule.PodExec(o.ProviderNamespace))
}
