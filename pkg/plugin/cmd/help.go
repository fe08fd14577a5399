package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/usage"
)

// longDesc and examples format a command's Long and Example (package usage).
var (
	longDesc = usage.LongDesc
	examples = usage.Examples
)

// Command groups shown in help.
const (
	groupLeases    = "leases"
	groupWorkloads = "workloads"
	groupNodes     = "nodes"
	groupOther     = "other"
)

// addHelpGroups gives root's help its sections; help and completion are
// listed under "Other Commands".
func addHelpGroups(root *cobra.Command) {
	root.AddGroup(
		&cobra.Group{ID: groupLeases, Title: "Leases:"},
		&cobra.Group{ID: groupWorkloads, Title: "Workloads:"},
		&cobra.Group{ID: groupNodes, Title: "Nodes:"},
		&cobra.Group{ID: groupOther, Title: "Other Commands:"},
	)
	root.SetHelpCommandGroupID(groupOther)
	root.SetCompletionCommandGroupID(groupOther)
}

// optionsCmdName is the command that lists the global flags, which every
// other command's help leaves out, as `kubectl options` does.
const optionsCmdName = "options"

// NewOptionsCmd builds `kubectl akash options`: the flags every command
// takes (kubeconfig, namespaces, logging, profiling, plugins).
func NewOptionsCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:     optionsCmdName,
		Short:   "Print the list of flags inherited by all commands",
		GroupID: groupOther,
		Long:    "The flags every kubectl akash command takes.",
		Example: examples(`
			# Print flags inherited by all commands
			kubectl akash options`),
		Args: cobra.NoArgs,
		RunE: usage.PrintOptions(root),
	}
}
