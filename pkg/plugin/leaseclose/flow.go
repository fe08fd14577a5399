package leaseclose

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Closer turns planned lease closes into the executor's flow, the same for
// every command that closes leases (leases close, leases kill-image).
type Closer struct {
	Signer  *Signer
	Exec    *execute.Options
	Streams genericiooptions.IOStreams
	Output  *output.Flags
	Clients *cli.Clients
	// ProviderPods and ProviderNamespace are where the pod signer is found.
	ProviderPods      []corev1.Pod
	ProviderNamespace string
	// Cap bounds how many leases one run closes.
	Cap *execute.Cap
}

// Run plans, prints, confirms and closes items.
func (c Closer) Run(ctx context.Context, items []LeaseClose) error {
	flow, err := c.Flow(ctx, items)
	if err != nil {
		return err
	}
	return flow.Run(ctx)
}

// Flow refuses leases of more than one provider, plans one close per lease,
// and — only when something is planned, so a plan of nothing runs no CLI —
// chooses where to sign.
func (c Closer) Flow(ctx context.Context, items []LeaseClose) (*execute.Flow, error) {
	if err := CheckOneProvider(items); err != nil {
		return nil, err
	}
	plan := Plan(items)
	planned := execute.CountPlanned(plan.Actions())
	var engine *execute.Engine
	where := ""
	if planned > 0 {
		r, w, err := c.Signer.Runner(ctx, c.Clients, c.ProviderPods, c.ProviderNamespace)
		if err != nil {
			return nil, err
		}
		engine, where = c.Exec.NewEngine().Register(chain.TxApplier{B: c.Signer.Broadcaster(r, c.Exec.DryRun)}, chain.VerbCloseBid), w
	}
	return &execute.Flow{
		Options:  c.Exec,
		Streams:  c.Streams,
		Output:   c.Output,
		Result:   List(items),
		Table:    func() *output.Table { return Table(items) },
		Plan:     plan,
		Engine:   engine,
		Question: fmt.Sprintf("Close %d lease(s) on chain (%s tx market bid close %s, one transaction per block).", planned, c.Signer.CLI.Name(), where),
		Cap:      c.Cap,
	}, nil
}

// Spec is the one read of a command that closes leases: the Manifests of
// the lease namespace (what runs under each lease, the provider of a lease
// named by ID), and the provider pods when the signer is in one.
func Spec(leaseNamespace, providerNamespace string, chunkSize int64, s *Signer) snapshot.Spec {
	return snapshot.Spec{
		LeaseNamespace: leaseNamespace, ProviderNamespace: providerNamespace, ChunkSize: chunkSize,
		Manifests: true, ProviderPods: s.InPod(),
	}
}
