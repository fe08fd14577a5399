package renew

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/utils/ptr"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Options are `certs renew`'s: the node flags, the output, the mutation
// flags, and the renewal's own settings (Config). The globals are a named
// field, not embedded: Config has a Clients of its own.
type Options struct {
	g      *cli.Globals
	Nodes  *certs.NodeFlags
	Output *output.Flags
	Exec   *execute.Options
	Config

	NodeNames       []string
	AllControlPlane bool
}

// NewOptions returns every default of `certs renew`.
func NewOptions(g *cli.Globals) *Options {
	return &Options{g: g, Nodes: certs.NewNodeFlags(), Output: output.NewFlags(), Exec: execute.NewOptions(),
		Config: Config{Ops: NewNodeOps(), StaticPods: DefaultStaticPods, StaticNamespace: "kube-system",
			OutPeriod: 25 * time.Second, StopTimeout: 2 * time.Minute, ReadyTimeout: 3 * time.Minute}}
}

// Complete takes the nodes named as arguments (and by the deprecated
// --node) and the mutation flags.
func (o *Options) Complete(cmd *cobra.Command) error {
	if cmd.Flags().Changed("node") {
		fmt.Fprintln(o.g.Streams.ErrOut, "Flag --node has been deprecated, name the nodes as arguments: certs renew NODE...")
	}
	o.NodeNames = append(cmd.Flags().Args(), o.NodeNames...)
	return o.Exec.Complete(cmd)
}

// Validate checks the flags without I/O.
func (o *Options) Validate() error {
	if cli.CountTrue(len(o.NodeNames) > 0, o.AllControlPlane, o.Nodes.Local) != 1 {
		return fmt.Errorf("choose the nodes one way: NODE..., --all-control-plane, or --local")
	}
	if err := output.ValidateChunkSize(o.Nodes.ChunkSize); err != nil {
		return err
	}
	if o.OutPeriod <= 0 || o.StopTimeout <= 0 || o.ReadyTimeout <= 0 {
		return fmt.Errorf("--out-period, --stop-timeout and --ready-timeout must be positive")
	}
	if err := o.Nodes.ValidatePaths(o.Ops.StaticPodDir, o.Ops.BackupDir, o.Ops.EtcdEnv, o.Ops.CertDir); err != nil {
		return err
	}
	if err := o.Exec.Validate(); err != nil {
		return err
	}
	o.Ops.Layout = o.Nodes.Layout()
	o.Ops.Defaults()
	return o.Output.Validate()
}

// Run reads the nodes once, plans every node (probing each one, changing
// nothing), then runs the plan → confirm → execute flow.
func (o *Options) Run(ctx context.Context) error {
	clients, err := o.g.Clients()
	if err != nil && !o.Nodes.Local {
		return err
	} else if err != nil {
		clients = nil // --local goes on without the API
	}
	o.Clients, o.ErrOut, o.NodeRoot, o.Debug = clients, o.g.Streams.ErrOut, o.Nodes.NodeRoot, o.Nodes.Options()
	o.Local, o.HostRoot, o.ProcRoot = o.Nodes.Local, o.Nodes.HostRoot, o.Nodes.ProcRoot
	o.Kubeconfig = Kubeconfig{File: ptr.Deref(o.g.ConfigFlags.KubeConfig, ""), Context: ptr.Deref(o.g.ConfigFlags.Context, "")}
	nodes, err := ReadNodes(ctx, o.Config, o.NodeNames, o.Nodes.ChunkSize)
	if err != nil {
		return err
	}
	r := New(o.Config)
	plan, err := r.Plan(ctx, nodes)
	if err != nil {
		return err
	}
	ren := r.Renewal()
	err = (&execute.Flow{Options: o.Exec, Streams: o.g.Streams, Output: o.Output, Result: ren, Plan: plan,
		Table:  func() *output.Table { return certs.RenewalTable(ren) },
		Engine: o.Exec.NewEngine().Register(r, Verbs...), Question: r.Question(), After: r.Rollback}).Run(ctx)
	if ren.Status.Rollback != "" {
		fmt.Fprintln(o.g.Streams.ErrOut, ren.Status.Rollback)
	}
	return err
}
