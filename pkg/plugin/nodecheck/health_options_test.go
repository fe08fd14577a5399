package nodecheck

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestHealthValidate: each bad input of `node-debug health` is one
// sentence, found before any I/O.
func TestHealthValidate(t *testing.T) {
	n1 := []string{"n1"}
	clitest.ValidateTable(t, NewHealthOptions, []clitest.Case[*HealthOptions]{
		{Name: "-l", Set: func(o *HealthOptions) { o.Nodes.Selector = "a=b" }},
		{Name: "two checks", Set: func(o *HealthOptions) { o.Args, o.Checks = n1, []string{"pids", "kubelet"} }},
		{Name: "no nodes", Set: func(o *HealthOptions) {}, Want: "choose the nodes one way: NODE..., --all, -l SELECTOR, or --local"},
		{Name: "unknown check", Set: func(o *HealthOptions) { o.Args, o.Checks = n1, []string{"pids", "nope"} },
			Want: "unknown node check(s) nope: the checks are " + NameList()},
		{Name: "--oom-window 0", Set: func(o *HealthOptions) { o.Args, o.Check.OOMWindow = n1, 0 }, Want: "--oom-window must be positive, got 0s"},
		{Name: "--pid-pressure 0", Set: func(o *HealthOptions) { o.Args, o.Check.PIDPressure = n1, 0 }, Want: "--pid-pressure is a percentage from 1 to 100, got 0"},
		{Name: "--pid-pressure 101", Set: func(o *HealthOptions) { o.Args, o.Check.PIDPressure = n1, 101 }, Want: "--pid-pressure is a percentage from 1 to 100, got 101"},
		{Name: "--kubelet-config without --local", Set: func(o *HealthOptions) { o.Args, o.KubeletConfig = n1, "/var/lib/kubelet/config.yaml" },
			Want: "--kubelet-config is for --local: on a cluster the kubelet's live configuration is read through the API server"},
		{Name: "--kubelet-config with --local", Set: func(o *HealthOptions) { o.Nodes.Local, o.KubeletConfig = true, "/var/lib/kubelet/config.yaml" }},
	})
}
