package cmd

import (
	"bytes"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// TestAgentStepsThatChangeTheNodeNeedTheConfirmedPlan: the hidden agent
// steps are the engine's node side; run by hand they must not act.
func TestAgentStepsThatChangeTheNodeNeedTheConfirmedPlan(t *testing.T) {
	for _, step := range []string{"etcd-snapshot", "backup", "kubeadm-certs-renew", "restart-static-pod", "restart-etcd-service", "guard"} {
		var out, errOut bytes.Buffer
		g := &Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}}
		root := NewRootCmdWithGlobals(g)
		root.SetArgs([]string{"agent", "certs-renew", step, "--host-root", t.TempDir()})
		root.SetOut(&out)
		root.SetErr(&errOut)
		err := root.Execute()
		if err == nil || !strings.Contains(err.Error(), "never asks") {
			t.Errorf("%s without --yes: %v", step, err)
		}
	}
	if changesTheNode("probe") || changesTheNode("restart-status") || changesTheNode("read") {
		t.Error("reading steps need no --yes")
	}
}
