package doctor

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"

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
	fleet := nodecheck.FleetOptions{Debug: o.Debug, Only: sel.Node, Check: opts}
	pods, known, warning := podsOnNodes(in)
	if known {
		fleet.Pods, fleet.PodsKnown = pods, true
	}
	if warning != "" && o.Warnings != nil {
		fmt.Fprintln(o.Warnings, "warning: "+warning)
	}
	reports, runErrs := nodecheck.RunOnNodes(ctx, clients, ready, fleet)
	nodecheck.Attribute(reports, pods, snap.Namespaces)
	return FromNodeReports(reports, append(errs, runErrs...), sel.Node)
}

// podsOnNodes is what names the pods the node checks find: every pod, known
// whole. When every pod could not be read, the lease pods still tie findings
// to leases, unless they could not be read either — as when they were to be
// taken from every pod (snapshot.Read.Covers) — and the warning says which.
func podsOnNodes(in *Input) (pods []corev1.Pod, known bool, warning string) {
	err := in.LoadErrors[ResAllPods]
	if err == nil {
		return in.Snapshot.AllPods, true, ""
	}
	if in.LoadErrors[ResPods] != nil {
		return nil, false, fmt.Sprintf("no pod is named on nodes: %v", err)
	}
	return in.Snapshot.Pods, false, fmt.Sprintf("only lease pods are named on nodes: %v", err)
}
