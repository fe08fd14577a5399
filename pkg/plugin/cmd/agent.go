package cmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// AgentFlags are the flags of every `agent` check.
type AgentFlags struct {
	HostRoot string
	ProcRoot string
	NodeName string
}

// Env is where the agent's checks look.
func (f *AgentFlags) Env() agent.Env {
	return agent.Env{HostRoot: f.HostRoot, ProcRoot: f.ProcRoot, NodeName: f.NodeName, Now: time.Now}
}

// NewAgentCmd builds the hidden `kubectl-akash agent` command that node-debug
// runs inside its debug pods. Each check is a subcommand printing one JSON
// report on stdout.
func NewAgentCmd(g *Globals) *cobra.Command {
	f := &AgentFlags{HostRoot: "/host", ProcRoot: "/proc"}
	cmd := &cobra.Command{
		Use:    "agent",
		Short:  "Node-side checks, run inside node-debug pods",
		Hidden: true,
	}
	cmd.PersistentFlags().StringVar(&f.HostRoot, "host-root", f.HostRoot, "The host's root directory.")
	cmd.PersistentFlags().StringVar(&f.ProcRoot, "proc-root", f.ProcRoot, "The host's /proc.")
	cmd.PersistentFlags().StringVar(&f.NodeName, "node-name", "", "The node's name, for reports.")
	// Each check adds its subcommand here, built with (g, f).
	cmd.AddCommand()
	return cmd
}
