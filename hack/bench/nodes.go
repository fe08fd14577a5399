package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/progress"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// NodesConfig is one run of the node fan-out bench (`make bench-nodes`):
// `node-debug health` and `doctor` on many nodes, through the counting
// proxy, on a cluster of its own (test/cluster, so the real node comes up
// exactly as in the e2e tests, behind the same machine-wide lock).
type NodesConfig struct {
	Root, Plugin, Testbin string
	// Kwok are the kwok node counts fanned out over (the cluster has the
	// largest): what the client does for a node up to its exec, which fails
	// there (kwok runs no kubelet).
	Kwok []int
	// Repeat are the numbers of debug pods the fan-out starts on the real
	// node at once: the node's name repeated in the fan-out's node list.
	Repeat []int
	// RealNode brings the real kubelet + containerd node up (root, Linux).
	RealNode bool
	Parallel int // --parallel
	Runs     int
	Out      string // the report
	WorkDir  string
	Log      func(format string, args ...any)
}

// NodeRun is one fan-out: n nodes (or n debug pods on the real node).
type NodeRun struct {
	What  string // "real node repeated", "kwok", "command"
	Nodes int
	// First and All are the times from the fan-out's start to the first
	// node's result and to every node's (medians over the runs);
	// FirstRunning and LastRunning to the first and the last debug pod
	// seen Running (what is left is the checks, the exec and the delete).
	First, All                []float64
	FirstRunning, LastRunning []float64
	// Failed is how many nodes of the last run had no report, and Why one
	// of their errors.
	Failed int
	Why    string
	// Requests are the last run's, as the proxy counted them.
	Requests Requests
}

// NodesResults are what RunNodes measured.
type NodesResults struct {
	Config     NodesConfig
	Machine    Machine
	Kubernetes string
	// Command is `kubectl akash node-debug health NODE` (and doctor's node
	// checks) on the real node, as an operator runs it.
	Command, Doctor NodeRun
	// NoWatchList is Command with client-go's watch-list streams off, as
	// against a server without them.
	NoWatchList NodeRun
	Repeated    []NodeRun
	Kwok        []NodeRun
	RealNote    string // why the real node was not measured, or ""
}

