package cmd

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leases"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/watch"
)

// LeasesListOptions are the options of `kubectl akash leases list`.
type LeasesListOptions struct {
	*Globals
	Output *output.Flags
	List   *output.ListFlags
	Images []string
	Owner  string
	// Watch and WatchOnly are -w and --watch-only.
	Watch, WatchOnly bool
	// Chain is the chain's REST API; with it, -o wide shows each lease's
	// chain state and reclamation deadline.
	Chain    chain.APIFlags
	Provider string

	namespace string
	images    []*regexp.Regexp
}

// NewLeasesListOptions returns the defaults: --api-timeout 30s.
func NewLeasesListOptions(g *Globals) *LeasesListOptions {
	return &LeasesListOptions{Globals: g, Output: output.NewFlags(), List: output.NewListFlags(), Chain: chain.APIFlags{Timeout: 30 * time.Second}}
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

			# Print the leases, then what changes, until Ctrl-C
			kubectl akash leases list -w

			# With the chain's view: state and reclamation deadline per lease
			kubectl akash leases list -o wide --api https://api.example:443

			# Lease IDs only
			kubectl akash leases list --jq '.items[].spec.leaseID'`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.JQExample = `.items[].spec.leaseID | "\(.owner)/\(.dseq)"`
	o.Output.Sortable, o.Output.Labelled = true, true
	o.Output.AddFlags(cmd)
	o.List.AddFlags(cmd, "leases", output.SelectorFlag, output.FieldSelectorFlag, output.ChunkSizeFlag)
	cli.AddAllNamespacesFlag(cmd)
	watch.AddFlags(cmd, &o.Watch, &o.WatchOnly, "watch the Manifests, lease namespaces and their pods")
	cmd.Flags().StringArrayVar(&o.Images, "image", nil, "Only leases with a service image matching this regular expression (case-insensitive; repeatable).")
	cmd.Flags().StringVar(&o.Owner, "owner", "", "Only leases of this tenant address.")
	o.Chain.AddFlags(cmd, ": read each lease's chain state and reclamation deadline from it.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "With --api: the provider address whose leases are read from the chain (default: the one the cluster's leases name).")
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
	var err error
	if o.images, err = leases.CompileImages(o.Images, false); err != nil {
		return err
	}
	if err := cli.FirstError(o.List.Validate, o.Chain.Validate); err != nil {
		return err
	}
	if o.Provider != "" && o.Chain.API == "" {
		return fmt.Errorf("--provider names whose leases to read from the chain: add --api")
	}
	return cli.FirstError(func() error { return akash.NormalizeAddressFlag("--provider", &o.Provider) }, func() error { return akash.NormalizeAddressFlag("--owner", &o.Owner) })
}

// Run reads the cluster once (and the chain once, with --api) and prints
// the leases; with --watch, again on each change of what the read depends on.
func (o *LeasesListOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	q := leases.Query{LeaseNamespace: o.LeaseNamespace, List: o.List, Chain: o.Chain.Source(), Provider: o.Provider,
		Filter: leases.Filter{Namespace: o.namespace, Owner: o.Owner, Images: o.images}}
	if o.Watch || o.WatchOnly {
		return watch.Run(ctx, o.Streams.Out, o.Streams.ErrOut, watch.Options{Only: o.WatchOnly, Next: watch.OnEvents(watch.Settle, q.Watchers(clients)...)},
			func(ctx context.Context, errOut io.Writer) (*watch.Frame, error) {
				items, err := leases.Read(ctx, clients, q, errOut)
				if err != nil {
					return nil, err
				}
				return leases.Frame(items, o.printItems), nil
			})
	}
	items, err := leases.Read(ctx, clients, q, o.Streams.ErrOut)
	if err != nil {
		return err
	}
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "No leases found.")
		return nil
	}
	return o.printItems(o.Streams.Out, items, false)
}

// printItems prints leases; a watch prints the header only once.
func (o *LeasesListOptions) printItems(out io.Writer, items []leases.Lease, noHeaders bool) error {
	defer func(was bool) { o.Output.NoHeaders = was }(o.Output.NoHeaders)
	o.Output.NoHeaders = o.Output.NoHeaders || noHeaders
	return o.Output.Print(out, leases.List(items), func() *output.Table {
		return leases.Table(items, metav1.Now, o.Chain.API != "")
	})
}
