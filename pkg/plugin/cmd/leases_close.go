package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/spf13/cobra"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leaseclose"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// chainOptions are the flags of commands that close leases on chain, and
// the choice of where the transaction is signed.
type chainOptions struct {
	Reason uint32
	// ViaCLI, when set, is a local akt or provider-services (detected from
	// its version output) run with the operator's environment and keys
	// instead of exec in the provider pod.
	ViaCLI string
	// From, KeyringBackend, Node, ChainID and CLIContext are passed to the
	// local CLI (--from, --keyring-backend, --node, --chain-id, akt's
	// --context) when set.
	From, KeyringBackend, Node, ChainID, CLIContext string
	// cli is the detected CLI, once runner ran.
	cli chain.CLI
	// BlockTime is the chain's time between blocks: the wait before a retry
	// after a sequence mismatch, and between checks for a commit.
	BlockTime time.Duration
	// MaxLeases caps how many leases one run may act on (the blast radius
	// of a wrong regex or a wrong input file).
	MaxLeases int
	// maxLeasesSet records that --max-leases was given explicitly.
	maxLeasesSet bool
}

// DefaultMaxLeases is how many leases one run acts on at most unless
// --max-leases says otherwise.
const DefaultMaxLeases = 20

func newChainOptions() chainOptions {
	return chainOptions{Reason: chain.DefaultReason, BlockTime: chain.DefaultBlockTime, MaxLeases: DefaultMaxLeases}
}

// capOf is the blast-radius cap of the leases one run may act on.
func (c *chainOptions) capOf() *execute.Cap {
	return &execute.Cap{Max: c.MaxLeases, Noun: "leases", Flag: "--max-leases"}
}

// AddFlags binds --reason and --via-cli.
func (c *chainOptions) AddFlags(cmd *cobra.Command) {
	cmd.Flags().Uint32Var(&c.Reason, "reason", c.Reason, "On-chain close reason (10000-19999, providers' range); 0 leaves --reason out for provider-services releases without it.")
	cmd.Flags().DurationVar(&c.BlockTime, "block-time", c.BlockTime, "The chain's time between blocks: how long to wait before retrying after an account sequence mismatch, and between checks that a transaction was committed.")
	cmd.Flags().StringVar(&c.ViaCLI, "via-cli", "", "Sign and read the chain with this local binary instead of exec in the akash-provider pod: akt (preferred: its own key and context, no collision with the provider's account sequence) or provider-services, detected from what its version command says; anything else is refused.")
	cmd.Flags().StringVar(&c.From, "from", "", "With --via-cli: the key (name or address) to sign with; default: the CLI's own (akt's context default-account, AKASH_FROM).")
	cmd.Flags().StringVar(&c.KeyringBackend, "keyring-backend", "", "With --via-cli: the keyring backend (os, file, test, ...); default: the CLI's own.")
	cmd.Flags().StringVar(&c.Node, "chain-node", "", "With --via-cli: the chain's RPC address, passed as --node; default: the CLI's own (akt's context, AKASH_NODE).")
	cmd.Flags().StringVar(&c.ChainID, "chain-id", "", "With --via-cli: the chain ID, passed as --chain-id; default: the CLI's own.")
	cmd.Flags().StringVar(&c.CLIContext, "cli-context", "", "With --via-cli and akt: the akt context to use, passed as akt's --context (not kubectl's --context).")
	cmd.Flags().IntVar(&c.MaxLeases, "max-leases", c.MaxLeases, "Refuse to act on more than this many leases in one run.")
}

// Complete records which flags were given explicitly.
func (c *chainOptions) Complete(cmd *cobra.Command) {
	c.maxLeasesSet = cmd.Flags().Changed("max-leases")
}

