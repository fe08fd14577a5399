package doctor

import (
	"context"
	"fmt"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// runNodeChecks runs the selected node checks: on this machine with
// --local, else in one debug pod per chosen node (every Ready node by
// default), --parallel at a time, all checks at once. Findings are tied to
// their pods and leases from the snapshot's pods (every pod: the mounts
// check also needs each node's) and lease namespaces.
func runNodeChecks(ctx context.Context, clients *cli.Clients, sel Selection, in *Input, o RunOptions) []NodeResult {
	if len(sel.Node) == 0 {
		return nil
	}
	snap := in.Snapshot
	opts := nodecheck.Options{PIDPressure: nodecheck.DefaultPIDPressure, OOMWindow: nodecheck.DefaultOOMWindow, KernelLog: o.KernelLog, CertWarn: o.CertWarn}
	if o.CertWarn == 0 { // --cert-warn 0: no certificate counts as expiring
		opts.CertWarn = -1
	}
	if o.Local != nil {
		env := *o.Local
		if env.NodeName == "" {
			env.NodeName = agent.ThisNode()
		}
		rep, _, err := nodecheck.LocalReport(ctx, env, nodecheck.LocalOptions{Only: sel.Node, Check: opts,
			Read: &nodecheck.Read{Pods: snap.Pods, Namespaces: snap.Namespaces}})
		if err != nil {
			return FromNodeReports(nil, []error{&nodecheck.NodeError{Node: env.NodeName, Err: err}}, sel.Node)
		}
		return FromNodeReports([]nodecheck.Report{rep}, nil, sel.Node)
	}
	if err := in.LoadErrors[ResNodes]; err != nil {
		return FromNodeReports(nil, []error{err}, sel.Node)
	}
	ready, problems, err := nodedebug.ChooseNodes(snap.Nodes, o.Nodes, o.Selector)
	if err != nil {
		return FromNodeReports(nil, []error{err}, sel.Node)
	}
	var errs []error
	for _, p := range problems {
		errs = append(errs, &nodecheck.NodeError{Node: p.Node, Err: p.Err})
	}
	pods := snap.AllPods
	fleet := nodecheck.FleetOptions{Debug: o.Debug, Only: sel.Node, Check: opts}
	if err := in.LoadErrors[ResAllPods]; err == nil {
		fleet.Pods, fleet.PodsKnown = pods, true
	} else {
		// Lease pods are in the snapshot: findings are still tied to leases.
		pods = snap.Pods
		if o.Warnings != nil {
			fmt.Fprintf(o.Warnings, "warning: only lease pods are named on nodes: %v\n", err)
		}
	}
	reports, runErrs := nodecheck.RunOnNodes(ctx, clients, ready, fleet)
	nodecheck.Attribute(reports, pods, snap.Namespaces)
	return FromNodeReports(reports, append(errs, runErrs...), sel.Node)
}
