package nodecheck

import (
	"context"
	"fmt"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// HealthOptions are `node-debug health`'s: which nodes, which checks, the
// checks' own settings, and how to print.
type HealthOptions struct {
	nodedebug.CommandOptions
	Checks []string
	Skip   []string
	// Check are the checks' own options (kernel log, OOM window, PID
	// pressure).
	Check Options
	// KubeletConfig is, with --local, the kubelet's configuration file.
	KubeletConfig string
}

// NewHealthOptions holds every default of `node-debug health`.
func NewHealthOptions(g *cli.Globals) *HealthOptions {
	return &HealthOptions{CommandOptions: nodedebug.NewCommandOptions(g),
		Check: Options{PIDPressure: DefaultPIDPressure, OOMWindow: DefaultOOMWindow}}
}

// Validate checks the flags without I/O.
func (o *HealthOptions) Validate() error {
	if err := o.Nodes.Validate(o.Args); err != nil {
		return err
	}
	if _, err := Select(o.Checks, o.Skip); err != nil {
		return err
	}
	if o.Check.OOMWindow <= 0 {
		return fmt.Errorf("--oom-window must be positive, got %s", o.Check.OOMWindow)
	}
	if o.Check.PIDPressure < 1 || o.Check.PIDPressure > 100 {
		return fmt.Errorf("--pid-pressure is a percentage from 1 to 100, got %d", o.Check.PIDPressure)
	}
	if o.KubeletConfig != "" && !o.Nodes.Local {
		return fmt.Errorf("--kubelet-config is for --local: on a cluster the kubelet's live configuration is read through the API server")
	}
	return o.Output.Validate()
}

// Run checks the nodes, prints, and sets the exit code.
func (o *HealthOptions) Run(ctx context.Context) error {
	var list *HealthList
	var err error
	if o.Nodes.Local {
		list, err = o.runLocal(ctx)
	} else {
		var clients *cli.Clients
		if clients, err = o.Clients(); err == nil {
			list, err = CheckNodes(ctx, clients,
				NodeSelection{Names: o.Args, All: o.Nodes.All, Selector: o.Nodes.Selector, ChunkSize: o.Nodes.ChunkSize},
				FleetOptions{Debug: o.Nodes.Options(), Only: o.Checks, Skip: o.Skip, Check: o.Check})
		}
	}
	if err != nil {
		return err
	}
	if err := o.Output.Print(o.Streams.Out, list, func() *output.Table { return Table(list) }); err != nil {
		return err
	}
	if code := list.ExitCode(); code != cli.ExitOK {
		return cli.Silent(code)
	}
	return nil
}

// runLocal runs the checks on this machine (CheckLocal).
func (o *HealthOptions) runLocal(ctx context.Context) (*HealthList, error) {
	list, warning, err := CheckLocal(ctx, o.Nodes.LocalEnv(), LocalOptions{
		Only: o.Checks, Skip: o.Skip, Check: o.Check, KubeletConfig: o.KubeletConfig, Clients: o.Clients})
	if warning != nil {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %v\n", warning)
	}
	return list, err
}