// Validate checks the flags without I/O.
func (c *chainOptions) Validate() error {
	if c.Reason != 0 && (c.Reason < 10000 || c.Reason > 19999) {
		return fmt.Errorf("--reason %d: providers close with a reason in 10000-19999 (default %d), or 0 to leave it out", c.Reason, chain.DefaultReason)
	}
	if c.MaxLeases < 1 {
		return fmt.Errorf("--max-leases %d: want at least 1 (the most leases one run may act on)", c.MaxLeases)
	}
	if c.ViaCLI == "" {
		for _, f := range []struct{ name, v string }{{"--from", c.From}, {"--keyring-backend", c.KeyringBackend}, {"--chain-node", c.Node}, {"--chain-id", c.ChainID}, {"--cli-context", c.CLIContext}} {
			if f.v != "" {
				return fmt.Errorf("%s is for a local CLI: add --via-cli PATH (akt or provider-services); in the akash-provider pod the pod's own key and node settings sign", f.name)
			}
		}
	} else if _, err := exec.LookPath(c.ViaCLI); err != nil {
		return fmt.Errorf("--via-cli %s: no such executable", c.ViaCLI)
	}
	if c.BlockTime < 10*time.Millisecond || c.BlockTime > 10*time.Minute {
		return fmt.Errorf("--block-time %s: want the chain's block time, between 10ms and 10m (Akash: about 6s)", c.BlockTime)
	}
	return nil
}

// wantsProviderPods says whether the snapshot must list the provider pods.
func (c *chainOptions) wantsProviderPods() bool { return c.ViaCLI == "" }

// runner chooses where transactions are signed: the local CLI, whose
// dialect (akt or provider-services) is detected from its version output,
// or provider-services in the Ready akash-provider pod of the snapshot. It
// fails — before anything is sent — when the local binary is neither CLI,
// or there is no such pod.
func (c *chainOptions) runner(ctx context.Context, g *Globals, clients *cli.Clients, snap *snapshot.Snapshot) (chain.Runner, string, error) {
	if c.ViaCLI != "" {
		r := chain.LocalRunner{Binary: c.ViaCLI}
		if c.cli.Dialect == "" {
			detected, err := chain.Detect(ctx, r, "--via-cli "+c.ViaCLI)
			if err != nil {
				return nil, "", err
			}
			if c.CLIContext != "" && !detected.IsAkt() {
				return nil, "", fmt.Errorf("--cli-context is akt's --context, and --via-cli %s is provider-services %s, which has no contexts: drop --cli-context, nothing was sent", c.ViaCLI, detected.Version)
			}
			detected.From, detected.KeyringBackend, detected.Node, detected.ChainID, detected.Context = c.From, c.KeyringBackend, c.Node, c.ChainID, c.CLIContext
			c.cli = detected
		}
		return r, fmt.Sprintf("with the local %s %s (%s)", c.cli.Name(), c.cli.Version, c.ViaCLI), nil
	}
	pod, err := chain.SelectProviderPod(snap.ProviderPods, g.ProviderNamespace)
	if err != nil {
		return nil, "", err
	}
	c.cli = chain.CLI{}
	return chain.NewPodRunner(clients, pod), "in pod " + pod.Namespace + "/" + pod.Name, nil
}

// broadcaster is the transaction sender of runner r.
func (c *chainOptions) broadcaster(r chain.Runner, dryRun cmdutil.DryRunStrategy) *chain.Broadcaster {
	b := chain.NewBroadcaster(r, dryRun)
	b.BlockTime, b.CLI = c.BlockTime, c.cli
	return b
}

// closeFlow runs plan → confirm → close for items, the same for every
// command that closes leases.
func closeFlow(ctx context.Context, g *Globals, c *chainOptions, ex *execute.Options, out *output.Flags, clients *cli.Clients, snap *snapshot.Snapshot, items []leaseclose.LeaseClose) error {
	if err := leaseclose.CheckOneProvider(items); err != nil {
		return err
	}
	plan := leaseclose.Plan(items)
	planned := execute.CountPlanned(plan.Actions())
	var engine *execute.Engine
	where := ""
	if planned > 0 {
		r, w, err := c.runner(ctx, g, clients, snap)
		if err != nil {
			return err
		}
		engine, where = ex.NewEngine().Register(chain.TxApplier{B: c.broadcaster(r, ex.DryRun)}, chain.VerbCloseBid), w
	}
	flow := &execute.Flow{
		Options: ex, Streams: g.Streams, Output: out,
		Result:   leaseclose.List(items),
		Table:    func() *output.Table { return leaseclose.Table(items) },
		Plan:     plan,
		Engine:   engine,
		Question: fmt.Sprintf("Close %d lease(s) on chain (%s tx market bid close %s, one transaction per block).", planned, c.cli.Name(), where),
		Cap:      c.capOf(),
	}
	return flow.Run(ctx)
}

// LeasesCloseOptions are the options of `leases close`.
type LeasesCloseOptions struct {
	*Globals
	Output *output.Flags
	Exec   *execute.Options
	Chain  chainOptions

	Owner         string
	DSeq          uint64
	GSeq          uint32
	OSeq          uint32
	Provider      string
	Filename      string
	ExcludeOwners []string
	ChunkSize     int64
}

