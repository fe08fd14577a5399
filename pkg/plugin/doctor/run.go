package doctor

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// RunOptions are what one doctor run was asked, every flag resolved.
type RunOptions struct {
	// Checks and Skip are --checks and --skip; NoNodes leaves every node
	// check out.
	Checks, Skip []string
	NoNodes      bool
	MinScore     int

	LeaseNamespace, ProviderNamespace string
	ChunkSize                         int64
	// StuckAfter is --stuck-after; CertWarn the parsed --cert-warn.
	StuckAfter time.Duration
	CertWarn   time.Duration
	// Chain is the dangling check's chain source (--api, --via-cli,
	// --provider); StatusTimeout bounds the provider's /status.
	Chain         ChainSource
	StatusTimeout time.Duration

	// Local, when set, runs the node checks on this machine (--local);
	// otherwise they run in debug pods (Debug) on Nodes, or the nodes
	// Selector matches, or every node.
	Local     *agent.Env
	Nodes     []string
	Selector  string
	Debug     nodedebug.Options
	KernelLog string
	// Warnings receives what is worth saying but fails nothing.
	Warnings io.Writer
}

// Run reads everything the selected checks need, runs them and builds the
// report. clientsErr is why there are no clients: with --local the node
// checks still run, and the cluster checks say why they could not.
func Run(ctx context.Context, clients *cli.Clients, clientsErr error, o RunOptions) (*Report, error) {
	sel, err := o.selection()
	if err != nil {
		return nil, err
	}
	needs := o.needs(sel)
	in := &Input{Now: time.Now(), LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace,
		StuckAfter: o.StuckAfter, CertWarn: o.CertWarn}
	if clientsErr != nil {
		in.Snapshot, in.LoadErrors = &snapshot.Snapshot{}, map[Resource]error{}
		for r := range needs {
			in.LoadErrors[r] = clientsErr
		}
	} else {
		in.Snapshot, in.LoadErrors = Load(ctx, clients, needs, o.load())
		readBesides(ctx, clients, sel, in, o)
	}
	nodes := runNodeChecks(ctx, clients, sel, in, o)
	return Build("doctor", in, sel, nodes, o.MinScore), nil
}

// selection is the checks --checks, --skip and --no-nodes leave.
func (o RunOptions) selection() (Selection, error) {
	sel, err := Select(o.Checks, o.Skip, nodecheck.Names())
	if err == nil && o.NoNodes {
		sel = sel.WithoutNodes()
	}
	return sel, err
}

// needs is every resource of the cluster read the selection needs: its
// cluster checks', and for node checks the nodes to run on (unless
// --local), every pod (to give the checks each node's), and the lease pods
// and namespaces (to name a finding's pod and lease).
func (o RunOptions) needs(sel Selection) map[Resource]bool {
	needs := sel.Needs()
	if len(sel.Node) > 0 && o.Local == nil {
		needs[ResNodes], needs[ResAllPods] = true, true
	}
	if len(sel.Node) > 0 {
		needs[ResPods], needs[ResLeaseNamespaces] = true, true
	}
	return needs
}

func (o RunOptions) load() LoadOptions {
	return LoadOptions{LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, ChunkSize: o.ChunkSize}
}

// Validate checks the run's own values, without I/O: the score, the
// checks named, and the durations.
func (o RunOptions) Validate() error {
	if o.MinScore < 0 || o.MinScore > 100 {
		return fmt.Errorf("--min-score is a score from 1 to 100 (0: any warning fails), got %d", o.MinScore)
	}
	if _, err := o.selection(); err != nil {
		return err
	}
	if o.Chain.APITimeout <= 0 {
		return fmt.Errorf("--api-timeout must be positive, got %s", o.Chain.APITimeout)
	}
	if o.StatusTimeout <= 0 {
		return fmt.Errorf("--status-timeout must be positive, got %s", o.StatusTimeout)
	}
	if o.StuckAfter < 0 {
		return fmt.Errorf("--stuck-after must not be negative, got %s", o.StuckAfter)
	}
	return nil
}
