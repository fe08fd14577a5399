package cmd

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// nodeCheckNames are the node checks doctor knows.
func nodeCheckNames() []string { return nil }

// runNodeChecks runs the selected node checks on the chosen nodes.
func (o *DoctorOptions) runNodeChecks(ctx context.Context, clients *cli.Clients, sel doctor.Selection, snap *snapshot.Snapshot) []doctor.NodeResult {
	return nil
}
