package leaseclose

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// CloseOptions are the options of `leases close`.
type CloseOptions struct {
	*cli.Globals
	Output *output.Flags
	Exec   *execute.Options
	Chain  Flags

	Owner         string
	DSeq          uint64
	GSeq          uint32
	OSeq          uint32
	Provider      string
	Filename      string
	ExcludeOwners []string
	ChunkSize     int64

	// seqGiven records that --dseq, --gseq or --oseq was passed.
	seqGiven bool
}

// NewCloseOptions returns the defaults: --gseq 1, --oseq 1, and those of
// Flags.
func NewCloseOptions(g *cli.Globals) *CloseOptions {
	return &CloseOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Chain: NewFlags(), GSeq: 1, OSeq: 1}
}

// Complete reads --dry-run and which flags were given explicitly.
func (o *CloseOptions) Complete(cmd *cobra.Command) error {
	o.Chain.Complete(cmd)
	o.seqGiven = cmd.Flags().Changed("dseq") || cmd.Flags().Changed("gseq") || cmd.Flags().Changed("oseq")
	return o.Exec.Complete(cmd)
}

// Validate checks the flags without I/O.
func (o *CloseOptions) Validate() error {
	if err := cli.FirstError(o.Output.Validate, o.Exec.Validate, o.Chain.Validate, func() error { return output.ValidateChunkSize(o.ChunkSize) }); err != nil {
		return err
	}
	if err := akash.NormalizeAddressFlags("--exclude-owner", o.ExcludeOwners); err != nil {
		return err
	}
	switch byID := o.Owner != "" || o.seqGiven || o.Provider != ""; {
	case o.Filename != "" && byID:
		return fmt.Errorf("-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways: use one")
	case o.Filename != "":
		return nil
	case o.Owner == "" || o.DSeq == 0:
		return fmt.Errorf("name the lease to close with --owner and --dseq (--gseq/--oseq default to 1), or pass -f FILE|- with a lease list")
	case o.GSeq == 0 || o.OSeq == 0:
		return fmt.Errorf("--gseq and --oseq start at 1")
	}
	return cli.FirstError(func() error { return akash.NormalizeAddressFlag("--owner", &o.Owner) }, func() error { return akash.NormalizeAddressFlag("--provider", &o.Provider) })
}

// Run reads the leases to close (-f, or the one named by ID, completed from
// its Manifest), the cluster once, and closes them.
func (o *CloseOptions) Run(ctx context.Context) error {
	var in Input
	if o.Filename != "" {
		var err error
		if in, err = ReadInputFile(o.Filename, o.Streams.In); err != nil {
			return err
		}
		in.Warn(o.Streams.ErrOut, o.Filename)
		if len(in.Leases) == 0 {
			fmt.Fprintf(o.Streams.ErrOut, "No leases in %s: nothing to close.\n", o.Filename)
			if o.Output.Human() {
				return nil
			}
			return o.Output.Print(o.Streams.Out, List(nil), nil)
		}
	}
	clients, snap, err := snapshot.LoadChecked(ctx, o.Globals, Spec(o.LeaseNamespace, o.ProviderNamespace, o.ChunkSize, &o.Chain.Signer))
	if err != nil {
		return err
	}
	if o.Filename == "" {
		id, err := Resolve(akash.LeaseID{Owner: o.Owner, DSeq: o.DSeq, GSeq: o.GSeq, OSeq: o.OSeq, Provider: o.Provider}, snap.Manifests, o.LeaseNamespace)
		if err != nil {
			return err
		}
		in.Leases = []InputLease{{ID: id}}
	}
	items := FromInput(in, snap.ManifestByNamespace(), o.Chain.Reason)
	Exclude(items, o.ExcludeOwners)
	if err := o.Chain.Closer(o.Globals, o.Exec, o.Output, clients, snap).Run(ctx, items); err != nil {
		return err
	}
	return in.NothingLeft(o.Filename)
}
