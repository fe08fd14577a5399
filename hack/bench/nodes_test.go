package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/progress"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// TestBenchNodesSmoke runs `make bench-nodes`' driver on kwok nodes only
// (a cluster of its own, as the bench brings up), so that it cannot rot:
// the fan-out through the counting proxy, the timestamps, the report.
func TestBenchNodesSmoke(t *testing.T) {
	c := cluster.Get(t)
	t.Setenv(cluster.EnvNodes, os.Getenv(cluster.EnvNodes)) // RunNodes sets them; restored after
	t.Setenv(cluster.EnvRealNode, "")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "benchmarks-nodes.md")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	res, err := RunNodes(ctx, NodesConfig{Root: root, Testbin: c.BinDir, Kwok: []int{1, 3}, Parallel: 2, Runs: 1,
		Out: out, WorkDir: t.TempDir(), Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Kwok) != 2 {
		t.Fatalf("%d kwok rows, want 2", len(res.Kwok))
	}
	for _, run := range res.Kwok {
		r := run.Requests
		if r.Lists != 3 || r.ByKey["CREATE pods"] != run.Nodes || r.ByKey["DELETE pods"] != run.Nodes || r.ByKey["WATCH pods"] != run.Nodes {
			t.Errorf("%d kwok nodes: requests %v", run.Nodes, r.ByKey)
		}
		if len(run.First) != 1 || run.First[0] <= 0 || run.All[0] < run.First[0] || run.Failed != run.Nodes {
			t.Errorf("%d kwok nodes: first %v all %v failed %d", run.Nodes, run.First, run.All, run.Failed)
		}
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## The fan-out on kwok nodes", "3 LIST requests for 1, 3 for 3", "**met**", "The real node was not measured"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}

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
