package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/manifests"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// HealOptions are the options of `manifests heal`.
type HealOptions struct {
	*Globals
	Output          *output.Flags
	Exec            *execute.Options
	BackupDir       string
	RestartProvider bool
	ChunkSize       int64
	Selector        string

	namespace string
}

// NewHealOptions returns the defaults: --backup-dir ".".
func NewHealOptions(g *Globals) *HealOptions {
	return &HealOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), BackupDir: "."}
}

// NewManifestsHealCmd builds `kubectl akash manifests heal`.
func NewManifestsHealCmd(g *Globals) *cobra.Command {
	o := NewHealOptions(g)
	cmd := &cobra.Command{
		Use:   "heal",
		Short: "Put back the SDL command that old providers dropped from Manifests",
		Long: longDesc(`
			Providers before 0.2.1 lost the SDL command of services when they restarted:
			the Deployment rolled out a revision without it, which crash-loops beside the
			old replica. heal finds every such service — a Deployment whose rollout is not
			complete and whose current template has no command while an earlier revision
			had one, or a StatefulSet whose command the Manifest lacks — and patches the
			command into the Manifest service of the same name. The patch tests, in the
			same request, the Manifest's uid and resourceVersion as read, the service's
			name at its index and that the service still has no command, so a concurrent
			change makes the patch fail (Conflict) instead of writing over it or into the
			wrong service. Services of one Manifest are healed by one patch.

			Before any patch it writes a backup of the lease namespace's Manifests,
			ProviderHosts and ProviderLeasedIPs (see manifests backup). The provider must
			re-read the Manifests afterwards: --restart-provider deletes the akash-provider
			pod once the patches are in.`),
		Example: examples(`
			kubectl akash manifests heal --dry-run=client
			kubectl akash manifests heal --restart-provider --yes`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	cli.AddAllNamespacesFlag(cmd)
	o.Exec.AddFlags(cmd)
	o.Exec.AddFieldManagerFlag(cmd)
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory for the backup written before patching.")
	cmd.Flags().BoolVar(&o.RestartProvider, "restart-provider", false, "After patching, delete the akash-provider pod so the provider re-reads the Manifests.")
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Only Deployments, StatefulSets, ReplicaSets and pods matching this label selector (e.g. akash.network/manifest-service=web).")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
}

// Complete reads -n and --dry-run.
func (o *HealOptions) Complete(cmd *cobra.Command) error {
	o.namespace = o.NamespaceFlag(cmd)
	return o.Exec.Complete(cmd)
}

// Validate checks the flags without I/O.
func (o *HealOptions) Validate() error {
	return cli.FirstError(o.Output.Validate, o.Exec.Validate, cli.SelectorCheck(o.Selector))
}

// Run reads the cluster once, finds the lost commands and heals them.
func (o *HealOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	snap, err := snapshot.Load(ctx, clients, snapshot.Spec{
		LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, Namespace: o.namespace, ChunkSize: o.ChunkSize, Selector: o.Selector,
		Manifests: true, ProviderHosts: true, ProviderLeasedIPs: true, LeaseNamespaces: true, Backup: true,
		Deployments: true, ReplicaSets: true, StatefulSets: true, ProviderPods: o.RestartProvider,
	})
	if err != nil {
		return err
	}
	if err := snapshot.RequireNamespace(ctx, clients, snap, o.namespace); err != nil {
		return err
	}
	for _, err := range snap.ManifestErrors {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %v\n", err)
	}
	items := rollout.FindLostCommands(snap, o.LeaseNamespace)
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "No lost commands found.")
		return nil
	}
	return manifests.Healer{Exec: o.Exec, Streams: o.Streams, Output: o.Output, Dynamic: clients.Dynamic,
		LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace,
		RestartProvider: o.RestartProvider, Backup: o.backupTo(o.BackupDir)}.Run(ctx, snap, items)
}
