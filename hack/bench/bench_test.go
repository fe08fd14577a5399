package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// TestMain gives the smoke test a cluster of its own (hack/cluster.sh through
// test/cluster), without the real node: the bench needs kwok nodes only.
func TestMain(m *testing.M) {
	os.Unsetenv(cluster.EnvRealNode)
	os.Exit(cluster.Main(m))
}

// TestBenchSmoke runs the bench's driver end to end at tiny sizes, one run
// each, so that `make bench` cannot rot: the seed's broken leases, the
// runbook re-creations, the counting proxy, the report and the plot.
func TestBenchSmoke(t *testing.T) {
	c := cluster.Get(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	plugin := filepath.Join(tmp, "kubectl-akash")
	build := exec.Command("go", "build", "-o", plugin, "./cmd/kubectl-akash")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	cfg := Config{
		Root: root,
		// One stuck update, in lease 3: only the second size has it, which
		// costs each runbook one 10 s rollout-status wait.
		Sizes: []int{2, 4}, StuckShare: 0.25,
		Procs: []int{100, 200}, Runs: 1,
		Plugin: plugin, Testbin: c.BinDir, Kubeconfig: c.Kubeconfig, WorkDir: filepath.Join(tmp, "work"),
		RunbookOnceAfter: time.Minute, RunbookMaxLeases: 1000, RunbookMaxProcs: 1000,
		Markdown: filepath.Join(tmp, "BENCHMARKS.md"), Plot: filepath.Join(tmp, "benchmarks.png"),
		Log: t.Logf,
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	res, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}

	if !res.ServerGC {
		t.Error("the API server's garbage was not collected before the runs: hack/cluster.sh's server has profiling on")
	}

	byTask := map[string][]Row{}
	for _, r := range res.Rows {
		byTask[r.Task] = append(byTask[r.Task], r)
	}
	for _, task := range []string{TaskForceNew, TaskHeal} {
		rows := byTask[task]
		if len(rows) != 2 {
			t.Fatalf("%s: %d rows, want 2", task, len(rows))
		}
		for _, r := range rows {
			if r.Runbook.Requests == 0 || r.Plugin.Requests == 0 || r.Runbook.Median <= 0 || r.Plugin.Median <= 0 {
				t.Errorf("%s at %d leases: a tool was not measured: %+v", task, r.Size, r)
			}
			if r.Runbook.Found != r.Expected || r.Plugin.Found != r.Expected {
				t.Errorf("%s at %d leases: found %d (runbook) and %d (plugin), want %d", task, r.Size, r.Runbook.Found, r.Plugin.Found, r.Expected)
			}
		}
		if rows[0].Plugin.Requests != rows[1].Plugin.Requests || rows[0].Plugin.Lists != rows[1].Plugin.Lists {
			t.Errorf("%s: kubectl-akash's requests grew with the leases: %v then %v", task, rows[0].Plugin.ByKey, rows[1].Plugin.ByKey)
		}
		if rows[1].Runbook.Requests <= rows[0].Runbook.Requests {
			t.Errorf("%s: the runbook's requests did not grow with the leases: %d then %d", task, rows[0].Runbook.Requests, rows[1].Runbook.Requests)
		}
	}
	if got := byTask[TaskForceNew][1].Expected; got != 1 {
		t.Errorf("4 leases at a stuck share of 0.25: %d stuck, want 1", got)
	}
	for _, r := range byTask[TaskZombies] {
		if r.Runbook.Median <= 0 || r.Plugin.Median <= 0 || r.Runbook.Found != r.Expected || r.Plugin.Found != r.Expected || r.Expected == 0 {
			t.Errorf("zombies at %d processes: %+v", r.Size, r)
		}
	}

	md, err := os.ReadFile(cfg.Markdown)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Machine and versions", "the API server collects its garbage", "### Force new ReplicaSet", "### Heal lost command", "### Kill zombie processes", "| 4 | 8 | 1 |", "## Targets", "benchmarks.png"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	img, err := os.ReadFile(cfg.Plot)
	if err != nil {
		t.Fatal(err)
	}
	if pc, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || pc.Width < 1000 {
		t.Errorf("plot: %v %+v", err, pc)
	}
}
