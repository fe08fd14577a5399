package cmd

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// NewNodeDebugCmd builds `kubectl akash node-debug`, the parent of the
// checks that run on nodes.
func NewNodeDebugCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "node-debug",
		Short:   "Run checks on nodes through short-lived privileged debug pods",
		GroupID: groupNodes,
		Long: longDesc(`
			Each check runs on every node you name (NODE..., --all, or -l SELECTOR) in a
			privileged debug pod with the host's PID, network and IPC namespaces and the
			host's / at /host. The pod runs this same program as an agent, its JSON report
			is read back over the exec API, and the pod is always deleted. --local runs
			the same check on this machine without any pod.`),
	}
	cmd.AddCommand(NewNodeDebugInfoCmd(g), NewNodeDebugShellCmd(g))
	cmd.AddCommand(NewNodeDebugZombiesCmd(g))
	cmd.AddCommand(NewNodeDebugGPUCmd(g))
	cmd.AddCommand(NewNodeDebugHealthCmd(g))
	return cmd
}

// NodeDebugFlags are the flags every node-debug check shares.
type NodeDebugFlags struct {
	All        bool
	Selector   string
	Parallel   int
	PodTimeout time.Duration
	Namespace  string
	Image      string
	Local      bool
	HostRoot   string
	ProcRoot   string
	ChunkSize  int64
}

// NewNodeDebugFlags returns the defaults.
func NewNodeDebugFlags() *NodeDebugFlags {
	return &NodeDebugFlags{Parallel: 10, PodTimeout: 2 * time.Minute, Namespace: "kube-system", Image: nodedebug.DefaultImage(), HostRoot: "/", ProcRoot: "/proc"}
}

// AddFlags binds the group once for a command that runs on nodes: how
// they are chosen (NODE... are its arguments, --all, -l), the debug pods,
// and --local.
func (f *NodeDebugFlags) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.All, "all", false, "Check every node.")
	fs.StringVarP(&f.Selector, "selector", "l", "", "Check the nodes matching this label selector.")
	fs.IntVar(&f.Parallel, "parallel", f.Parallel, "How many nodes to work on at once.")
	f.AddPodFlags(cmd, false)
	fs.BoolVar(&f.Local, "local", false, "Run the check on this machine, without a pod.")
	fs.StringVar(&f.HostRoot, "host-root", f.HostRoot, "With --local: the host's root directory.")
	fs.StringVar(&f.ProcRoot, "proc-root", f.ProcRoot, "With --local: the host's /proc.")
	output.AddChunkSizeFlag(cmd, &f.ChunkSize)
}

// AddPodFlags binds the debug pods' flags alone, for a command on one node
// through one pod (one: node-debug shell), worded for it.
func (f *NodeDebugFlags) AddPodFlags(cmd *cobra.Command, one bool) {
	pods, timeout := "the debug pods", "How long a debug pod may take to start before its node is reported as failed."
	if one {
		pods, timeout = "the debug pod", "How long the debug pod may take to start."
	}
	fs := cmd.Flags()
	fs.DurationVar(&f.PodTimeout, "pod-timeout", f.PodTimeout, timeout)
	fs.StringVar(&f.Namespace, "debug-namespace", f.Namespace, "Namespace for "+pods+" (Pod Security must allow privileged pods there).")
	fs.StringVar(&f.Image, "image", f.Image, "Image of "+pods+"; it must contain kubectl-akash.")
}

// Validate checks that exactly one way of choosing nodes was used.
func (f *NodeDebugFlags) Validate(args []string) error {
	if countTrue(len(args) > 0, f.All, f.Selector != "", f.Local) != 1 {
		return fmt.Errorf("choose the nodes one way: NODE..., --all, -l SELECTOR, or --local")
	}
	return f.validatePods()
}

// validatePods checks the debug pods' flags and the node selector.
func (f *NodeDebugFlags) validatePods() error {
	if err := output.ValidateChunkSize(f.ChunkSize); err != nil {
		return err
	}
	if f.Parallel < 1 {
		return fmt.Errorf("--parallel must be at least 1, got %d", f.Parallel)
	}
	if f.PodTimeout <= 0 {
		return fmt.Errorf("--pod-timeout must be positive, got %s", f.PodTimeout)
	}
	if f.Local {
		// A root that is not there would read as a node with nothing on it.
		if st, err := os.Stat(f.HostRoot); err != nil || !st.IsDir() {
			return fmt.Errorf("--host-root %s: no such directory", f.HostRoot)
		}
	}
	return validSelector(f.Selector)
}

// countTrue counts how many of bs hold: the ways of choosing nodes used.
func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// Options are the debug-pod options for nodedebug.Run.
func (f *NodeDebugFlags) Options() nodedebug.Options {
	return nodedebug.Options{Namespace: f.Namespace, Image: f.Image, Parallel: f.Parallel, PodTimeout: f.PodTimeout}
}

// LocalEnv is where a --local check looks, on the node this machine is
// (agent.ThisNode).
func (f *NodeDebugFlags) LocalEnv() agent.Env {
	return agent.Env{HostRoot: f.HostRoot, ProcRoot: f.ProcRoot, NodeName: agent.ThisNode(), Now: time.Now}
}

// runNode is the RunE of a node command: it keeps the NODE arguments in
// *args, validates the flags without I/O, then runs.
func runNode(args *[]string, validate func() error, run func(context.Context) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, names []string) error {
		*args = names
		if err := validate(); err != nil {
			return err
		}
		return run(cmd.Context())
	}
}
