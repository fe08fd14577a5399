package certs

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// CheckOptions are `certs check`'s: the node flags, the output, and the
// window within which a certificate counts as expiring.
type CheckOptions struct {
	*cli.Globals
	Nodes  *NodeFlags
	Output *output.Flags
	Warn   string
	// NoClient skips the API server's and the kubeconfig's certificates.
	NoClient bool
	// Kubeadm is the node's kubeadm to cross-check with ("" = found).
	Kubeadm string

	warn time.Duration
	args []string
}

// NewCheckOptions returns the defaults.
func NewCheckOptions(g *cli.Globals) *CheckOptions {
	return &CheckOptions{Globals: g, Nodes: NewNodeFlags(), Output: output.NewFlags()}
}

// Complete takes the nodes named as arguments.
func (o *CheckOptions) Complete(cmd *cobra.Command) error {
	o.args = cmd.Flags().Args()
	if cmd.Flags().Changed("all-nodes") {
		fmt.Fprintln(o.Streams.ErrOut, "Flag --all-nodes has been deprecated, use --all")
	}
	return nil
}

// Validate checks the flags without I/O.
func (o *CheckOptions) Validate() error {
	if err := o.Nodes.Validate(o.args); err != nil {
		return err
	}
	w, err := ParseWarn(o.Warn)
	if err != nil {
		return err
	}
	o.warn = w
	return o.Output.Validate()
}

// Run collects every node's certificates (and the client side), judges
// them with this machine's clock, prints, and sets the exit code.
func (o *CheckOptions) Run(ctx context.Context) error {
	list := NewList()
	scan := ScanOptions{Layout: o.Nodes.Layout(), Kubeadm: o.Kubeadm}
	if o.Nodes.Local {
		n, _ := CheckAgent.Run(ctx, o.Nodes.LocalEnv(), scan)
		list.Items = append(list.Items, n)
	} else {
		results, err := o.Nodes.RunOnNodes(ctx, o.Globals, o.args, CheckAgent.Argv(scan))
		if err != nil {
			return o.Nodes.ExplainNoNodes(err)
		}
		for _, r := range results {
			list.Items = append(list.Items, FromAnswer(r.Answer()))
		}
		if !o.NoClient {
			clients, err := o.Clients()
			if err != nil {
				return err
			}
			n := NewNode(ClientNode)
			n.Status.Certificates = ClientSide(ctx, clients.Config)
			list.Items = append(list.Items, n)
		}
	}
	list.Assess(time.Now(), o.warn)
	if err := o.Output.Print(o.Streams.Out, list, func() *output.Table { return Table(list) }); err != nil {
		return err
	}
	for _, w := range list.KubeadmWarnings() {
		fmt.Fprintln(o.Streams.ErrOut, w)
	}
	return checkExit(list.Count())
}

// checkExit is the check's exit code: 1 when something could not be read,
// 3 when something expired, is missing or expires within --warn (kubeadm
// exits 0 even then, which is why this one does not).
func checkExit(n Counts) error {
	if n.NodeErrors > 0 || n.Errors > 0 {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d node(s) and %d certificate(s) could not be read (see the table)", n.NodeErrors, n.Errors)}
	}
	if n.Findings > 0 {
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}
