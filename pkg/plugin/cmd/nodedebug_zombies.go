package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// ZombiesOptions are the options of `node-debug zombies`.
type ZombiesOptions struct {
	*Globals
	Nodes  *nodedebug.Flags
	Output *output.Flags
	Exec   *execute.Options
	zombies.KillFlags

	args []string
	// snap names the parents' pods and leases: read once per run, after
	// the scan, and again for no node the kill acts on.
	snap *snapshot.Snapshot
}

// NewNodeDebugZombiesOptions holds every default of `node-debug zombies`.
func NewNodeDebugZombiesOptions(g *Globals) *ZombiesOptions {
	return &ZombiesOptions{Globals: g, Nodes: nodedebug.NewFlags(), Output: output.NewFlags(), Exec: execute.NewOptions(),
		KillFlags: zombies.NewKillFlags(), snap: &snapshot.Snapshot{}}
}

// NewNodeDebugZombiesCmd builds `kubectl akash node-debug zombies`.
func NewNodeDebugZombiesCmd(g *Globals) *cobra.Command {
	o := NewNodeDebugZombiesOptions(g)
	cmd := &cobra.Command{
		Use:   "zombies (NODE... | --all | -l SELECTOR | --local)",
		Short: "Find zombie processes, name their pod and lease, and make their parents reap them",
		Long: longDesc(`
			Tenant images without an init process leave defunct (zombie) children that count
			against the pod's pids limit until nothing can fork. zombies reads every
			process of the node once, finds all zombies, groups them by parent, and
			attributes each parent to its pod, container and lease (from its cgroup and
			the pods on that node). Per parent it shows whether it is the container's
			PID 1, whether it catches SIGCHLD, how many zombies it holds and since when,
			and the pod's pids cgroup usage against its limit; the node's threads
			against pid_max are in -o wide.

			--kill makes each parent reap: SIGCHLD (only when it has a handler), then
			SIGTERM (not to a container's PID 1 without a SIGTERM handler: the kernel
			drops it), then SIGKILL, waiting up to --grace after each while re-checking
			the zombies. Signals go through a pidfd opened once and checked against the
			parent's start time, so a recycled PID is never hit. Only processes in a pod's
			container, as their cgroup says, are signalled, never containerd, the kubelet
			or a host process (a process's name proves nothing: anything can call itself
			containerd-shim). Only pods in lease namespaces (akash.network=true) are
			signalled unless --namespace NS or --all-namespaces widens that; zombies
			elsewhere (kube-system, the provider, ingress, CNI) are reported and skipped,
			and so is a pod the API could not name. SIGKILL of a container's PID 1
			restarts the container and needs --allow-container-restart; with it, when
			killing a worker hands its zombies to its container's init, which does not
			reap them either, the same run goes on to kill that init. The plan is printed
			first and needs --yes or an interactive y; --dry-run (client or server alike)
			sends nothing.

			Exit codes: 0 no zombies and no PID pressure; 3 zombies or PID pressure found
			(after --kill: some remain); 1 the command failed, a node could not be
			checked, or a kill did not clear its zombies.`),
		Example: examples(`
			# Every node, through short-lived debug pods
			kubectl akash node-debug zombies --all

			# This machine, without a pod (e.g. from the node's crontab)
			kubectl akash node-debug zombies --local

			# What --kill would send, then do it
			kubectl akash node-debug zombies node-1 --kill --dry-run=client
			kubectl akash node-debug zombies node-1 --kill --allow-container-restart --yes

			# Also the pods of kube-system, not only lease pods
			kubectl akash node-debug zombies node-1 --kill -n kube-system`),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			if err := o.Exec.Complete(cmd); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Nodes.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.KillFlags.AddFlags(cmd.Flags())
	return cmd
}

// Validate checks flags without I/O.
func (o *ZombiesOptions) Validate() error {
	if err := o.Nodes.Validate(o.args); err != nil {
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
	list := zombies.NewList(reports)
	list.Assess(o.PIDPressure)
	table := func() *output.Table { return zombies.Table(list, o.Kill) }
	if !o.Kill {
		if err := o.Output.Print(o.Streams.Out, list, table); err != nil {
			return err
		}
		return list.Exit()
	}
	kill := o.KillFlags.Options(o.Exec.DryRun != cmdutil.DryRunNone)
	plan, question := zombies.PlanKill(list, kill)
	signal := &zombies.SignalApplier{Kill: kill, PIDPressure: o.PIDPressure, Debug: o.Nodes.Options(), Pods: o.snap.AllPods, Namespaces: o.snap.Namespaces}
	if o.Nodes.Local {
		signal.Local = &procfs.FS{Proc: o.Nodes.ProcRoot, Host: o.Nodes.HostRoot}
	} else if signal.Clients, err = o.Clients(); err != nil {
		return err
	}
	flow := &execute.Flow{Options: o.Exec, Streams: o.Streams, Output: o.Output, Result: list, Table: table, Plan: plan,
		Engine: o.Exec.NewEngine().Register(signal, zombies.VerbSignalParents), Question: question}
	if err := flow.Run(ctx); err != nil {
		return err
	}
	return list.Exit()
}

// scan reads the processes of the chosen nodes through debug pods (or of
// this machine with --local), then the pods and lease namespaces that name
// them, once. With --local the names need a kubeconfig, which an operator
// on a node may not have: without one the pods are shown by UID.
func (o *ZombiesOptions) scan(ctx context.Context) ([]*zombies.Report, error) {
	var reports []*zombies.Report
	if o.Nodes.Local {
		r, err := zombies.Scan(o.Nodes.LocalEnv())
		if err != nil {
			return nil, err
		}
		reports = []*zombies.Report{r}
	} else {
		results, err := o.Nodes.RunOnNodes(ctx, &o.Globals.Globals, o.args, zombies.ScanArgv(o.PIDPressure))
		if err != nil {
			return nil, err
		}
		reports = zombies.Reports(results)
	}
	spec, need := zombies.Spec(reports, o.Nodes.Local, o.Nodes.ChunkSize)
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
	zombies.Attribute(reports, snap.AllPods, snap.Namespaces)
	return reports, nil
}
