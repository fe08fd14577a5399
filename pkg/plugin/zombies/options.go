package zombies

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// ZombiesOptions are the options of `node-debug zombies`: which nodes, how
// to print, and with --kill the signals and the executor's flags.
type ZombiesOptions struct {
	nodedebug.CommandOptions
	Exec *execute.Options
	KillFlags

	// snap names the parents' pods and leases: read once per run, after
	// the scan, and again for no node the kill acts on.
	snap *snapshot.Snapshot
}

// NewZombiesOptions holds every default of `node-debug zombies`.
func NewZombiesOptions(g *cli.Globals) *ZombiesOptions {
	return &ZombiesOptions{CommandOptions: nodedebug.NewCommandOptions(g), Exec: execute.NewOptions(),
		KillFlags: NewKillFlags(), snap: &snapshot.Snapshot{}}
}

// Complete keeps the NODE arguments and reads --dry-run.
func (o *ZombiesOptions) Complete(cmd *cobra.Command) error {
	if err := o.CommandOptions.Complete(cmd); err != nil {
		return err
	}
	return o.Exec.Complete(cmd)
}

// Validate checks flags without I/O.
func (o *ZombiesOptions) Validate() error {
	if err := o.Nodes.Validate(o.Args); err != nil {
		return err
	}
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if err := o.Exec.Validate(); err != nil {
		return err
	}
	procRoot := "/proc" // debug pods scan their node's own /proc
	if o.Nodes.Local {
		procRoot = o.Nodes.ProcRoot
	}
	return o.KillFlags.Validate(procRoot)
}

// Run scans the nodes, names pods and leases, prints, and with --kill runs
// the plan → confirm → signal flow.
func (o *ZombiesOptions) Run(ctx context.Context) error {
	reports, err := o.scan(ctx)
	if err != nil {
		return err
	}
	list := NewList(reports)
	list.Assess(o.PIDPressure)
	table := func() *output.Table { return Table(list, o.Kill) }
	if !o.Kill {
		if err := o.Output.Print(o.Streams.Out, list, table); err != nil {
			return err
		}
		return list.Exit()
	}
	kill := o.KillFlags.Options(o.Exec.DryRun != cmdutil.DryRunNone)
	plan, question := PlanKill(list, kill)
	signal := &SignalApplier{Kill: kill, PIDPressure: o.PIDPressure, Debug: o.Nodes.Options(), Pods: o.snap.AllPods, Namespaces: o.snap.Namespaces}
	if o.Nodes.Local {
		signal.Local = &procfs.FS{Proc: o.Nodes.ProcRoot, Host: o.Nodes.HostRoot}
	} else if signal.Clients, err = o.Clients(); err != nil {
		return err
	}
	flow := &execute.Flow{Options: o.Exec, Streams: o.Streams, Output: o.Output, Result: list, Table: table, Plan: plan,
		Engine: o.Exec.NewEngine().Register(signal, VerbSignalParents), Question: question}
	if err := flow.Run(ctx); err != nil {
		return err
	}
	return list.Exit()
}

// scan reads the processes of the chosen nodes through debug pods (or of
// this machine with --local), then the pods and lease namespaces that name
// them, once. With --local the names need a kubeconfig, which an operator
// on a node may not have: without one the pods are shown by UID.
func (o *ZombiesOptions) scan(ctx context.Context) ([]*Report, error) {
	var reports []*Report
	if o.Nodes.Local {
		r, err := Scan(o.Nodes.LocalEnv())
		if err != nil {
			return nil, err
		}
		reports = []*Report{r}
	} else {
		results, err := o.Nodes.RunOnNodes(ctx, o.Globals, o.Args, ScanArgv(o.PIDPressure))
		if err != nil {
			return nil, err
		}
		reports = Reports(results)
	}
	spec, need := Spec(reports, o.Nodes.Local, o.Nodes.ChunkSize)
	if !need {
		return reports, nil
	}
	clients, err := o.Clients()
	var snap *snapshot.Snapshot
	if err == nil {
		snap, err = snapshot.Load(ctx, clients, spec)
	}
	switch {
	case err != nil && o.Nodes.Local:
		fmt.Fprintf(o.Streams.ErrOut, "warning: pods and leases are shown by UID only: %v\n", err)
		return reports, nil
	case err != nil:
		return nil, err
	}
	o.snap = snap
	Attribute(reports, snap.AllPods, snap.Namespaces)
	return reports, nil
}
