package cmd

import (
	"encoding/json"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
)

// NewAgentGPUCmd is `agent gpu`: the node side of `node-debug gpu`. It
// prints the node's report as JSON and exits 0 whatever it found: the
// plugin joins it with the cluster's side before judging the node.
func NewAgentGPUCmd(g *Globals, f *AgentFlags) *cobra.Command {
	o := gpu.Options{Timeout: 30 * time.Second}
	cmd := &cobra.Command{
		Use:   "gpu",
		Short: "Print this node's NVIDIA driver, GPUs, Xids and fabric manager state as JSON",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return json.NewEncoder(g.Streams.Out).Encode(gpu.Collect(cmd.Context(), f.Env(), o))
		},
	}
	cmd.Flags().StringVar(&o.KernelLog, "kernel-log", "", "A kernel log file on the host, instead of /dev/kmsg.")
	cmd.Flags().DurationVar(&o.Timeout, "tool-timeout", o.Timeout, "How long each tool run may take.")
	return cmd
}
