package nodeinfo

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// InfoOptions are `node-debug info`'s: which nodes, and how to print.
type InfoOptions struct {
	nodedebug.CommandOptions
}

// NewInfoOptions holds every default of `node-debug info`.
func NewInfoOptions(g *cli.Globals) *InfoOptions {
	return &InfoOptions{CommandOptions: nodedebug.NewCommandOptions(g)}
}

// Validate checks the flags without I/O.
func (o *InfoOptions) Validate() error {
	if err := o.Nodes.Validate(o.Args); err != nil {
		return err
	}
	return o.Output.Validate()
}

// Run collects and prints; exit 1 when any node has no answer.
func (o *InfoOptions) Run(ctx context.Context) error {
	list := &NodeInfoList{TypeMeta: output.ListMeta(Kind), Items: []NodeInfo{}}
	if o.Nodes.Local {
		list.Items = append(list.Items, Collect(o.Nodes.LocalEnv()))
	} else {
		results, err := o.Nodes.RunOnNodes(ctx, o.Globals, o.Args, Agent.Argv(Options{}))
		if err != nil {
			return err
		}
		for _, r := range results {
			list.Items = append(list.Items, FromAnswer(r.Answer()))
		}
	}
	if err := o.Output.Print(o.Streams.Out, list, func() *output.Table { return Table(list) }); err != nil {
		return err
	}
	for _, n := range list.Items {
		if n.Status.Error != "" {
			return cli.Silent(cli.ExitFailure)
		}
	}
	return nil
}
