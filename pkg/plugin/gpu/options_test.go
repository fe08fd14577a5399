package gpu

import (
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestGPUValidate: each bad input of `node-debug gpu` is one sentence,
// found before any I/O.
func TestGPUValidate(t *testing.T) {
	clitest.ValidateTable(t, NewGPUOptions, []clitest.Case[*GPUOptions]{
		{Name: "--all", Set: func(o *GPUOptions) { o.Nodes.All = true }},
		{Name: "no nodes", Set: func(o *GPUOptions) {}, Want: "choose the nodes one way: NODE..., --all, -l SELECTOR, or --local"},
		{Name: "--tool-timeout 0", Set: func(o *GPUOptions) { o.Args, o.ToolTimeout = []string{"n1"}, 0 }, Want: "--tool-timeout must be positive, got 0s"},
		{Name: "--tool-timeout -1s", Set: func(o *GPUOptions) { o.Args, o.ToolTimeout = []string{"n1"}, -time.Second }, Want: "--tool-timeout must be positive, got -1s"},
	})
}
