package certs

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
)

// TestNodeFlagsValidate: the node flags of the certs group, in the cases
// TestCheckValidate leaves out.
func TestNodeFlagsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		set  func(f *NodeFlags)
		want string
	}{
		{"named nodes", []string{"cp-1"}, func(f *NodeFlags) {}, ""},
		{"every node", nil, func(f *NodeFlags) { f.All = true }, ""},
		{"selector and every node", nil, func(f *NodeFlags) { f.All, f.Selector = true, "a=b" },
			"choose the nodes one way: NODE..., --all, -l SELECTOR, or --local (default: the node-role.kubernetes.io/control-plane nodes)"},
		{"bad selector", nil, func(f *NodeFlags) { f.Selector = "a=(" }, `-l "a=(" is not a valid label selector: `},
		{"negative chunk size", nil, func(f *NodeFlags) { f.ChunkSize = -5 }, "--chunk-size must be 0 or positive, got -5"},
		{"no pod timeout", nil, func(f *NodeFlags) { f.PodTimeout = 0 }, "--pod-timeout must be positive, got 0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewNodeFlags()
			tc.set(f)
			certstest.WantErr(t, f.Validate(tc.args), tc.want)
		})
	}
	f := NewNodeFlags()
	if err := f.Validate(nil); err != nil || f.Selector != ControlPlaneLabel || !f.defaultControl {
		t.Fatalf("no choice means the control-plane nodes: %v %q", err, f.Selector)
	}
}