// RunNodes brings a cluster up, measures and writes the report.
func RunNodes(ctx context.Context, cfg NodesConfig) (res *NodesResults, err error) {
	cfg.Plugin, cfg.Runs = abs(cfg.Root, cfg.Plugin), max(cfg.Runs, 1)
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	work, err := scratch(cfg.WorkDir)
	if err != nil {
		return nil, err
	}
	if cfg.WorkDir == "" {
		defer os.RemoveAll(work)
	}
	cfg.WorkDir = work
	res = &NodesResults{Config: cfg}
	loadStart := loadavg()
	kwokMax := 0
	if len(cfg.Kwok) > 0 {
		kwokMax = cfg.Kwok[len(cfg.Kwok)-1]
	}
	os.Setenv(cluster.EnvNodes, strconv.Itoa(kwokMax))
	os.Setenv(cluster.EnvRealNode, "")
	if cfg.RealNode {
		os.Setenv(cluster.EnvRealNode, "1")
	} else {
		res.RealNote = "the real node was not brought up (it needs root on Linux: bench-nodes -real-node)"
	}
	cfg.Log("cluster up: %d kwok nodes, real node %v", kwokMax, cfg.RealNode)
	c, err := cluster.Start(cfg.Testbin)
	if c != nil {
		defer func() {
			if left := c.Stop(); len(left) > 0 && err == nil {
				err = fmt.Errorf("the real node left behind: %s", strings.Join(left, "; "))
			}
		}()
	}
	if err != nil {
		return nil, err
	}
	if v, verr := c.Kube().Discovery().ServerVersion(); verr == nil {
		res.Kubernetes = v.GitVersion
	}
	proxy, err := startProxy(c.Kubeconfig, cfg.WorkDir)
	if err != nil {
		return nil, err
	}
	defer proxy.Close()
	rc, err := clientcmd.BuildConfigFromFlags("", proxy.Kubeconfig)
	if err != nil {
		return nil, err
	}
	clients, err := cli.ClientsFor(rc)
	if err != nil {
		return nil, err
	}
	ns := "node-debug-bench"
	if _, err = c.Kube().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	image := cluster.AgentImageRef
	debug := nodedebug.Options{Namespace: ns, Image: image, Parallel: cfg.Parallel, PodTimeout: 2 * time.Minute}
	proxy.Take()

	if c.RealNode != "" {
		node := c.RealNode
		health := []string{"node-debug", "health", node, "--image", image, "--debug-namespace", ns, "-o", "json", "--kubeconfig", proxy.Kubeconfig}
		if res.Command, err = runCommand(ctx, cfg, proxy, cfg.Runs, nil, health); err != nil {
			return nil, err
		}
		cfg.Log("node-debug health %s: %.3fs median, requests %v", node, median(res.Command.All), res.Command.Requests.ByKey)
		if res.NoWatchList, err = runCommand(ctx, cfg, proxy, 1, []string{"KUBE_FEATURE_WatchListClient=false"}, health); err != nil {
			return nil, err
		}
		doctor := []string{"doctor", node, "--checks", strings.Join(nodecheck.Names(), ","), "--image", image, "--debug-namespace", ns, "-o", "json", "--kubeconfig", proxy.Kubeconfig}
		if res.Doctor, err = runCommand(ctx, cfg, proxy, cfg.Runs, nil, doctor); err != nil {
			return nil, err
		}
		cfg.Log("doctor %s (node checks): %.3fs median, requests %v", node, median(res.Doctor.All), res.Doctor.Requests.ByKey)
		for _, n := range cfg.Repeat {
			nodes := make([]string, n)
			for i := range nodes {
				nodes[i] = node
			}
			run, err := fanOut(ctx, cfg.Runs, proxy, func(ctx context.Context) ([]nodecheck.Report, []error) {
				return nodecheck.RunOnNodes(ctx, clients, nodes, nodecheck.FleetOptions{Debug: debug})
			})
			if err != nil {
				return nil, err
			}
			run.What, run.Nodes = "real node repeated", n
			if run.Failed > 0 {
				return nil, fmt.Errorf("%d of %d debug pods on the real node had no report: %s", run.Failed, n, run.Why)
			}
			cfg.Log("real node ×%d: first %.3fs, all %.3fs, requests %v", n, median(run.First), median(run.All), run.Requests.ByKey)
			res.Repeated = append(res.Repeated, run)
		}
	}
	for _, k := range cfg.Kwok {
		names := make([]string, k)
		for i := range names {
			names[i] = "kwok-node-" + strconv.Itoa(i)
		}
		run, err := fanOut(ctx, cfg.Runs, proxy, func(ctx context.Context) ([]nodecheck.Report, []error) {
			l, err := nodecheck.CheckNodes(ctx, clients, nodecheck.NodeSelection{Names: names}, nodecheck.FleetOptions{Debug: debug})
			if err != nil {
				return nil, []error{err}
			}
			var errs []error
			for _, h := range l.Items {
				if h.Status.Error != "" {
					errs = append(errs, errors.New(h.Status.Error))
				}
			}
			return nil, errs
		})
		if err != nil {
			return nil, err
		}
		run.What, run.Nodes = "kwok", k
		cfg.Log("kwok ×%d: first %.3fs, all %.3fs, requests %v", k, median(run.First), median(run.All), run.Requests.ByKey)
		res.Kwok = append(res.Kwok, run)
	}
	res.Machine = machine(ctx, Config{Plugin: cfg.Plugin, Testbin: cfg.Testbin}, res.Kubernetes, loadStart)
	if cfg.Out != "" {
		if err := os.WriteFile(abs(cfg.Root, cfg.Out), []byte(NodesMarkdown(res)), 0o644); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// scratch is dir, or a new temporary directory when dir is "", with the
// home directory the plugin's runs get.
func scratch(dir string) (string, error) {
	var err error
	if dir == "" {
		if dir, err = os.MkdirTemp("", "kubectl-akash-bench-nodes-"); err != nil {
			return "", err
		}
	}
	return dir, os.MkdirAll(filepath.Join(dir, "home"), 0o755)
}

// runCommand times the plugin's binary on the real node: runs timed runs,
// the requests of the last. Exit 0 and 3 (findings) are answers.
func runCommand(ctx context.Context, cfg NodesConfig, proxy *countingProxy, runs int, env, args []string) (NodeRun, error) {
	run := NodeRun{What: "command", Nodes: 1}
	for i := 0; i < runs; i++ {
		c := exec.CommandContext(ctx, cfg.Plugin, args...)
		c.Env = append(append(os.Environ(), "HOME="+filepath.Join(cfg.WorkDir, "home")), env...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		proxy.Take()
		began := time.Now()
		err := c.Run()
		d := time.Since(began).Seconds()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == exitFindings) {
			return run, fmt.Errorf("kubectl akash %s: %v\n%s", strings.Join(args, " "), err, tail(stderr.String(), 20))
		}
		run.All = append(run.All, d)
		run.Requests = proxy.Take()
	}
	run.First = run.All
	return run, nil
}

// fanOut runs one fan-out runs times, timing each node's result from the
// progress line the fan-out prints when a node is done.
func fanOut(ctx context.Context, runs int, proxy *countingProxy, do func(context.Context) ([]nodecheck.Report, []error)) (NodeRun, error) {
	var run NodeRun
	for i := 0; i < runs; i++ {
		st := &stamps{began: time.Now()}
		proxy.Take()
		_, errs := do(progress.With(ctx, progress.New(st)))
		all := time.Since(st.began).Seconds()
		run.Requests = proxy.Take()
		first, ok := st.first()
		if !ok {
			return run, fmt.Errorf("no node finished: %v", errs)
		}
		run.First, run.All = append(run.First, first), append(run.All, all)
		if len(st.running) > 0 {
			run.FirstRunning = append(run.FirstRunning, st.running[0])
			run.LastRunning = append(run.LastRunning, st.running[len(st.running)-1])
		}
		run.Failed, run.Why = len(errs), ""
		if len(errs) > 0 {
			run.Why = errs[0].Error()
		}
	}
	return run, nil
}

// stamps is a progress writer that notes when each debug pod is Running
// and each node is done.
type stamps struct {
	mu            sync.Mutex
	began         time.Time
	running, done []float64
}

func (s *stamps) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch at := time.Since(s.began).Seconds(); {
	case bytes.Contains(b, []byte(" nodes done, ")):
		s.done = append(s.done, at)
	case bytes.HasSuffix(bytes.TrimSpace(b), []byte(" is Running")):
		s.running = append(s.running, at)
	}
	return len(b), nil
}

func (s *stamps) first() (float64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.done) == 0 {
		return 0, false
	}
	return s.done[0], true
}

