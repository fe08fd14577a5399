package nodedebug

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Flags are the flags every node-debug check shares.
type Flags struct {
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

// NewFlags returns the defaults.
func NewFlags() *Flags {
	return &Flags{Parallel: 10, PodTimeout: 2 * time.Minute, Namespace: "kube-system", Image: DefaultImage(), HostRoot: "/", ProcRoot: "/proc"}
}

// AddFlags binds the group once for a command that runs on nodes: how
// they are chosen (NODE... are its arguments, --all, -l), the debug pods,
// and --local.
func (f *Flags) AddFlags(cmd *cobra.Command) {
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
func (f *Flags) AddPodFlags(cmd *cobra.Command, one bool) {
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
func (f *Flags) Validate(args []string) error {
	if cli.CountTrue(len(args) > 0, f.All, f.Selector != "", f.Local) != 1 {
		return fmt.Errorf("choose the nodes one way: NODE..., --all, -l SELECTOR, or --local")
	}
	return f.ValidatePods()
}

// ValidatePods checks the debug pods' flags and the node selector.
func (f *Flags) ValidatePods() error {
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
	return cli.ValidSelector(f.Selector)
}

// Options are the debug-pod options for Run.
func (f *Flags) Options() Options {
	return Options{Namespace: f.Namespace, Image: f.Image, Parallel: f.Parallel, PodTimeout: f.PodTimeout}
}

// LocalEnv is where a --local check looks, on the node this machine is
// (agent.ThisNode).
func (f *Flags) LocalEnv() agent.Env {
	return agent.Env{HostRoot: f.HostRoot, ProcRoot: f.ProcRoot, NodeName: agent.ThisNode(), Now: time.Now}
}
