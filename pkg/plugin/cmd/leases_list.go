package cmd

import (
	"context"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leases"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// LeasesListOptions are the options of `kubectl akash leases list`.
type LeasesListOptions struct {
	*Globals
	Output *output.Flags
	List   *output.ListFlags
	Images []string
	Owner  string

	namespace string
	images    []*regexp.Regexp
}

// NewLeasesListOptions returns the options with their defaults.
func NewLeasesListOptions(g *Globals) *LeasesListOptions {
	return &LeasesListOptions{Globals: g, Output: output.NewFlags(), List: output.NewListFlags()}
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
			their pods. Three LIST calls, however many leases there are.`),
		Example: examples(`
			# Every lease, with pod phases
			kubectl akash leases list -o wide

			# Leases running an image matching a regex (case-insensitive)
			kubectl akash leases list --image 'xmrig|miner'

			# One tenant's leases, newest last, with their namespaces' labels
			kubectl akash leases list -l akash.network/lease.id.owner=akash1... --sort-by .metadata.creationTimestamp --show-labels

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
	o.Output.Sortable, o.Output.Labelled = true, true
	o.Output.AddFlags(cmd)
	o.List.AddFlags(cmd, "leases", output.SelectorFlag, output.FieldSelectorFlag, output.ChunkSizeFlag)
	addAllNamespacesFlag(cmd)
	cmd.Flags().StringArrayVar(&o.Images, "image", nil, "Only leases with a service image matching this regular expression (case-insensitive; repeatable).")
	cmd.Flags().StringVar(&o.Owner, "owner", "", "Only leases of this tenant address.")
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
	if err := o.List.Validate(); err != nil {
		return err
	}
	if o.Owner != "" {
		var err error
		if o.Owner, err = akash.NormalizeAddress(o.Owner); err != nil {
			return fmt.Errorf("--owner: %w", err)
		}
	}
	return nil
}

// Run reads the cluster once and prints the leases.
func (o *LeasesListOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	snap, err := snapshot.Load(ctx, clients, snapshot.Spec{
		LeaseNamespace:  o.LeaseNamespace,
		Namespace:       o.namespace,
		ChunkSize:       o.List.ChunkSize,
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
	items, err := output.Keep(o.List, leases.Build(snap, leases.Filter{Namespace: o.namespace, Owner: o.Owner, Images: o.images}))
	if err != nil {
		return err
	}
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "No leases found.")
		return nil
	}
	return o.Output.Print(o.Streams.Out, leases.List(items), func() *output.Table {
		return leases.Table(items, metav1.Now)
	})
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