// perNode is a request count spread over n nodes.
func perNode(r Requests, n int, keys ...string) string {
	total := 0
	for _, k := range keys {
		total += r.ByKey[k]
	}
	if n == 0 {
		return "–"
	}
	if total%n == 0 {
		return strconv.Itoa(total / n)
	}
	return fmt.Sprintf("%.2f", float64(total)/float64(n))
}

// listKeys are the LIST requests of a run, "LIST nodes 1, LIST pods 1".
func listKeys(r Requests) string {
	var out []string
	for k, v := range r.ByKey {
		if strings.HasPrefix(k, "LIST ") {
			out = append(out, fmt.Sprintf("%s %d", strings.TrimPrefix(k, "LIST "), v))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// nodesMachine is where the node bench ran.
func nodesMachine(r *NodesResults) string {
	m := r.Machine
	return fmt.Sprintf("| CPU | %s, %d cores |\n| Memory | %s |\n| OS | %s |\n| Go | %s |\n| Kubernetes | %s (kube-apiserver, etcd, kube-scheduler, kube-controller-manager; kwok nodes; the real node: kubelet + containerd + runc, `hack/lib/realnode.sh`) |\n| kubectl-akash | %s |\n| Load average (1 min) at start / end | %s / %s |\n",
		m.CPUModel, runtime.NumCPU(), m.Memory, m.OS, m.GoVersion, orDash(m.Kubernetes), m.PluginVersion, orDash(m.LoadStart), orDash(m.LoadEnd))
}

// nodesFlagValues are the node bench's own flags.
type nodesFlagValues struct {
	kwok, repeat *string
	real         *bool
	parallel     *int
}

func nodesFlags() nodesFlagValues {
	return nodesFlagValues{
		kwok:     flag.String("nodes-kwok", envOr("BENCH_NODES_KWOK", "1 10 50"), "with -nodes-out: kwok node counts to fan out over (env BENCH_NODES_KWOK)"),
		repeat:   flag.String("nodes-repeat", envOr("BENCH_NODES_REPEAT", "1 5 10 20"), "with -nodes-out: debug pods at once on the real node (env BENCH_NODES_REPEAT)"),
		real:     flag.Bool("nodes-real", os.Geteuid() == 0 && runtime.GOOS == "linux", "with -nodes-out: bring the real node up (root, Linux)"),
		parallel: flag.Int("nodes-parallel", 10, "with -nodes-out: --parallel of the fan-out"),
	}
}

// runNodes is main for -nodes-out.
func runNodes(cfg Config, f nodesFlagValues, out string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	nc := NodesConfig{Root: root, Plugin: cfg.Plugin, Testbin: cfg.Testbin, RealNode: *f.real, Parallel: *f.parallel,
		Runs: cfg.Runs, Out: out, WorkDir: cfg.WorkDir, Log: cfg.Log}
	if nc.Kwok, err = ints(*f.kwok); err != nil {
		return err
	}
	if nc.Repeat, err = ints(*f.repeat); err != nil {
		return err
	}
	_, err = RunNodes(context.Background(), nc)
	return err
}
