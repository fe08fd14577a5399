package cmd

import (
	"context"
	"fmt"
	"io"
	"regexp"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kwatch "k8s.io/apimachinery/pkg/watch"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leases"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
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
	Chain    chainAPIFlags
	Provider string

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

			# Print the leases, then what changes, until Ctrl-C
			kubectl akash leases list -w

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
	o.Output.Sortable, o.Output.Labelled = true, true
	o.Output.AddFlags(cmd)
	o.List.AddFlags(cmd, "leases", output.SelectorFlag, output.FieldSelectorFlag, output.ChunkSizeFlag)
	addAllNamespacesFlag(cmd)
	addWatchFlags(cmd, &o.Watch, &o.WatchOnly, "watch the Manifests, lease namespaces and their pods")
	cmd.Flags().StringArrayVar(&o.Images, "image", nil, "Only leases with a service image matching this regular expression (case-insensitive; repeatable).")
	cmd.Flags().StringVar(&o.Owner, "owner", "", "Only leases of this tenant address.")
	o.Chain.addFlags(cmd, ": read each lease's chain state and reclamation deadline from it.")
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
// the leases; with --watch, again on each change of what the read depends on.
func (o *LeasesListOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	if !o.Watch && !o.WatchOnly {
		return o.print(ctx, clients, o.Streams.Out, o.Streams.ErrOut)
	}
	managed := metav1.ListOptions{LabelSelector: akash.LabelManaged + "=true"}
	next := watch.OnEvents(watchSettle,
		func(ctx context.Context) (kwatch.Interface, error) {
			w, err := clients.Dynamic.Resource(akash.ManifestGVR).Namespace(o.LeaseNamespace).Watch(ctx, metav1.ListOptions{})
			return w, cli.Explain(err, "watching Manifests in namespace "+o.LeaseNamespace)
		},
		func(ctx context.Context) (kwatch.Interface, error) {
			w, err := clients.Kube.CoreV1().Namespaces().Watch(ctx, managed)
			return w, cli.Explain(err, "watching lease namespaces")
		},
		func(ctx context.Context) (kwatch.Interface, error) {
			w, err := clients.Kube.CoreV1().Pods(o.namespace).Watch(ctx, managed)
			return w, cli.Explain(err, "watching lease pods")
		})
	return watch.Run(ctx, o.Streams.Out, o.Streams.ErrOut, watch.Options{Only: o.WatchOnly, Next: next},
		func(ctx context.Context, errOut io.Writer) (*watch.Frame, error) {
			items, err := o.read(ctx, clients, errOut)
			if err != nil {
				return nil, err
			}
			f := &watch.Frame{Objects: map[string]any{}, Print: func(out io.Writer, names map[string]bool, headers bool) error {
				var changed []leases.Lease
				for _, l := range items {
					if names[l.Name] {
						changed = append(changed, l)
					}
				}
				return o.printItems(out, changed, !headers)
			}}
			for _, l := range items {
				f.Objects[l.Name] = l
			}
			return f, nil
		})
}

// print is one read of the cluster and its output.
func (o *LeasesListOptions) print(ctx context.Context, clients *cli.Clients, out, errOut io.Writer) error {
	items, err := o.read(ctx, clients, errOut)
	if err != nil {
		return err
	}
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(errOut, "No leases found.")
		return nil
	}
	return o.printItems(out, items, false)
}

// printItems prints leases; a watch prints the header only once.
func (o *LeasesListOptions) printItems(out io.Writer, items []leases.Lease, noHeaders bool) error {
	defer func(was bool) { o.Output.NoHeaders = was }(o.Output.NoHeaders)
	o.Output.NoHeaders = o.Output.NoHeaders || noHeaders
	return o.Output.Print(out, leases.List(items), func() *output.Table {
		return leases.Table(items, metav1.Now, o.Chain.API != "")
	})
}

// read is one read of the cluster (three LISTs) and the leases it selects.
func (o *LeasesListOptions) read(ctx context.Context, clients *cli.Clients, errOut io.Writer) ([]leases.Lease, error) {
	snap, err := snapshot.Load(ctx, clients, snapshot.Spec{
		LeaseNamespace:  o.LeaseNamespace,
		Namespace:       o.namespace,
		ChunkSize:       o.List.ChunkSize,
		Manifests:       true,
		LeaseNamespaces: true,
		Pods:            true,
	})
	if err != nil {
		return nil, err
	}
	for _, err := range snap.ManifestErrors {
		fmt.Fprintf(errOut, "warning: %v\n", err)
	}
	items, err := output.Keep(o.List, leases.Build(snap, leases.Filter{Namespace: o.namespace, Owner: o.Owner, Images: o.images}))
	if err != nil || o.Chain.API == "" || len(items) == 0 {
		return items, err
	}
	return items, o.joinChain(ctx, snap, items)
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
