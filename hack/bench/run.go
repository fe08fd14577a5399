package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs/proctree"
)

// exitFindings is kubectl-akash's exit code of a check that found something.
const exitFindings = 3

// Task names.
const (
	TaskForceNew = "force-new"
	TaskHeal     = "heal"
	TaskList     = "leases-list" // no runbook: measured against the floor only
	TaskDoctor   = "doctor"      // its cluster sections; no runbook either
	TaskZombies  = "zombies"
)

// Results are everything a run measured.
type Results struct {
	Config  Config
	Machine Machine
	Rows    []Row
	// BaselineRSSMB is the max RSS of `kubectl akash version`: the binary's
	// own pages and the runtime, which every command pays before reading
	// anything.
	BaselineRSSMB float64
	// Seeding is how long each lease count took to seed and settle, on top
	// of the one before.
	Seeding []Seeded
	// ServerGC says the API server collected its garbage before each timed
	// run and each fetch of the floor (servergc.go); false when it has no
	// profiling endpoint to ask.
	ServerGC bool
}

// Seeded is one size's seeding: the seeder's requests and the cluster
// settling (every healthy rollout complete, every broken one broken).
type Seeded struct {
	Leases int
	Took   time.Duration
}

// Row is one task at one size, both tools.
type Row struct {
	Task string
	Size int // leases or processes
	// Expected is what both tools should find: stuck rollouts, lost
	// commands, or zombies.
	Expected        int
	Runbook, Plugin Measurement
	// Floor is the same LIST requests as the plugin's, replayed raw in the
	// same run (floor.go); only its times are set.
	Floor Measurement
}

// Measurement is one tool at one size.
type Measurement struct {
	Seconds []float64 // every timed run
	Median  float64
	// CPU is the user+system time of every timed run, the tool's own
	// process and the children it waited for (kubectl, jq); on a machine
	// that also runs the API server, the part of the wall time that is the
	// client's work.
	CPU       []float64
	CPUMedian float64
	// ServerCPU is the API server's CPU time during every timed run, when
	// it can be read (servercpu.go).
	ServerCPU       []float64
	ServerCPUMedian float64
	MaxRSSMB        float64 // the largest resident set of a timed run (the runbooks': their biggest process)
	Requests        int     // API requests of one run (the last)
	Lists           int
	ByKey           map[string]int
	Found           int // what the tool reported finding
	// Extrapolated, when set, says how the numbers were derived instead of
	// measured.
	Extrapolated string
	out          string // the last run's stdout, while checking it
}

// Machine is where the bench ran.
type Machine struct {
	CPUs                                       int
	CPUModel, Memory, OS                       string
	GoVersion, Kubernetes, PluginVersion, Date string
	// LoadStart and LoadEnd are /proc/loadavg's 1-minute load when the
	// bench began and ended: other work on the machine shows there.
	LoadStart, LoadEnd string
}

