package cmd

import (
	"context"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leases"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// LeasesListOptions are the options of `kubectl akash leases list`.
type LeasesListOptions struct {
	*Globals
	Output    *output.Flags
	Images    []string
	Owner     string
	ChunkSize int64
	// Chain is the chain's REST API; with it, -o wide shows each lease's
	// chain state and reclamation deadline.
	Chain    chainAPIFlags
	Provider string

	namespace string
	images    []*regexp.Regexp
}

// NewLeasesListOptions returns the options with their defaults.
func NewLeasesListOptions(g *Globals) *LeasesListOptions {
	return &LeasesListOptions{Globals: g, Output: output.NewFlags()}
}

// NewLeasesListCmd builds `kubectl akash leases list`.
func NewLeasesListCmd(g *Globals) *cobra.Command {
	o := NewLeasesListOptions(g)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls", "get"},
		Short:   "List the leases found in the cluster, with their services, images and pods",
		Long: longDesc(`
			List one row per lease found in the cluster: Manifest CRs in the lease
			namespace joined with the lease namespaces (label akash.network=true) and
			their pods. Three LIST calls, however many leases there are.

			With --api, the chain is read once as well (the provider's open leases,
			page by page): -o wide adds each lease's chain state (active,
			insufficient_funds, reclaiming, or "not open": closed or unknown to the
			chain) and, for a reclaiming lease, the deadline at which the chain closes
			it. A reclaiming lease is open: the provider serves it until then.`),
		Example: examples(`
			# Every lease, with pod phases
			kubectl akash leases list -o wide

			# Leases running an image matching a regex (case-insensitive)
			kubectl akash leases list --image 'xmrig|miner'

			# With the chain's view: state and reclamation deadline per lease
			kubectl akash leases list -o wide --api https://api.example:443

			# Lease IDs only
			kubectl akash leases list --jq '.items[].spec.leaseID'`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Complete(cmd); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.JQExample = `.items[].spec.leaseID | "\(.owner)/\(.dseq)"`
	o.Output.AddFlags(cmd)
	addAllNamespacesFlag(cmd)
	cmd.Flags().StringArrayVar(&o.Images, "image", nil, "Only leases with a service image matching this regular expression (case-insensitive; repeatable).")
	cmd.Flags().StringVar(&o.Owner, "owner", "", "Only leases of this tenant address.")
	o.Chain.addFlags(cmd, ": read each lease's chain state and reclamation deadline from it.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "With --api: the provider address whose leases are read from the chain (default: the one the cluster's leases name).")
	cmd.Flags().Int64Var(&o.ChunkSize, "chunk-size", 0, "Page LIST requests this many objects at a time (0: one request per resource type).")
	return cmd
}

// Complete reads -n (a lease namespace) from the flags.
func (o *LeasesListOptions) Complete(cmd *cobra.Command) error {
	o.namespace = o.NamespaceFlag(cmd)
	return nil
}

// Validate checks flags without any I/O.
func (o *LeasesListOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	for _, expr := range o.Images {
		re, err := compileImageRegex(expr)
		if err != nil {
			return err
		}
		o.images = append(o.images, re)
	}
	if o.ChunkSize < 0 {
		return fmt.Errorf("--chunk-size must be 0 or positive, got %d", o.ChunkSize)
	}
	if err := o.Chain.validate(); err != nil {
		return err
	}
	if o.Provider != "" {
		if o.Chain.API == "" {
			return fmt.Errorf("--provider names whose leases to read from the chain: add --api")
		}
		var err error
		if o.Provider, err = akash.NormalizeAddress(o.Provider); err != nil {
			return fmt.Errorf("--provider: %w", err)
		}
	}
	if o.Owner != "" {
		var err error
		if o.Owner, err = akash.NormalizeAddress(o.Owner); err != nil {
			return fmt.Errorf("--owner: %w", err)
		}
	}
	return nil
}

// Run reads the cluster once (and the chain once, with --api) and prints
// the leases.
func (o *LeasesListOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	snap, err := snapshot.Load(ctx, clients, snapshot.Spec{
		LeaseNamespace:  o.LeaseNamespace,
		Namespace:       o.namespace,
		ChunkSize:       o.ChunkSize,
		Manifests:       true,
		LeaseNamespaces: true,
		Pods:            true,
	})
	if err != nil {
		return err
	}
	for _, err := range snap.ManifestErrors {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %v\n", err)
	}
	items := leases.Build(snap, leases.Filter{Namespace: o.namespace, Owner: o.Owner, Images: o.images})
	withChain := o.Chain.API != ""
	if withChain && len(items) > 0 {
		if err := o.joinChain(ctx, snap, items); err != nil {
			return err
		}
	}
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "No leases found.")
		return nil
	}
	return o.Output.Print(o.Streams.Out, leases.List(items), func() *output.Table {
		return leases.Table(items, metav1.Now, withChain)
	})
}

// joinChain reads the provider's open leases from the chain, one paged
// listing, and joins them to items. A chain that cannot be read fails the
// run: a listing that silently lacks the asked-for chain state would read
// as "not open".
func (o *LeasesListOptions) joinChain(ctx context.Context, snap *snapshot.Snapshot, items []leases.Lease) error {
	provider := o.Provider
	if provider == "" {
		var err error
		if provider, err = dangling.InferProvider(snap); err != nil {
			return err
		}
	}
	src := o.Chain.source()
	open, err := src.OpenLeases(ctx, provider)
	if err != nil {
		return fmt.Errorf("cannot read the open leases of %s from the chain (%s): %w", provider, src.Describe(), err)
	}
	leases.JoinChain(items, provider, open)
	return nil
}

// compileImageRegex compiles an --image expression case-insensitively, the
// way the runbooks' `grep -Ei` matched.
func compileImageRegex(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, fmt.Errorf("--image needs a regular expression, got an empty string")
	}
	re, err := regexp.Compile("(?i)" + expr)
	if err != nil {
		return nil, fmt.Errorf("--image %q is not a valid regular expression: %w", expr, err)
	}
	return re, nil
}
