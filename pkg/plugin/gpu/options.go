package gpu

import (
	"context"
	"fmt"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// GPUOptions are `node-debug gpu`'s: which nodes, how to print, and the
// check's own settings.
type GPUOptions struct {
	nodedebug.CommandOptions
	// KernelLog is a saved kernel log on the node, instead of /dev/kmsg.
	KernelLog string
	// ToolTimeout bounds each nvidia-smi / nv-fabricmanager run.
	ToolTimeout time.Duration
}

// NewGPUOptions holds every default of `node-debug gpu`.
func NewGPUOptions(g *cli.Globals) *GPUOptions {
	return &GPUOptions{CommandOptions: nodedebug.NewCommandOptions(g), ToolTimeout: DefaultTimeout}
}

// Validate checks the flags without I/O.
func (o *GPUOptions) Validate() error {
	if err := o.Nodes.Validate(o.Args); err != nil {
		return err
	}
	if o.ToolTimeout <= 0 {
		return fmt.Errorf("--tool-timeout must be positive, got %s", o.ToolTimeout)
	}
	return o.Output.Validate()
}

// Run checks the nodes, prints, and sets the exit code.
func (o *GPUOptions) Run(ctx context.Context) error {
	list := NewList()
	opts := Options{KernelLog: o.KernelLog, Timeout: o.ToolTimeout}
	if o.Nodes.Local {
		list.Items = append(list.Items, Collect(ctx, o.Nodes.LocalEnv(), opts))
	} else {
		clients, err := o.Clients()
		if err != nil {
			return err
		}
		items, note, err := CheckNodes(ctx, clients, FleetOptions{Names: o.Args, All: o.Nodes.All, Selector: o.Nodes.Selector, Debug: o.Nodes.Options(), Check: opts})
		if err != nil {
			return err
		}
		if note != "" {
			fmt.Fprintln(o.Streams.ErrOut, note)
		}
		list.Items = items
	}
	for i := range list.Items {
		list.Items[i].Status.Assess()
	}
	if err := o.Output.Print(o.Streams.Out, list, func() *output.Table { return Table(list) }); err != nil {
		return err
	}
	if code := ExitCode(list.Items); code != cli.ExitOK {
		return cli.Silent(code)
	}
	return nil
}
