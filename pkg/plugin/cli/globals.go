package cli

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// Globals are the persistent flags every command sees, and the streams: what
// a command's Options, in its domain package, need from the command line
// besides their own flags.
type Globals struct {
	ConfigFlags       *genericclioptions.ConfigFlags
	LeaseNamespace    string
	ProviderNamespace string
	Streams           genericiooptions.IOStreams
	// ClientsFunc, when set, replaces the kubeconfig flags as the source of
	// API clients (tests use it to count requests).
	ClientsFunc func() (*Clients, error)
}

// Clients builds the API clients from the kubeconfig flags.
func (g *Globals) Clients() (*Clients, error) {
	if g.ClientsFunc != nil {
		return g.ClientsFunc()
	}
	return NewClients(g.ConfigFlags)
}

// NamespaceFlag returns -n when the user passed it, and "" otherwise: the
// kubeconfig context's default namespace means nothing for commands that look
// across every lease.
func (g *Globals) NamespaceFlag(cmd *cobra.Command) string {
	if f := cmd.Flags().Lookup("namespace"); f != nil && f.Changed && g.ConfigFlags != nil && g.ConfigFlags.Namespace != nil {
		return *g.ConfigFlags.Namespace
	}
	return ""
}

// AllNamespacesAnnotation marks the -A/--all-namespaces of commands where
// all namespaces is already the default and -n narrows it (node-debug
// zombies has a -A of its own meaning); the global flags' check reads it.
const AllNamespacesAnnotation = "kubectl-akash/all-namespaces"

// AddAllNamespacesFlag accepts kubectl's -A on a command that looks at
// every namespace unless -n is given.
func AddAllNamespacesFlag(cmd *cobra.Command) {
	cmd.Flags().BoolP("all-namespaces", "A", false, "Every namespace (the default; -n narrows it).")
	_ = cmd.Flags().SetAnnotation("all-namespaces", AllNamespacesAnnotation, []string{"true"})
}
