// Command bench measures kubectl-akash against the shell runbooks it replaces,
// on the same local cluster and the same synthetic /proc trees, and writes
// BENCHMARKS.md and its plot. `make bench` runs it; see BENCHMARKS.md for what
// is measured and how.
//
//	go run ./hack/bench -sizes "200 1000" -procs "1000 10000 100000"
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is one bench run.
type Config struct {
	Root  string // the repository
	Sizes []int  // lease counts, ascending
	Procs []int  // process counts, ascending
	Runs  int    // timed runs per tool and size; the median is reported
	// PluginRuns: timed runs of kubectl-akash per task and size (default
	// Runs). They take seconds where a runbook's take minutes, and the API
	// server's own time varies by half from one run to the next (its garbage
	// collections), so the plugin's median gets more runs.
	PluginRuns int
	// FloorReplays: how many times the floor is fetched after each timed run
	// of the plugin; the floor varies from one fetch to the next by up to a
	// third at 5,000 leases, and its median is what the ratio divides by.
	FloorReplays int
	StuckShare   float64 // share of leases with a stuck update
	LostShare    float64 // share of leases with a lost command
	Plugin       string  // the kubectl-akash binary
	Testbin      string  // hack/testbin.sh's directory (kubectl for the runbooks)
	// Kubeconfig, when set, is an existing cluster to use (the smoke test's);
	// otherwise the bench brings its own up and down with hack/cluster.sh.
	Kubeconfig string
	Port       int    // API server port of the bench's own cluster
	WorkDir    string // scratch: cluster state, /proc trees, outputs
	// RunbookOnceAfter: a runbook whose first run took longer runs only once.
	RunbookOnceAfter time.Duration
	// RunbookMaxLeases / RunbookMaxProcs: above these, the runbook is not run
	// but extrapolated linearly from the largest measured size (marked so).
	RunbookMaxLeases int
	RunbookMaxProcs  int
	Markdown, Plot   string // outputs ("" skips)
	Log              func(format string, args ...any)
}

func main() {
	cfg := Config{Log: func(f string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+f+"\n", a...) }}
	sizes := flag.String("sizes", envOr("BENCH_SIZES", "200 1000 5000 10000"), "lease counts (env BENCH_SIZES)")
	procs := flag.String("procs", envOr("BENCH_PROCS", "1000 10000 100000"), "process counts of the synthetic /proc trees (env BENCH_PROCS)")
	flag.IntVar(&cfg.Runs, "runs", envInt("BENCH_RUNS", 5), "timed runs per tool and size (env BENCH_RUNS)")
	flag.IntVar(&cfg.PluginRuns, "plugin-runs", envInt("BENCH_PLUGIN_RUNS", 9), "timed runs of kubectl-akash per task and size (env BENCH_PLUGIN_RUNS)")
	flag.IntVar(&cfg.FloorReplays, "floor-replays", envInt("BENCH_FLOOR_REPLAYS", 3), "fetches of the floor after each timed run of the plugin (env BENCH_FLOOR_REPLAYS)")
	flag.Float64Var(&cfg.StuckShare, "stuck-share", envFloat("BENCH_STUCK_SHARE", 0.01), "share of leases with a stuck update (env BENCH_STUCK_SHARE)")
	flag.Float64Var(&cfg.LostShare, "lost-command-share", envFloat("BENCH_LOST_SHARE", 0.005), "share of leases with a lost command (env BENCH_LOST_SHARE)")
	flag.StringVar(&cfg.Plugin, "plugin", "bin/kubectl-akash", "the kubectl-akash binary")
	flag.StringVar(&cfg.Testbin, "testbin", os.Getenv("KUBECTL_AKASH_TESTBIN"), "hack/testbin.sh's directory (default: run it)")
	flag.StringVar(&cfg.Kubeconfig, "kubeconfig", "", "use this cluster instead of starting one")
	flag.IntVar(&cfg.Port, "port", envInt("BENCH_APISERVER_PORT", 35443), "API server port of the bench's cluster (env BENCH_APISERVER_PORT)")
	flag.StringVar(&cfg.WorkDir, "workdir", "", "scratch directory (default: a new temp dir, deleted at the end)")
	flag.DurationVar(&cfg.RunbookOnceAfter, "runbook-once-after", envDuration("BENCH_RUNBOOK_ONCE_AFTER", time.Minute), "run a runbook once only when its first run took longer (env BENCH_RUNBOOK_ONCE_AFTER)")
	flag.IntVar(&cfg.RunbookMaxLeases, "runbook-max-leases", envInt("BENCH_RUNBOOK_MAX_LEASES", 1000), "extrapolate the cluster runbooks above this many leases (env BENCH_RUNBOOK_MAX_LEASES)")
	flag.IntVar(&cfg.RunbookMaxProcs, "runbook-max-procs", envInt("BENCH_RUNBOOK_MAX_PROCS", 100000), "extrapolate the zombie runbook above this many processes (env BENCH_RUNBOOK_MAX_PROCS)")
	flag.StringVar(&cfg.Markdown, "out", "BENCHMARKS.md", "the report")
	flag.StringVar(&cfg.Plot, "plot", "docs/benchmarks.png", "the plot")
	nodesOut := flag.String("nodes-out", "", "measure the node fan-out instead and write this report (nodes.go; make bench-nodes)")
	nodes := nodesFlags()
	flag.Parse()
	if *nodesOut != "" {
		if err := runNodes(cfg, nodes, *nodesOut); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	var err error
	if cfg.Sizes, err = ints(*sizes); err == nil {
		cfg.Procs, err = ints(*procs)
	}
	if err == nil {
		cfg.Root, err = os.Getwd()
	}
	if err == nil {
		_, err = Run(context.Background(), cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil {
		return n
	}
	return def
}

func envFloat(k string, def float64) float64 {
	if f, err := strconv.ParseFloat(os.Getenv(k), 64); err == nil {
		return f
	}
	return def
}

func envDuration(k string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(k)); err == nil {
		return d
	}
	return def
}

// ints parses "200 1000,5000".
func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q: want positive numbers", s)
		}
		if len(out) > 0 && n <= out[len(out)-1] {
			return nil, fmt.Errorf("%q: want ascending sizes", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func abs(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}
