package cmd

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
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
// runs inside its debug pods: one subcommand per declared agent.Command
// (see pkg/plugin/agent), each printing one JSON report on stdout.
func NewAgentCmd(g *Globals) *cobra.Command {
	// Debug pods name their node in the environment (see nodedebug.EnvNodeName).
	f := &AgentFlags{HostRoot: agent.PodHostRoot, ProcRoot: agent.PodProcRoot, NodeName: os.Getenv(nodedebug.EnvNodeName)}
	cmd := &cobra.Command{
		Use:    "agent",
		Short:  "Node-side checks, run inside node-debug pods",
		Hidden: true,
	}
	cmd.PersistentFlags().StringVar(&f.HostRoot, "host-root", f.HostRoot, "The host's root directory.")
	cmd.PersistentFlags().StringVar(&f.ProcRoot, "proc-root", f.ProcRoot, "The host's /proc.")
	cmd.PersistentFlags().StringVar(&f.NodeName, "node-name", f.NodeName, "The node's name, for reports (default: from the debug pod's environment).")
	for _, c := range agent.Commands() {
		cmd.AddCommand(newAgentSubcommand(g, f, c))
	}
	if runtime.GOOS != "linux" {
		refuseOffLinux(cmd, runtime.GOOS)
	}
	return cmd
}

// newAgentSubcommand is the hidden subcommand of a declared agent.Command:
// its own flags, --options, and its report on stdout; the exit code is the
// command's policy.
func newAgentSubcommand(g *Globals, f *AgentFlags, c agent.Declared) *cobra.Command {
	var options string
	info := c.Info()
	cmd := &cobra.Command{Use: info.Name, Short: info.Short, Args: cobra.NoArgs}
	run := c.Bind(cmd.Flags())
	cmd.Flags().StringVar(&options, agent.OptionsFlag, "", "The options as JSON (the plugin passes them).")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		env := f.Env()
		env.Stderr = g.Streams.ErrOut
		code, err := run(cmd.Context(), env, options, g.Streams.Out)
		if err == nil && code != 0 {
			err = cli.Silent(code)
		}
		return err
	}
	return cmd
}

// refuseOffLinux makes the agent and each of its subcommands fail with one
// sentence, whatever their flags and arguments: the checks read a Linux
// node's /proc and host root, so on a laptop they could only mislead.
func refuseOffLinux(agent *cobra.Command, goos string) {
	err := fmt.Errorf("kubectl-akash agent runs on Linux nodes, inside node-debug's pods, not on %s", goos)
	var refuse func(c *cobra.Command)
	refuse = func(c *cobra.Command) {
		c.Args, c.DisableFlagParsing, c.Run = cobra.ArbitraryArgs, true, nil
		c.RunE = func(*cobra.Command, []string) error { return err }
		for _, sub := range c.Commands() {
			refuse(sub)
		}
	}
	refuse(agent)
}
