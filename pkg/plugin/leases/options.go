package leases

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
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/watch"
)

// ListOptions are the options of `kubectl akash leases list`.
type ListOptions struct {
	*cli.Globals
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

// NewListOptions returns the defaults: --api-timeout 30s, leases sortable
// and labelled, and the --jq example of their IDs.
func NewListOptions(g *cli.Globals) *ListOptions {
	o := &ListOptions{Globals: g, Output: output.NewFlags(), List: output.NewListFlags(), Chain: chain.APIFlags{Timeout: 30 * time.Second}}
	o.Output.JQExample = `.items[].spec.leaseID | "\(.owner)/\(.dseq)"`
	o.Output.Sortable, o.Output.Labelled = true, true
	return o
}

// Complete reads -n (a lease namespace) from the flags.
func (o *ListOptions) Complete(cmd *cobra.Command) error {
	o.namespace = o.NamespaceFlag(cmd)
	return nil
}

// Validate checks flags without any I/O.
func (o *ListOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	var err error
	if o.images, err = akash.CompileImages(o.Images, false); err != nil {
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
func (o *ListOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	q := Query{LeaseNamespace: o.LeaseNamespace, List: o.List, Chain: o.Chain.Source(), Provider: o.Provider,
		Filter: Filter{Namespace: o.namespace, Owner: o.Owner, Images: o.images}}
	if o.Watch || o.WatchOnly {
		return watch.Run(ctx, o.Streams.Out, o.Streams.ErrOut, watch.Options{Only: o.WatchOnly, Next: watch.OnEvents(watch.Settle, q.Watchers(clients)...)},
			func(ctx context.Context, errOut io.Writer) (*watch.Frame, error) {
				items, err := Read(ctx, clients, q, errOut)
				if err != nil {
					return nil, err
				}
				return Frame(items, o.printItems), nil
			})
	}
	items, err := Read(ctx, clients, q, o.Streams.ErrOut)
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
func (o *ListOptions) printItems(out io.Writer, items []Lease, noHeaders bool) error {
	defer func(was bool) { o.Output.NoHeaders = was }(o.Output.NoHeaders)
	o.Output.NoHeaders = o.Output.NoHeaders || noHeaders
	return o.Output.Print(out, List(items), func() *output.Table {
		return Table(items, metav1.Now, o.Chain.API != "")
	})
}
