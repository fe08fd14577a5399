package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/version"
)

// NewVersionCmd builds `kubectl akash version`.
func NewVersionCmd(g *Globals) *cobra.Command {
	o := version.NewOptions(&g.Streams)
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit and Go version of kubectl-akash",
		GroupID: groupOther,
		Example: examples(`
			kubectl akash version
			kubectl akash version -o json`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}
