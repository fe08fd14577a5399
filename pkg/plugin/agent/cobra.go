package agent

import (
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// NewCommand builds the hidden `kubectl-akash agent` command that node-debug
// runs inside its debug pods: one subcommand per registered Command, each
// printing its report on out; notes go to errOut. nodeName names the node
// in reports unless --node-name does (debug pods set it in their
// environment). Off Linux every subcommand refuses in one sentence.
func NewCommand(out, errOut io.Writer, nodeName string) *cobra.Command {
	return newCommand(out, errOut, nodeName, Commands())
}

// newCommand is NewCommand with the subcommands of cs.
func newCommand(out, errOut io.Writer, nodeName string, cs []Declared) *cobra.Command {
	env := Env{HostRoot: PodHostRoot, ProcRoot: PodProcRoot, NodeName: nodeName, Now: time.Now, Stderr: errOut}
	cmd := &cobra.Command{
		Use:    Verb,
		Short:  "Node-side checks, run inside node-debug pods",
		Hidden: true,
	}
	cmd.PersistentFlags().StringVar(&env.HostRoot, "host-root", env.HostRoot, "The host's root directory.")
	cmd.PersistentFlags().StringVar(&env.ProcRoot, "proc-root", env.ProcRoot, "The host's /proc.")
	cmd.PersistentFlags().StringVar(&env.NodeName, "node-name", env.NodeName, "The node's name, for reports (default: from the debug pod's environment).")
	for _, c := range cs {
		cmd.AddCommand(subcommand(c, &env, out))
	}
	if runtime.GOOS != "linux" {
		refuseOffLinux(cmd, runtime.GOOS)
	}
	return cmd
}

// subcommand is the hidden subcommand of a registered Command: its own
// flags, --options, and its report on out; the exit code is the command's
// policy.
func subcommand(c Declared, env *Env, out io.Writer) *cobra.Command {
	var options string
	info := c.Info()
	cmd := &cobra.Command{Use: info.Name, Short: info.Short, Args: cobra.NoArgs}
	run := c.Bind(cmd.Flags())
	cmd.Flags().StringVar(&options, OptionsFlag, "", "The options as JSON (the plugin passes them).")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		code, err := run(cmd.Context(), *env, options, out)
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
