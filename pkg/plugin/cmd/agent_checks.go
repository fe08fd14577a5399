package cmd

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
)

// newAgentChecksCmd is `agent checks`: the node side of every registered
// node check. It runs the selected checks and prints one JSON report; a
// check that fails is a result in it, never the command's failure.
func newAgentChecksCmd(g *Globals, f *AgentFlags) *cobra.Command {
	var only, skip []string
	var opts string
	cmd := &cobra.Command{
		Use:   nodecheck.AgentCommand,
		Short: "Run this node's checks and print one JSON report",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := nodecheck.ParseOptions(opts)
			if err != nil {
				return err
			}
			rep, err := nodecheck.RunLocal(cmd.Context(), f.Env(), only, skip, o)
			if err != nil {
				return err
			}
			return json.NewEncoder(g.Streams.Out).Encode(rep)
		},
	}
	cmd.Flags().StringSliceVar(&only, "only", nil, "Run only these checks (comma list).")
	cmd.Flags().StringSliceVar(&skip, "skip", nil, "Do not run these checks (comma list).")
	cmd.Flags().StringVar(&opts, "options", "", "The checks' options as JSON (the plugin passes them).")
	return cmd
}
