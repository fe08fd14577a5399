package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/progress"
)

// The progress lines the fan-out prints are what the bench times: a
// debug pod Running, a node done.
func TestStampsReadTheFanOutsProgressLines(t *testing.T) {
	st := &stamps{began: time.Now()}
	r := progress.From(progress.With(context.Background(), progress.New(st)))
	r.Printf("node-debug: node a: creating a debug pod in namespace ns")
	r.Printf("node-debug: node a: debug pod ns/p is Running")
	r.Printf("node-debug: node a: debug pod ns/p waits in phase Pending")
	r.Printf("node-debug: 1/2 nodes done, a: ok")
	r.Printf("node-debug: 2/2 nodes done, b: failed")
	if len(st.running) != 1 || len(st.done) != 2 {
		t.Fatalf("running %v done %v", st.running, st.done)
	}
	if first, ok := st.first(); !ok || first > st.done[1] {
		t.Errorf("first %v of %v", first, st.done)
	}
}

// A LIST whose count grows with the nodes is reported as not met, and the
// per-node costs are the counts over the nodes.
func TestNodesReportSaysWhenListsGrowWithNodes(t *testing.T) {
	run := func(n, lists int) NodeRun {
		return NodeRun{Nodes: n, First: []float64{0.1}, All: []float64{0.2},
			Requests: Requests{Lists: lists, Total: lists + 4*n, ByKey: map[string]int{
				"LIST pods": lists, "CREATE pods": n, "WATCH pods": n, "GET pods/exec": n, "DELETE pods": n}}}
	}
	r := &NodesResults{Config: NodesConfig{Runs: 1, Parallel: 10}, RealNote: "not here",
		Kwok: []NodeRun{run(1, 2), run(10, 11)}}
	md := NodesMarkdown(r)
	for _, want := range []string{"2 LIST requests for 1, 11 for 10", "**not met**", "| 1 / 1 / 1 / 1 / 0 |", "not measured:** not here"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	r.Kwok = []NodeRun{run(1, 1), run(10, 1)}
	if md := NodesMarkdown(r); !strings.Contains(md, "**met**") || strings.Contains(md, "not met") {
		t.Errorf("constant LISTs not reported as met:\n%s", md)
	}
}
