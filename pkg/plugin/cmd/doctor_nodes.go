package cmd

import (
	"context"
	"fmt"
	"os"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// nodeCheckNames are the node checks doctor can run: nodecheck's.
func nodeCheckNames() []string { return nodecheck.Names() }

// runNodeChecks runs the selected node checks: on this machine with
// --local, else in one debug pod per chosen node (every Ready node by
// default), --parallel at a time, all checks at once. Findings are tied to
// their pods and leases from one LIST of every pod (the mounts check also
// needs each node's pods) and the snapshot's lease namespaces.
func (o *DoctorOptions) runNodeChecks(ctx context.Context, clients *cli.Clients, sel doctor.Selection, snap *snapshot.Snapshot, loadErrs map[doctor.Resource]error) []doctor.NodeResult {
	if len(sel.Node) == 0 {
		return nil
	}
	opts := nodecheck.Options{PIDPressure: nodecheck.DefaultPIDPressure, OOMWindow: nodecheck.DefaultOOMWindow, KernelLog: o.KernelLog, CertWarn: o.certWarn}
	if o.certWarn == 0 { // --cert-warn 0: no certificate counts as expiring
		opts.CertWarn = -1
	}
	if o.Nodes.Local {
		name, err := os.Hostname()
		if err != nil {
			name = "localhost"
		}
		rep, err := nodecheck.RunLocal(ctx, o.Nodes.LocalEnv(name), sel.Node, nil, opts)
		if err != nil {
			return doctor.FromNodeReports(nil, []error{&nodecheck.NodeError{Node: name, Err: err}}, sel.Node)
		}
		reports := []nodecheck.Report{rep}
		if len(nodecheck.PodUIDs(reports)) > 0 {
			nodecheck.Attribute(reports, snap.Pods, snap.Namespaces)
		}
		return doctor.FromNodeReports(reports, nil, sel.Node)
	}
	if err := loadErrs[doctor.ResNodes]; err != nil {
		return doctor.FromNodeReports(nil, []error{err}, sel.Node)
	}
	ready, problems, err := nodedebug.ChooseNodes(snap.Nodes, o.args, o.Nodes.Selector)
	if err != nil {
		return doctor.FromNodeReports(nil, []error{err}, sel.Node)
	}
	var errs []error
	for _, p := range problems {
		errs = append(errs, &nodecheck.NodeError{Node: p.Node, Err: p.Err})
	}
	pods, namespaces, perr := nodecheck.ListPodsAndLeases(ctx, clients)
	fleet := nodecheck.FleetOptions{Debug: o.Nodes.Options(), Only: sel.Node, Check: opts}
	if perr == nil {
		fleet.Pods, fleet.PodsKnown = pods, true
	} else {
		// Lease pods are in the snapshot: findings are still tied to leases.
		pods, namespaces = snap.Pods, snap.Namespaces
		fmt.Fprintf(o.Streams.ErrOut, "warning: only lease pods are named on nodes: %v\n", perr)
	}
	reports, runErrs := nodecheck.RunOnNodes(ctx, clients, ready, fleet)
	nodecheck.Attribute(reports, pods, namespaces)
	return doctor.FromNodeReports(reports, append(errs, runErrs...), sel.Node)
}
