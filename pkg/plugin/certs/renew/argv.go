package renew

import (
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// stepArgv runs one node-side step in the debug pod with every setting of
// ops and r; a step that changes the node gets the --yes of the plan the
// operator confirmed.
func stepArgv(o *certs.NodeOps, step string, r certs.Restart) []string {
	return StepAgent.Argv(StepOptions{Step: step, Ops: *o, Restart: r, Yes: ChangesTheNode(step)})
}

// readArgv copies a node file to the agent's stdout.
func readArgv(file string) []string { return ReadAgent.Argv(ReadOptions{File: file}) }

// scanArgv reads the node's certificates, as certs check does.
func scanArgv(l certs.Layout) []string { return certs.CheckAgent.Argv(certs.ScanOptions{Layout: l}) }
