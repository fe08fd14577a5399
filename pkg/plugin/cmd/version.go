package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/version"
)

// VersionOptions are `kubectl akash version`'s.
type VersionOptions struct {
	*Globals
	Output *output.Flags
}

// NewVersionOptions holds its defaults.
func NewVersionOptions(g *Globals) *VersionOptions {
	o := &VersionOptions{Globals: g, Output: output.NewFlags()}
	o.Output.JQExample = ".version"
	return o
}

// NewVersionCmd builds `kubectl akash version`.
func NewVersionCmd(g *Globals) *cobra.Command {
	o := NewVersionOptions(g)
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit and Go version of kubectl-akash",
		GroupID: groupOther,
		Example: examples(`
			kubectl akash version
			kubectl akash version -o json`),
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Validate checks the output flags.
func (o *VersionOptions) Validate() error { return o.Output.Validate() }

// Run prints this build's version.
func (o *VersionOptions) Run() error {
	res := version.NewResult()
	return o.Output.Print(o.Streams.Out, res, res.Table)
}
