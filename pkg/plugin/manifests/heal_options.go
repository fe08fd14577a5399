package manifests

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// HealOptions are the options of `manifests heal`.
type HealOptions struct {
	*cli.Globals
	Output          *output.Flags
	Exec            *execute.Options
	BackupDir       string
	RestartProvider bool
	ChunkSize       int64
	Selector        string

	namespace string
}

// NewHealOptions returns the defaults: --backup-dir ".".
func NewHealOptions(g *cli.Globals) *HealOptions {
	return &HealOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), BackupDir: "."}
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
	clients, snap, err := snapshot.LoadChecked(ctx, o.Globals, o.readSpec())
	if err != nil {
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
	return Healer{Exec: o.Exec, Streams: o.Streams, Output: o.Output, Dynamic: clients.Dynamic,
		LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace,
		RestartProvider: o.RestartProvider, Backup: NewBackup(o.Globals, o.BackupDir)}.Run(ctx, snap, items)
}

// readSpec is what heal reads: the lease objects as stored (for the
// backup), the workloads whose revisions show a lost command (the
// ReplicaSets only where a Deployment may show one), and the provider pods
// when --restart-provider will delete them.
func (o *HealOptions) readSpec() snapshot.Spec {
	return snapshot.Spec{
		LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, Namespace: o.namespace, ChunkSize: o.ChunkSize, Selector: o.Selector,
		Manifests: true, ProviderHosts: true, ProviderLeasedIPs: true, LeaseNamespaces: true, Backup: true,
		Deployments: true, ReplicaSets: true, StatefulSets: true, ProviderPods: o.RestartProvider,
		ReplicaSetsOf: rollout.MayHaveLostCommand,
	}
}
