package leaseclose

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Signer says where bid-close transactions are signed (and, for dangling
// without --api, where the chain is read): a local akt or provider-services,
// or provider-services in the akash-provider pod. The commands bind its
// fields to --via-cli, --from, --keyring-backend, --chain-node, --chain-id,
// --cli-context and --block-time.
type Signer struct {
	// ViaCLI, when set, is a local akt or provider-services (detected from
	// its version output) run with the operator's environment and keys
	// instead of exec in the provider pod.
	ViaCLI string
	// From, KeyringBackend, Node, ChainID and Context are passed to the
	// local CLI (--from, --keyring-backend, --node, --chain-id, akt's
	// --context) when set.
	From, KeyringBackend, Node, ChainID, Context string
	// BlockTime is the chain's time between blocks: the wait before a retry
	// after a sequence mismatch, and between checks for a commit.
	BlockTime time.Duration
	// CLI is the detected CLI, once Runner ran (the zero CLI in the pod).
	CLI chain.CLI
}

// NewSigner is a Signer in the provider pod with the chain's default block
// time.
func NewSigner() Signer { return Signer{BlockTime: chain.DefaultBlockTime} }

// InPod says whether transactions are signed in the akash-provider pod, so
// the snapshot must list the provider pods.
func (s *Signer) InPod() bool { return s.ViaCLI == "" }

// Runner chooses where transactions are signed: the local CLI, whose
// dialect (akt or provider-services) is detected from its version output,
// or provider-services in the Ready akash-provider pod among providerPods.
// It fails — before anything is sent — when the local binary is neither
// CLI, or there is no such pod. The string says where, for the prompt.
func (s *Signer) Runner(ctx context.Context, clients *cli.Clients, providerPods []corev1.Pod, providerNamespace string) (chain.Runner, string, error) {
	if s.ViaCLI != "" {
		r := chain.LocalRunner{Binary: s.ViaCLI}
		if s.CLI.Dialect == "" {
			detected, err := chain.Detect(ctx, r, "--via-cli "+s.ViaCLI)
			if err != nil {
				return nil, "", err
			}
			if s.Context != "" && !detected.IsAkt() {
				return nil, "", fmt.Errorf("--cli-context is akt's --context, and --via-cli %s is provider-services %s, which has no contexts: drop --cli-context, nothing was sent", s.ViaCLI, detected.Version)
			}
			detected.From, detected.KeyringBackend, detected.Node, detected.ChainID, detected.Context = s.From, s.KeyringBackend, s.Node, s.ChainID, s.Context
			s.CLI = detected
		}
		return r, fmt.Sprintf("with the local %s %s (%s)", s.CLI.Name(), s.CLI.Version, s.ViaCLI), nil
	}
	pod, err := chain.SelectProviderPod(providerPods, providerNamespace)
	if err != nil {
		return nil, "", err
	}
	s.CLI = chain.CLI{}
	return chain.NewPodRunner(clients, pod), "in pod " + pod.Namespace + "/" + pod.Name, nil
}

// Broadcaster is the transaction sender of runner r.
func (s *Signer) Broadcaster(r chain.Runner, dryRun cmdutil.DryRunStrategy) *chain.Broadcaster {
	b := chain.NewBroadcaster(r, dryRun)
	b.BlockTime, b.CLI = s.BlockTime, s.CLI
	return b
}
