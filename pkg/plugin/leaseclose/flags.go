package leaseclose

import (
	"fmt"
	"os/exec"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Flags are the flags of commands that close leases on chain
// (leases close, leases kill-image, dangling): the close reason, the blast
// radius, and where transactions are signed (Signer).
type Flags struct {
	Signer
	Reason uint32
	// MaxLeases caps how many leases one run may act on (the blast radius
	// of a wrong regex or a wrong input file).
	MaxLeases int
	// MaxLeasesSet records that --max-leases was given explicitly.
	MaxLeasesSet bool
}

// DefaultMaxLeases is how many leases one run acts on at most unless
// --max-leases says otherwise.
const DefaultMaxLeases = 20

// NewFlags returns the defaults: the providers' default close reason and
// at most DefaultMaxLeases leases per run.
func NewFlags() Flags {
	return Flags{Signer: NewSigner(), Reason: chain.DefaultReason, MaxLeases: DefaultMaxLeases}
}

// Cap is the blast-radius cap of the leases one run may act on.
func (c *Flags) Cap() *execute.Cap {
	return &execute.Cap{Max: c.MaxLeases, Noun: "leases", Flag: "--max-leases"}
}

// AddFlags binds --reason, --via-cli and the local CLI's settings.
func (c *Flags) AddFlags(cmd *cobra.Command) {
	cmd.Flags().Uint32Var(&c.Reason, "reason", c.Reason, "On-chain close reason (10000-19999, providers' range); 0 leaves --reason out for provider-services releases without it.")
	cmd.Flags().DurationVar(&c.BlockTime, "block-time", c.BlockTime, "The chain's time between blocks: how long to wait before retrying after an account sequence mismatch, and between checks that a transaction was committed.")
	cmd.Flags().StringVar(&c.ViaCLI, "via-cli", "", "Sign and read the chain with this local binary instead of exec in the akash-provider pod: akt (preferred: its own key and context, no collision with the provider's account sequence) or provider-services, detected from what its version command says; anything else is refused.")
	cmd.Flags().StringVar(&c.From, "from", "", "With --via-cli: the key (name or address) to sign with; default: the CLI's own (akt's context default-account, AKASH_FROM).")
	cmd.Flags().StringVar(&c.KeyringBackend, "keyring-backend", "", "With --via-cli: the keyring backend (os, file, test, ...); default: the CLI's own.")
	cmd.Flags().StringVar(&c.Node, "chain-node", "", "With --via-cli: the chain's RPC address, passed as --node; default: the CLI's own (akt's context, AKASH_NODE).")
	cmd.Flags().StringVar(&c.ChainID, "chain-id", "", "With --via-cli: the chain ID, passed as --chain-id; default: the CLI's own.")
	cmd.Flags().StringVar(&c.Context, "cli-context", "", "With --via-cli and akt: the akt context to use, passed as akt's --context (not kubectl's --context).")
	cmd.Flags().IntVar(&c.MaxLeases, "max-leases", c.MaxLeases, "Refuse to act on more than this many leases in one run.")
}

// Complete records which flags were given explicitly.
func (c *Flags) Complete(cmd *cobra.Command) {
	c.MaxLeasesSet = cmd.Flags().Changed("max-leases")
}

// Validate checks the flags; the only look-up is --via-cli in PATH.
func (c *Flags) Validate() error {
	if c.Reason != 0 && (c.Reason < 10000 || c.Reason > 19999) {
		return fmt.Errorf("--reason %d: providers close with a reason in 10000-19999 (default %d), or 0 to leave it out", c.Reason, chain.DefaultReason)
	}
	if c.MaxLeases < 1 {
		return fmt.Errorf("--max-leases %d: want at least 1 (the most leases one run may act on)", c.MaxLeases)
	}
	if c.ViaCLI == "" {
		for _, f := range []struct{ name, v string }{{"--from", c.From}, {"--keyring-backend", c.KeyringBackend}, {"--chain-node", c.Node}, {"--chain-id", c.ChainID}, {"--cli-context", c.Context}} {
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

// Closer closes leases signed as these flags say, with the provider pods of
// snap when it signs in the pod.
func (c *Flags) Closer(g *cli.Globals, ex *execute.Options, out *output.Flags, clients *cli.Clients, snap *snapshot.Snapshot) Closer {
	return Closer{Signer: &c.Signer, Exec: ex, Streams: g.Streams, Output: out, Clients: clients,
		ProviderPods: snap.ProviderPods, ProviderNamespace: g.ProviderNamespace, Cap: c.Cap()}
}
