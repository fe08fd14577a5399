package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
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

// NewManifestsHealCmd builds `kubectl akash manifests heal`.
func NewManifestsHealCmd(g *Globals) *cobra.Command {
	o := &HealOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), BackupDir: "."}
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.namespace = o.NamespaceFlag(cmd)
			if err := o.Exec.Complete(cmd); err != nil {
				return err
			}
			if err := firstError(o.Output.Validate, o.Exec.Validate, selectorCheck(o.Selector)); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	addAllNamespacesFlag(cmd)
	o.Exec.AddFlags(cmd)
	o.Exec.AddFieldManagerFlag(cmd)
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory for the backup written before patching.")
	cmd.Flags().BoolVar(&o.RestartProvider, "restart-provider", false, "After patching, delete the akash-provider pod so the provider re-reads the Manifests.")
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Only Deployments, StatefulSets, ReplicaSets and pods matching this label selector (e.g. akash.network/manifest-service=web).")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
}

// Run reads the cluster once, plans the patches and applies them.
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
	if err := requireNamespace(ctx, clients, snap, o.namespace); err != nil {
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

	patches := rollout.Patches(items)
	errors := 0
	for i := range items {
		if items[i].Status.Error != "" {
			errors++
		}
	}
	var pods []corev1.Pod
	if o.RestartProvider && len(patches) > 0 {
		pods = snap.ProviderPods
		if len(pods) == 0 {
			fmt.Fprintf(o.Streams.ErrOut, "warning: no akash-provider pod (label app=akash-provider) in namespace %s: restart the provider yourself after healing\n", o.ProviderNamespace)
		}
	}
	heal := rollout.PlanHeal(items, pods, backupAction(o.Globals, o.BackupDir, snap))
	flow := &execute.Flow{
		Options: o.Exec, Streams: o.Streams, Output: o.Output,
		Result: rollout.LostCommandsList(items),
		Table:  func() *output.Table { return rollout.LostCommandTable(items) },
		Plan:   heal.Plan,
		Engine: o.Exec.NewEngine().
			Register(o.Exec.NewKube(clients.Dynamic, o.LeaseNamespace, o.ProviderNamespace), execute.Delete, execute.Patch).
			Register(execute.Local{}, execute.Backup),
		Question: fmt.Sprintf("Patch %d Manifest service(s); a backup is written first.", len(patches)),
		After: func() {
			if o.Exec.DryRun == cmdutil.DryRunNone {
				heal.MarkRestarted()
			}
		},
	}
	err = flow.Run(ctx)
	if err == nil && errors > 0 {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d service(s) could not be healed (see MESSAGE)", errors)}
	}
	return err
}
