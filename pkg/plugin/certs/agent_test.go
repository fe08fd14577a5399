package certs

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// TestFromAnswer: a node's report keeps its certificates under the node's
// name; a failed run or an answer that is not a NodeCertificates is a node
// with the reason.
func TestFromAnswer(t *testing.T) {
	n := FromAnswer(agent.Answer{Node: "cp-1", Stdout: []byte(`{"kind":"NodeCertificates","metadata":{"name":"x"},"status":{"certificates":[{"name":"apiserver","status":"Valid"}]}}`)})
	if n.Name != "cp-1" || n.Status.Error != "" || len(n.Status.Certificates) != 1 {
		t.Fatalf("report: %+v", n)
	}
	n = FromAnswer(agent.Answer{Node: "cp-2", ExitCode: -1, Err: errors.New("pod did not start")})
	if n.Name != "cp-2" || n.Kind != Kind || n.Status.Error != "pod did not start" {
		t.Fatalf("failed run: %+v", n)
	}
	n = FromAnswer(agent.Answer{Node: "cp-3", Stdout: []byte(`{"kind":"GPUNode"}`)})
	if n.Name != "cp-3" || !strings.Contains(n.Status.Error, "is --image this version of kubectl-akash?") {
		t.Fatalf("another report: %+v", n)
	}
}

// TestKubeadmWarnings: one line per disagreement and per kubeadm that
// could not be asked; nodes without a kubeadm view say nothing.
func TestKubeadmWarnings(t *testing.T) {
	l := NewList()
	a, b, c := NewNode("a"), NewNode("b"), NewNode("c")
	a.Status.Kubeadm = &KubeadmView{Version: "v1.31.0", Disagreements: []string{"apiserver: 2026-01-01 vs 2026-01-02"}}
	b.Status.Kubeadm = &KubeadmView{Error: "kubeadm not found"}
	l.Items = append(l.Items, a, b, c)
	want := []string{
		"warning: node a: kubeadm v1.31.0 disagrees: apiserver: 2026-01-01 vs 2026-01-02",
		"warning: node b: could not cross-check with kubeadm: kubeadm not found",
	}
	if got := l.KubeadmWarnings(); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}