// Run runs the bench and writes the report and the plot.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	if cfg.Runs < 1 {
		cfg.Runs = 1
	}
	if cfg.PluginRuns < 1 {
		cfg.PluginRuns = cfg.Runs
	}
	if cfg.FloorReplays < 1 {
		cfg.FloorReplays = 1
	}
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	cfg.Plugin = abs(cfg.Root, cfg.Plugin)
	if cfg.WorkDir == "" {
		dir, err := os.MkdirTemp("", "kubectl-akash-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		cfg.WorkDir = dir
	}
	for _, d := range []string{"home", "backup"} {
		if err := os.MkdirAll(filepath.Join(cfg.WorkDir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if cfg.Testbin == "" {
		out, err := exec.CommandContext(ctx, "bash", filepath.Join(cfg.Root, "hack", "testbin.sh")).Output()
		if err != nil {
			return nil, fmt.Errorf("hack/testbin.sh: %w", err)
		}
		cfg.Testbin = strings.TrimSpace(string(out))
	}
	res := &Results{Config: cfg}
	res.Machine.LoadStart = loadavg()
	if base, err := measure(ctx, cfg, nil, 3, 0, true, func() *exec.Cmd { return exec.CommandContext(ctx, cfg.Plugin, "version") }, nil); err == nil {
		res.BaselineRSSMB = base.MaxRSSMB
	}

	if len(cfg.Sizes) > 0 {
		if err := runCluster(ctx, &cfg, res); err != nil {
			return res, err
		}
	}
	for _, n := range cfg.Procs {
		row, err := runZombies(ctx, cfg, res.Rows, n)
		if err != nil {
			return res, err
		}
		res.Rows = append(res.Rows, row)
	}
	res.Machine = machine(ctx, cfg, res.Machine.Kubernetes, res.Machine.LoadStart)
	res.Config = cfg
	if cfg.Markdown != "" {
		if err := os.WriteFile(abs(cfg.Root, cfg.Markdown), []byte(Markdown(res)), 0o644); err != nil {
			return res, err
		}
		cfg.Log("wrote %s", cfg.Markdown)
	}
	if cfg.Plot != "" {
		p := abs(cfg.Root, cfg.Plot)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return res, err
		}
		if err := os.WriteFile(p, Plot(res), 0o644); err != nil {
			return res, err
		}
		cfg.Log("wrote %s", cfg.Plot)
	}
	return res, nil
}

// runCluster brings the cluster up (unless one is given), and seeds and
// measures each lease count.
func runCluster(ctx context.Context, cfg *Config, res *Results) (err error) {
	kubeconfig := cfg.Kubeconfig
	if kubeconfig == "" {
		state := filepath.Join(cfg.WorkDir, "cluster")
		maxSize := cfg.Sizes[len(cfg.Sizes)-1]
		nodes := (2*maxSize+99)/100 + 2 // kwok nodes hold 110 pods; leave headroom
		env := append(os.Environ(), "KUBECTL_AKASH_CLUSTER_DIR="+state, "KUBECTL_AKASH_APISERVER_PORT="+strconv.Itoa(cfg.Port),
			"KUBECTL_AKASH_NODES="+strconv.Itoa(nodes), "KUBECTL_AKASH_TESTBIN="+cfg.Testbin,
			// Ctrl-C skips the deferred down: the cluster goes with this process anyway.
			"KUBECTL_AKASH_OWNER_PID="+strconv.Itoa(os.Getpid()))
		script := filepath.Join(cfg.Root, "hack", "cluster.sh")
		cfg.Log("cluster up: %d kwok nodes, API server on 127.0.0.1:%d", nodes, cfg.Port)
		up := exec.CommandContext(ctx, "bash", script, "up")
		up.Env, up.Stderr = env, os.Stderr
		defer func() {
			down := exec.Command("bash", script, "down", "--purge")
			down.Env, down.Stderr = env, os.Stderr
			if derr := down.Run(); derr != nil && err == nil {
				err = fmt.Errorf("cluster down: %w", derr)
			}
		}()
		if err := up.Run(); err != nil {
			return fmt.Errorf("cluster up: %w", err)
		}
		kubeconfig = filepath.Join(state, "kubeconfig")
	}
	seed := filepath.Join(cfg.WorkDir, "seed")
	build := exec.CommandContext(ctx, "go", "build", "-o", seed, "./hack/seed")
	build.Dir, build.Stderr = cfg.Root, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building hack/seed: %w", err)
	}
	proxy, err := startProxy(kubeconfig, cfg.WorkDir)
	if err != nil {
		return err
	}
	defer proxy.Close()
	// hack/cluster.sh keeps the API server's pid beside the kubeconfig.
	proxy.ServerCPU = serverCPU(filepath.Join(filepath.Dir(kubeconfig), "kube-apiserver.pid"))
	tools := toolEnv(*cfg, proxy.Kubeconfig)

	// Warm kubectl's discovery cache, as on an operator's machine, and ask
	// the server's version.
	kv := exec.CommandContext(ctx, filepath.Join(cfg.Testbin, "kubectl"), "version", "-o", "json")
	kv.Env = tools
	if out, err := kv.Output(); err == nil {
		var v struct {
			ServerVersion struct{ GitVersion string } `json:"serverVersion"`
		}
		if json.Unmarshal(out, &v) == nil {
			res.Machine.Kubernetes = v.ServerVersion.GitVersion
		}
	}
	warm := exec.CommandContext(ctx, filepath.Join(cfg.Testbin, "kubectl"), "api-resources")
	warm.Env = tools
	_ = warm.Run()
	proxy.Take()

	for _, n := range cfg.Sizes {
		cfg.Log("seeding %d leases (%.1f%% stuck updates, %.1f%% lost commands)", n, 100*cfg.StuckShare, 100*cfg.LostShare)
		s := exec.CommandContext(ctx, seed, "--kubeconfig", kubeconfig, "--leases", strconv.Itoa(n),
			"--stuck-share", fmt.Sprint(cfg.StuckShare), "--lost-command-share", fmt.Sprint(cfg.LostShare), "--wait", "45m", "--timeout", "2h")
		s.Stdout, s.Stderr = os.Stderr, os.Stderr
		began := time.Now()
		if err := s.Run(); err != nil {
			return fmt.Errorf("seeding %d leases: %w", n, err)
		}
		res.Seeding = append(res.Seeding, Seeded{n, time.Since(began)})
		cfg.Log("seeded and settled in %s", time.Since(began).Round(time.Second))
		proxy.Take()
		stuck, lost := countPicked(n, cfg.StuckShare, 0, -1, 0), countPicked(n, cfg.LostShare, 0.37, cfg.StuckShare, 0)
		tasks := []struct {
			task         string
			expected     int
			runbook      string
			plugin       []string
			runbookFound func(string) int
			pluginFound  func(string) (int, error)
		}{
			{TaskForceNew, stuck, "force-new-replicaset.sh",
				[]string{"replicasets", "force-new", "--dry-run=client", "-o", "json", "--min-age", "0"},
				func(out string) int { return strings.Count(out, " is stuck on insufficient resources") }, countItems},
			{TaskHeal, lost, "heal-lost-command.sh",
				[]string{"manifests", "heal", "--dry-run=client", "-o", "json"},
				func(out string) int { return strings.Count(out, "would patch manifest") }, countItems},
			{TaskList, n, "",
				[]string{"leases", "list", "-o", "json"},
				nil, countItems},
			{TaskDoctor, stuck + lost, "",
				[]string{"doctor", "--no-nodes", "--stuck-after", "0s", "--jq",
					`[.status.results[].findings[] | select(.code == "DC101" or .code == "DC111")] | length`},
				nil, func(out string) (int, error) { return strconv.Atoi(strings.TrimSpace(out)) }},
		}
		for _, t := range tasks {
			row := Row{Task: t.task, Size: n, Expected: t.expected}
			// After each timed run of the plugin, the floor of the same
			// requests: interleaved, so that other work on the machine
			// weighs on both alike.
			var floorErr error
			row.Plugin, err = measure(ctx, *cfg, proxy, cfg.PluginRuns, 0, true, func() *exec.Cmd {
				c := exec.CommandContext(ctx, cfg.Plugin, append(t.plugin, "--kubeconfig", proxy.Kubeconfig)...)
				c.Env = tools
				return c
			}, func(r Requests) {
				for range cfg.FloorReplays {
					if err := proxy.collectGarbage(ctx); err != nil {
						floorErr = err
						return
					}
					server := proxy.serverCPUFrom()
					d, err := fetchFloor(ctx, proxy.Base, r.Listings)
					if err != nil {
						floorErr = err
						return
					}
					row.Floor.Seconds = append(row.Floor.Seconds, d.Seconds())
					if server != nil {
						row.Floor.ServerCPU = append(row.Floor.ServerCPU, server())
					}
				}
			})
			if err == nil {
				err = floorErr
			}
			if err != nil {
				return fmt.Errorf("kubectl akash %s at %d leases: %w", t.task, n, err)
			}
			row.Floor.Median, row.Floor.ServerCPUMedian = median(row.Floor.Seconds), median(row.Floor.ServerCPU)
			if row.Plugin.Found, err = t.pluginFound(row.Plugin.out); err != nil {
				return fmt.Errorf("kubectl akash %s at %d leases: %w", t.task, n, err)
			}
			if row.Plugin.Found != t.expected {
				return fmt.Errorf("kubectl akash %s at %d leases found %d, want %d: the seeded state is not what the bench expects", t.task, n, row.Plugin.Found, t.expected)
			}
			cfg.Log("%s, %d leases: kubectl akash %.3fs median (%.2f× the floor, %.3fs), client CPU %.3fs, API server CPU %.3fs (floor's %.3fs), max RSS %.0f MB, %d requests (%d LIST), found %d", t.task, n, row.Plugin.Median, row.Plugin.Median/row.Floor.Median, row.Floor.Median, row.Plugin.CPUMedian, row.Plugin.ServerCPUMedian, row.Floor.ServerCPUMedian, row.Plugin.MaxRSSMB, row.Plugin.Requests, row.Plugin.Lists, row.Plugin.Found)
			if t.runbook == "" {
				row.Plugin.out = ""
				res.Rows = append(res.Rows, row)
				continue
			}
			if n > cfg.RunbookMaxLeases {
				row.Runbook = extrapolate(res.Rows, t.task, n)
			} else {
				row.Runbook, err = measure(ctx, *cfg, proxy, cfg.Runs, cfg.RunbookOnceAfter, false, func() *exec.Cmd {
					c := exec.CommandContext(ctx, "bash", filepath.Join(cfg.Root, "hack", "bench", "runbooks", t.runbook))
					c.Env = tools
					return c
				}, nil)
				if err != nil {
					return fmt.Errorf("runbook %s at %d leases: %w", t.runbook, n, err)
				}
				row.Runbook.Found = t.runbookFound(row.Runbook.out)
			}
			cfg.Log("%s, %d leases: runbook %.3fs median of %d, %d requests (%d LIST), found %d %s", t.task, n, row.Runbook.Median, len(row.Runbook.Seconds), row.Runbook.Requests, row.Runbook.Lists, row.Runbook.Found, row.Runbook.Extrapolated)
			row.Runbook.out, row.Plugin.out = "", ""
			res.Rows = append(res.Rows, row)
		}
	}
	res.ServerGC = !proxy.noGC
	return nil
}

// countPicked counts the leases of n that hack/seed's Scale breaks with
// share and phase (its picked function), leaving out those an earlier
// break (otherShare, otherPhase) took first.
func countPicked(n int, share, phase, otherShare, otherPhase float64) int {
	k := 0
	for i := 0; i < n; i++ {
		if otherShare > 0 && picked(i, otherShare, otherPhase) {
			continue
		}
		if picked(i, share, phase) {
			k++
		}
	}
	return k
}

// picked is hack/seed's choice of broken leases; the bench checks that the
// plugin finds exactly these, so a drift between the two fails loudly.
func picked(i int, share, phase float64) bool {
	if share <= 0 {
		return false
	}
	return math.Floor(float64(i+1)*share+phase) > math.Floor(float64(i)*share+phase)
}

// toolEnv is the environment both tools run in: the counting proxy's
// kubeconfig, the runbooks' kubectl, a private kube cache, and dry runs.
func toolEnv(cfg Config, kubeconfig string) []string {
	return append(os.Environ(),
		"KUBECONFIG="+kubeconfig,
		"KUBECTL="+filepath.Join(cfg.Testbin, "kubectl"),
		"HOME="+filepath.Join(cfg.WorkDir, "home"),
		"KUBECACHEDIR="+filepath.Join(cfg.WorkDir, "home", ".kube", "cache"),
		"BACKUP_DIR="+filepath.Join(cfg.WorkDir, "backup"),
		"DRY_RUN=1",
	)
}

// measure runs a command runs times (once more, untimed, first when warm)
// and keeps the timings and the last run's requests and output. With
// onceAfter > 0, a first run slower than that is the only one. after, when
// set, runs after each timed run with that run's requests.
func measure(ctx context.Context, cfg Config, proxy *countingProxy, runs int, onceAfter time.Duration, warm bool, cmd func() *exec.Cmd, after func(Requests)) (Measurement, error) {
	var m Measurement
	if warm {
		if _, _, err := runOnce(cmd()); err != nil {
			return m, err
		}
	}
	for i := 0; i < runs; i++ {
		if proxy != nil {
			proxy.Take()
		}
		if err := proxy.collectGarbage(ctx); err != nil {
			return m, err
		}
		c := cmd()
		server := proxy.serverCPUFrom()
		d, out, err := runOnce(c)
		if err != nil {
			return m, err
		}
		if server != nil {
			m.ServerCPU = append(m.ServerCPU, server())
		}
		m.Seconds = append(m.Seconds, d.Seconds())
		m.out = out
		if ps := c.ProcessState; ps != nil {
			m.CPU = append(m.CPU, (ps.UserTime() + ps.SystemTime()).Seconds())
			m.MaxRSSMB = max(m.MaxRSSMB, maxRSSMB(ps))
		}
		if proxy != nil {
			r := proxy.Take()
			m.Requests, m.Lists, m.ByKey = r.Total, r.Lists, r.ByKey
			if after != nil {
				after(r)
			}
		}
		if onceAfter > 0 && i == 0 && d > onceAfter {
			break
		}
	}
	m.Median, m.CPUMedian, m.ServerCPUMedian = median(m.Seconds), median(m.CPU), median(m.ServerCPU)
	return m, nil
}

func runOnce(c *exec.Cmd) (time.Duration, string, error) {
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	began := time.Now()
	err := c.Run()
	d := time.Since(began)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == exitFindings && filepath.Base(c.Path) == "kubectl-akash" {
		err = nil // a check's "found something"
	}
	if err != nil {
		return d, "", fmt.Errorf("%s: %v\n%s", strings.Join(c.Args, " "), err, tail(stderr.String(), 2000))
	}
	return d, stdout.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// extrapolate derives the runbook's numbers at size n linearly from the
// largest size it was measured at: both its work and its waits grow with
// the number of Deployments and of broken ones, which grow with n.
func extrapolate(rows []Row, task string, n int) Measurement {
	var from *Row
	for i := range rows {
		if rows[i].Task == task && rows[i].Runbook.Extrapolated == "" && len(rows[i].Runbook.Seconds) > 0 && (from == nil || rows[i].Size > from.Size) {
			from = &rows[i]
		}
	}
	if from == nil {
		return Measurement{Extrapolated: "not measured"}
	}
	f := float64(n) / float64(from.Size)
	return Measurement{
		Median:       from.Runbook.Median * f,
		Requests:     int(math.Round(float64(from.Runbook.Requests) * f)),
		Lists:        int(math.Round(float64(from.Runbook.Lists) * f)),
		Extrapolated: fmt.Sprintf("extrapolated linearly from %d", from.Size),
	}
}

// countItems counts the items of a kubectl-akash JSON list.
func countItems(out string) (int, error) {
	var l struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		return 0, fmt.Errorf("not a JSON list: %v", err)
	}
	return len(l.Items), nil
}

// runZombies lays out a synthetic node of n processes, 1% of them zombies
// under 10 parents inside containers, and measures both tools on it.
func runZombies(ctx context.Context, cfg Config, rows []Row, n int) (Row, error) {
	dir := filepath.Join(cfg.WorkDir, fmt.Sprintf("node-%d", n))
	defer os.RemoveAll(dir)
	tr := proctree.Node(n/20, 19) // n/20 pods of a shim, a pause and 18 workload processes
	tr.Lean = true
	zombies := 0
	for i := 0; i < 10; i++ {
		// 6+20i is pod i's container init (Node's layout); spread the parents
		// over the pods.
		pod := i * (n / 20) / 10
		zombies += len(tr.AddZombies(6+20*pod, max(1, n/1000), 50))
	}
	began := time.Now()
	proc, host, err := tr.Write(dir)
	if err != nil {
		return Row{}, err
	}
	cfg.Log("zombies: laid out %d processes (%d zombies) in %s", len(tr.Procs), zombies, time.Since(began).Round(time.Millisecond))
	row := Row{Task: TaskZombies, Size: n, Expected: zombies}
	// Without a kubeconfig, as on a node: the scan is what is measured.
	env := append(os.Environ(), "KUBECONFIG="+filepath.Join(cfg.WorkDir, "no-such-kubeconfig"), "HOME="+filepath.Join(cfg.WorkDir, "home"), "PROC_ROOT="+proc, "DRY_RUN=1")
	row.Plugin, err = measure(ctx, cfg, nil, cfg.PluginRuns, 0, true, func() *exec.Cmd {
		c := exec.CommandContext(ctx, cfg.Plugin, "node-debug", "zombies", "--local", "--proc-root", proc, "--host-root", host, "-o", "json")
		c.Env = env
		return c
	}, nil)
	if err != nil {
		return row, err
	}
	if row.Plugin.Found, err = zombieCount(row.Plugin.out); err != nil {
		return row, err
	}
	if row.Plugin.Found != zombies {
		return row, fmt.Errorf("node-debug zombies on %d processes found %d zombies, want %d", n, row.Plugin.Found, zombies)
	}
	cfg.Log("zombies, %d processes: kubectl akash %.3fs median, found %d", n, row.Plugin.Median, row.Plugin.Found)
	if n > cfg.RunbookMaxProcs {
		row.Runbook = extrapolate(rows, TaskZombies, n)
	} else {
		row.Runbook, err = measure(ctx, cfg, nil, cfg.Runs, cfg.RunbookOnceAfter, false, func() *exec.Cmd {
			c := exec.CommandContext(ctx, "bash", filepath.Join(cfg.Root, "hack", "bench", "runbooks", "kill-zombies.sh"))
			c.Env = env
			return c
		}, nil)
		if err != nil {
			return row, err
		}
		if _, err := fmt.Sscanf(row.Runbook.out, "%d zombies", &row.Runbook.Found); err != nil {
			return row, fmt.Errorf("kill-zombies.sh said %q", tail(row.Runbook.out, 200))
		}
	}
	cfg.Log("zombies, %d processes: runbook %.3fs median of %d, found %d %s", n, row.Runbook.Median, len(row.Runbook.Seconds), row.Runbook.Found, row.Runbook.Extrapolated)
	row.Runbook.out, row.Plugin.out = "", ""
	return row, nil
}

// zombieCount reads the zombies of node-debug zombies' JSON list.
func zombieCount(out string) (int, error) {
	var l struct {
		Items []struct {
			Status struct {
				Zombies int    `json:"zombies"`
				Error   string `json:"error"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil || len(l.Items) != 1 {
		return 0, fmt.Errorf("node-debug zombies: not a one-node JSON list (%v): %s", err, tail(out, 300))
	}
	if e := l.Items[0].Status.Error; e != "" {
		return 0, fmt.Errorf("node-debug zombies: %s", e)
	}
	return l.Items[0].Status.Zombies, nil
}

// machine describes this machine and the versions measured.
func machine(ctx context.Context, cfg Config, kube, loadStart string) Machine {
	m := Machine{LoadStart: loadStart, LoadEnd: loadavg(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Kubernetes: kube, OS: runtime.GOOS + "/" + runtime.GOARCH,
		Date: time.Now().UTC().Format("2006-01-02")}
	// A Kubernetes built from the module has no version stamped in; the
	// testbin directory is named after the version it was built from.
	if _, v, ok := strings.Cut(filepath.Base(cfg.Testbin), "k8s-"); (m.Kubernetes == "" || strings.HasPrefix(m.Kubernetes, "v0.0.0")) && ok {
		m.Kubernetes, _, _ = strings.Cut(v, "-")
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	if out, err := exec.CommandContext(ctx, cfg.Plugin, "version", "-o", "json").Output(); err == nil {
		var v struct{ Version, Commit string }
		if json.Unmarshal(out, &v) == nil {
			m.PluginVersion = v.Version + " (commit " + v.Commit + ")"
		}
	}
	return m
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
