package globalflags

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Check checks the global flags of g as cmd parsed them, before any command
// reads the cluster. A command may have a -n of its own (node-debug
// zombies): only the global one is checked.
func Check(cmd *cobra.Command, g *cli.Globals) error {
	v := Values{LeaseNamespace: g.LeaseNamespace, ProviderNamespace: g.ProviderNamespace}
	if t := g.ConfigFlags.Timeout; t != nil {
		v.RequestTimeout = *t
	}
	if f := cmd.Flags().Lookup("namespace"); f != nil && f == cmd.Root().PersistentFlags().Lookup("namespace") && f.Changed {
		v.Namespace = g.ConfigFlags.Namespace
	}
	if f := cmd.Flags().Lookup("all-namespaces"); f != nil && f.Annotations[cli.AllNamespacesAnnotation] != nil {
		v.AllNamespaces = f.Value.String() == "true"
	}
	return v.Validate()
}
