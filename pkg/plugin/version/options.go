package version

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Options are `kubectl akash version`'s. They take the streams, not
// cli.Globals: cli names this build in its User-Agent, so it imports this
// package.
type Options struct {
	Streams *genericiooptions.IOStreams
	Output  *output.Flags
}

// NewOptions holds its defaults.
func NewOptions(streams *genericiooptions.IOStreams) *Options {
	o := &Options{Streams: streams, Output: output.NewFlags()}
	o.Output.JQExample = ".version"
	return o
}

// Complete has nothing to read: version takes no arguments.
func (o *Options) Complete(*cobra.Command) error { return nil }

// Validate checks the output flags.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run prints this build's version.
func (o *Options) Run(context.Context) error {
	res := NewResult()
	return o.Output.Print(o.Streams.Out, res, res.Table)
}