// NewLeasesCloseCmd builds `kubectl akash leases close`.
func NewLeasesCloseCmd(g *Globals) *cobra.Command {
	o := &LeasesCloseOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Chain: newChainOptions(), GSeq: 1, OSeq: 1}
	cmd := &cobra.Command{
		Use:   "close (--owner ADDR --dseq N [--gseq 1 --oseq 1] | -f FILE)",
		Short: "Close leases on chain from the provider side (bid close)",
		Long: longDesc(`
			Close leases the way the provider itself does: provider-services tx market
			bid close, signed with the provider's key inside the akash-provider pod
			(exec API), so the tenant stops paying and the provider tears the workload
			down. Only the tenant can close the deployment itself.

			Name one lease with --owner/--dseq (--gseq/--oseq default to 1), or pass
			-f with the -o json|yaml output of any kubectl akash command that carries
			lease IDs (- reads stdin). A lease that the command which produced the
			input skipped, refused or failed on (its object records an outcome other
			than Planned, DryRun or Succeeded) is not taken: it is listed as Skipped
			and named on stderr. --exclude-owner protects named tenants as kill-image
			does. The plan shows what runs under each lease in this cluster.
			Transactions go out one at a time, each waiting for its block; an "account
			sequence mismatch" is retried after the next block.

			Where to sign: prefer --via-cli with a local akt and a dedicated key (--from,
			--keyring-backend, --cli-context, --chain-node, --chain-id). The current Akash
			lease-management docs advise against closing leases with provider-services
			inside the provider pod: its transactions use the provider's own account and
			collide with the provider's bids ("account sequence mismatch"; retried here
			after the next block, but still a race). --via-cli also takes a local
			provider-services. Which CLI a path is comes from its version output (akt
			names itself; provider-services names itself in version --long), and each gets
			only its own command lines; any other binary is refused before anything is
			sent. Without --via-cli, provider-services runs in the akash-provider pod.

			--dry-run=client prints the exact commands and runs nothing but the CLI's
			version; --dry-run=server runs the CLI's own --dry-run (akt's or
			provider-services'), a simulation against the chain that signs and
			broadcasts nothing.

			A lease with a reclamation window (2026 chains) cannot be closed early: the
			chain refuses until reclaiming has run to its deadline. The failure names
			the command that starts reclaiming (akt tx market bid start-reclaim, or
			provider-services tx market bid start-reclaim in the pod).`),
		Example: examples(`
			# Close one lease (gseq/oseq 1)
			kubectl akash leases close --owner akash1... --dseq 8438017

			# Close with a local akt and a dedicated key (preferred)
			kubectl akash leases close --owner akash1... --dseq 8438017 --via-cli akt --from closer --keyring-backend file

			# The exact commands, without running them
			kubectl akash leases close --owner akash1... --dseq 8438017 --gseq 2 --oseq 3 --dry-run=client

			# Close every lease running a miner image
			kubectl akash leases list --image 'xmrig|miner' -o json | kubectl akash leases close -f - --yes`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Exec.Complete(cmd); err != nil {
				return err
			}
			o.Chain.Complete(cmd)
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.Chain.AddFlags(cmd)
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	cmd.Flags().StringVar(&o.Owner, "owner", "", "The tenant's address (akash1...).")
	cmd.Flags().Uint64Var(&o.DSeq, "dseq", 0, "The deployment sequence.")
	cmd.Flags().Uint32Var(&o.GSeq, "gseq", o.GSeq, "The group sequence.")
	cmd.Flags().Uint32Var(&o.OSeq, "oseq", o.OSeq, "The order sequence.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "The provider's address; taken from the lease's Manifest when it is in the cluster.")
	cmd.Flags().StringVarP(&o.Filename, "filename", "f", "", "Close the leases in this file (- for stdin): kubectl akash ... -o json|yaml output, or lines of owner/dseq/gseq/oseq/provider. Leases the producing command skipped, refused or failed are not taken.")
	cmd.Flags().StringArrayVar(&o.ExcludeOwners, "exclude-owner", nil, "Never close leases of this tenant address (repeatable); they are listed as Skipped.")
	return cmd
}

// Validate checks the flags without I/O.
func (o *LeasesCloseOptions) Validate(cmd *cobra.Command) error {
	if err := firstError(o.Output.Validate, o.Exec.Validate, o.Chain.Validate, func() error { return output.ValidateChunkSize(o.ChunkSize) }); err != nil {
		return err
	}
	if err := normalizeAddresses("--exclude-owner", o.ExcludeOwners); err != nil {
		return err
	}
	byID := o.Owner != "" || cmd.Flags().Changed("dseq") || cmd.Flags().Changed("gseq") || cmd.Flags().Changed("oseq") || o.Provider != ""
	switch {
	case o.Filename != "" && byID:
		return fmt.Errorf("-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways: use one")
	case o.Filename != "":
		return nil
	case o.Owner == "" || o.DSeq == 0:
		return fmt.Errorf("name the lease to close with --owner and --dseq (--gseq/--oseq default to 1), or pass -f FILE|- with a lease list")
	case o.GSeq == 0 || o.OSeq == 0:
		return fmt.Errorf("--gseq and --oseq start at 1")
	}
	var err error
	if o.Owner, err = akash.NormalizeAddress(o.Owner); err != nil {
		return fmt.Errorf("--owner: %w", err)
	}
	if o.Provider != "" {
		if o.Provider, err = akash.NormalizeAddress(o.Provider); err != nil {
			return fmt.Errorf("--provider: %w", err)
		}
	}
	return nil
}

// Run reads the leases to close, the cluster once (Manifests, and the
// provider pods unless --via-cli), and closes them.
func (o *LeasesCloseOptions) Run(ctx context.Context) error {
	var in leaseclose.Input
	if o.Filename != "" {
		var err error
		if in, err = o.readFile(); err != nil {
			return err
		}
		in.Warn(o.Streams.ErrOut, o.Filename)
		if len(in.Leases) == 0 {
			fmt.Fprintf(o.Streams.ErrOut, "No leases in %s: nothing to close.\n", o.Filename)
			if !o.Output.Human() {
				return o.Output.Print(o.Streams.Out, leaseclose.List(nil), nil)
			}
			return nil
		}
	}
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	snap, err := snapshot.Load(ctx, clients, snapshot.Spec{
		LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, ChunkSize: o.ChunkSize,
		Manifests: true, ProviderPods: o.Chain.wantsProviderPods(),
	})
	if err != nil {
		return err
	}
	if o.Filename == "" {
		id, err := o.leaseID(snap)
		if err != nil {
			return err
		}
		in.Leases = []leaseclose.InputLease{{ID: id}}
	}
	items := leaseclose.FromInput(in, snap.ManifestByNamespace(), o.Chain.Reason)
	leaseclose.Exclude(items, o.ExcludeOwners)
	if err := closeFlow(ctx, o.Globals, &o.Chain, o.Exec, o.Output, clients, snap, items); err != nil {
		return err
	}
	return in.NothingLeft(o.Filename)
}

func (o *LeasesCloseOptions) readFile() (leaseclose.Input, error) {
	var r io.Reader = o.Streams.In
	if o.Filename != "-" {
		f, err := os.Open(o.Filename)
		if err != nil {
			return leaseclose.Input{}, fmt.Errorf("-f: %w", err)
		}
		defer f.Close()
		r = f
	}
	return leaseclose.ReadInput(r, o.Filename)
}

// leaseID completes --owner/--dseq/--gseq/--oseq with the provider: from
// --provider, or from the lease's Manifest. A lease this cluster does not
// run needs --provider, so that a typo in --dseq is not closed blindly.
func (o *LeasesCloseOptions) leaseID(snap *snapshot.Snapshot) (akash.LeaseID, error) {
	id := akash.LeaseID{Owner: o.Owner, DSeq: o.DSeq, GSeq: o.GSeq, OSeq: o.OSeq, Provider: o.Provider}
	if id.Provider != "" {
		return id, nil
	}
	for _, m := range snap.Manifests {
		mid, ok := m.LeaseID()
		if ok && akash.SameAddress(mid.Owner, id.Owner) && mid.DSeq == id.DSeq && mid.GSeq == id.GSeq && mid.OSeq == id.OSeq {
			return mid, nil
		}
	}
	return akash.LeaseID{}, fmt.Errorf("lease %s/%d/%d/%d has no Manifest in namespace %s: check --dseq/--gseq/--oseq, or pass --provider to close a lease this cluster does not run",
		o.Owner, o.DSeq, o.GSeq, o.OSeq, o.LeaseNamespace)
}
