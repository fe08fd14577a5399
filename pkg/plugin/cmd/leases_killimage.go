package cmd

import (
	"context"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leaseclose"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leases"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// KillImageOptions are the options of `leases kill-image`.
type KillImageOptions struct {
	*Globals
	Output        *output.Flags
	Exec          *execute.Options
	Chain         leaseclose.Flags
	Schedule      schedule.Flags
	Images        []string
	ExcludeOwners []string
	ChunkSize     int64

	images []*regexp.Regexp
}

// NewKillImageOptions returns the defaults (those of leaseclose.Flags).
func NewKillImageOptions(g *Globals) *KillImageOptions {
	return &KillImageOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Chain: leaseclose.NewFlags()}
}

// NewLeasesKillImageCmd builds `kubectl akash leases kill-image`.
func NewLeasesKillImageCmd(g *Globals) *cobra.Command {
	o := NewKillImageOptions(g)
	cmd := &cobra.Command{
		Use:   "kill-image --image REGEX [--image REGEX ...]",
		Short: "Close every lease running an image that matches a regular expression",
		Long: longDesc(`
			Read every Manifest once, match each service's image against the --image
			regular expressions (case-insensitive, like the runbooks' grep -Ei), and
			close the matching leases on chain as leases close does: plan, confirm,
			one transaction per block. --exclude-owner protects named tenants; their
			matches are listed as Skipped.

			--schedule prints, instead of acting, a CronJob that runs this same
			command with --yes in the cluster, with its ServiceAccount and only the
			permissions it needs: list Manifests in the lease namespace, list pods and
			exec into the akash-provider pod in the provider namespace.`),
		Example: examples(`
			# What would be closed
			kubectl akash leases kill-image --image 'xmrig|miner' --image '^docker.io/nanopool/' --dry-run=client

			# Close them, sparing one tenant
			kubectl akash leases kill-image --image xmrig --exclude-owner akash1... --yes

			# Run it in the cluster every 5 minutes instead of from host cron
			kubectl akash leases kill-image --image xmrig --schedule '*/5 * * * *' | kubectl apply -f -`),
		Args: cobra.NoArgs,
		RunE: runScheduled(o, &o.Schedule, func(cmd *cobra.Command) error {
			return o.Schedule.Print(&o.Globals.Globals, cmd, o.Output, "kill-image", killImageRules(o))
		}),
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.Chain.AddFlags(cmd)
	o.Schedule.AddFlags(cmd)
	cmd.Flags().StringArrayVar(&o.Images, "image", nil, "Close leases with a service image matching this regular expression (case-insensitive; repeatable; required).")
	cmd.Flags().StringArrayVar(&o.ExcludeOwners, "exclude-owner", nil, "Never close leases of this tenant address (repeatable).")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
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
	if o.images, err = leases.CompileImages(o.Images, true); err != nil {
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
	return leaseclose.Spec(o.LeaseNamespace, o.ProviderNamespace, o.ChunkSize, &o.Chain.Signer)
}

// Run reads the Manifests (and the provider pods) once and closes the
// matching leases.
func (o *KillImageOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	snap, err := snapshot.Load(ctx, clients, o.readSpec())
	if err != nil {
		return err
	}
	for _, err := range snap.ManifestErrors {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %v (not closed)\n", err)
	}
	items, errs := leaseclose.ByImage(snap.Manifests, leaseclose.ImageFilter{Images: o.images, ExcludeOwners: o.ExcludeOwners}, o.Chain.Reason)
	for _, err := range errs {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %v\n", err)
	}
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "No lease runs a matching image.")
		return nil
	}
	if err := leaseclose.CheckNotAll(len(items), len(snap.Manifests), o.Chain.MaxLeasesSet); err != nil {
		return err
	}
	return o.Chain.Closer(&o.Globals.Globals, o.Exec, o.Output, clients, snap).Run(ctx, items)
}
