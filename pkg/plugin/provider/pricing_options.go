package provider

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// PricingOptions are the options of `provider pricing`.
type PricingOptions struct {
	*cli.Globals
	Output       *output.Flags
	Release      string
	Denoms       []string
	ChunkSize    int64
	ProviderYAML bool
}

// NewPricingOptions returns the defaults: the akash-provider release.
func NewPricingOptions(g *cli.Globals) *PricingOptions {
	return &PricingOptions{Globals: g, Output: output.NewFlags(), Release: DefaultRelease}
}

// Complete has nothing to read from the command line: every flag is bound
// to a field.
func (o *PricingOptions) Complete(*cobra.Command) error { return nil }

// Validate checks flags without I/O.
func (o *PricingOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if err := output.ValidateChunkSize(o.ChunkSize); err != nil {
		return err
	}
	if errs := validation.IsDNS1123Subdomain(o.Release); o.Release == "" || len(errs) > 0 || len(o.Release) > 53 {
		return fmt.Errorf("--release %q is not a helm release name (default %q)", o.Release, DefaultRelease)
	}
	return nil
}

// Run reads the release Secrets and ConfigMaps (two LISTs), analyses them
// and prints the values, the migration steps and what the script cannot
// price (exit 3).
func (o *PricingOptions) Run(ctx context.Context) error {
	c, err := o.Clients()
	if err != nil {
		return err
	}
	p, err := ReadPricing(ctx, c, o.ProviderNamespace, o.Release, o.ChunkSize, o.Denoms)
	if err != nil {
		return err
	}
	for _, w := range p.Spec.Warnings {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %s\n", w)
	}
	if o.ProviderYAML {
		_, err := fmt.Fprint(o.Streams.Out, p.Spec.ProviderYAML())
		return err
	}
	if err := o.Output.Print(o.Streams.Out, p, func() *output.Table { return PricingTable(&p.Spec) }); err != nil {
		return err
	}
	if o.Output.Human() {
		for i, s := range p.Spec.Steps {
			fmt.Fprintf(o.Streams.Out, "migration step %d: %s\n", i+1, s)
		}
	}
	if msg := p.UnpricedError(); msg != "" {
		fmt.Fprintln(o.Streams.ErrOut, msg)
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}
