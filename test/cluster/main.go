package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Environment Main reads.
const (
	// EnvTestbin is the directory of the cluster's binaries (hack/testbin.sh's
	// output). Setting it turns end-to-end tests on.
	EnvTestbin = "KUBECTL_AKASH_TESTBIN"
	// EnvE2E is "required" (a cluster must start, else the run fails; without
	// EnvTestbin, hack/testbin.sh is run, building the binaries if needed) or
	// "off" (never start one). Unset, tests run exactly when EnvTestbin is set.
	EnvE2E = "KUBECTL_AKASH_E2E"
	// EnvNodes is the number of kwok nodes (default 3).
	EnvNodes = "KUBECTL_AKASH_NODES"
	// EnvKeep, when set, leaves the cluster running after the tests, to debug
	// them; Main prints how to reach it and how to bring it down.
	EnvKeep = "KUBECTL_AKASH_KEEP_CLUSTER"
)

// firstPort is where the search for free API server ports starts: away from the
// 36443 a developer's `make cluster-up` uses, so both can run at once.
const firstPort = 37443

// upTimeout bounds `hack/cluster.sh up`; it normally takes seconds.
const upTimeout = 5 * time.Minute

// Main runs the tests of a package that needs the cluster, and returns the exit
// code for os.Exit. It starts one cluster (hack/cluster.sh up, in a fresh temp
// state dir, on free ports) before the tests and tears it down after them (down
// --purge), also on SIGINT or SIGTERM. If the test binary dies some other way (a
// panic, go test's -timeout), the cluster notices its owner is gone and brings
// itself down.
//
// When end-to-end tests are not enabled (see EnvTestbin and EnvE2E), Main prints
// why and runs the tests anyway: those that call Get skip, the others run.
func Main(m *testing.M) int {
	bin := os.Getenv(EnvTestbin)
	mode := os.Getenv(EnvE2E)
	switch {
	case mode != "" && mode != "required" && mode != "off":
		fmt.Fprintf(os.Stderr, "e2e: %s=%q: want required, off or nothing\n", EnvE2E, mode)
		return 2
	case mode == "off":
		return runWithout(m, "e2e tests skipped: "+EnvE2E+"=off")
	case bin == "" && mode != "required":
		return runWithout(m, "e2e tests skipped: run `make test` (or set "+EnvTestbin+"=$(hack/testbin.sh))")
	}

	c, err := start(bin, false)
	if err != nil {
		if c != nil {
			c.stop()
		}
		if mode == "required" {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
			return 1
		}
		return runWithout(m, "e2e tests skipped: "+err.Error())
	}
	defer c.stop() // also when m.Run panics; stop runs once
	running = c
	code := m.Run()
	if code != 0 {
		c.printLogTails(os.Stderr, 15)
	}
	c.stop()
	if len(c.leftovers) > 0 && code == 0 {
		// Teardown is part of what the tests prove: a dirty machine fails the run.
		code = 1
	}
	return code
}

func runWithout(m *testing.M, reason string) int {
	fmt.Println(reason)
	skipReason = reason
	return m.Run()
}

// start brings the cluster up; another is a second cluster of one node
// and never the real node (see Another). On error, a non-nil Cluster still
// needs stop.
func start(bin string, another bool) (*Cluster, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	if bin == "" {
		if bin, err = testbin(root); err != nil {
			return nil, err
		}
	}
	nodes := 3
	if s := os.Getenv(EnvNodes); s != "" {
		if nodes, err = strconv.Atoi(s); err != nil || nodes < 0 {
			return nil, fmt.Errorf("%s=%q: want a number of nodes", EnvNodes, s)
		}
	}
	if another {
		nodes = 1
	}
	port, lock, err := reservePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kubectl-akash-e2e-")
	if err != nil {
		lock.Close()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), upTimeout)
	c := &Cluster{
		Kubeconfig:       filepath.Join(dir, "kubeconfig"),
		ViewerKubeconfig: filepath.Join(dir, "viewer.kubeconfig"),
		BinDir:           bin,
		Dir:              dir,
		Nodes:            nodes,
		root:             root,
		port:             port,
		portLock:         lock,
		cancelUp:         cancel,
	}
	c.teardownOnSignal()

	began := time.Now()
	up := c.script(ctx, "up")
	up.Stdout, up.Stderr = os.Stderr, os.Stderr // progress, and the failing log's tail
	if err := up.Run(); err != nil {
		return c, fmt.Errorf("the test cluster did not start (hack/cluster.sh up: %v; its output is above)", err)
	}
	cancel()
	fmt.Fprintf(os.Stderr, "e2e: test cluster on 127.0.0.1:%d up in %s\n", port, time.Since(began).Round(100*time.Millisecond))
	if realNodeWanted() && !another {
		began = time.Now()
		if err := c.startRealNode(); err != nil {
			return c, err
		}
		fmt.Fprintf(os.Stderr, "e2e: real node %s Ready in %s\n", c.RealNode, time.Since(began).Round(100*time.Millisecond))
	}
	if err := c.connect(); err != nil {
		return c, err
	}
	return c, nil
}

// script runs hack/cluster.sh on this cluster's state dir and port.
func (c *Cluster) script(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(c.root, "hack", "cluster.sh")}, args...)...)
	cmd.Env = append(os.Environ(),
		"KUBECTL_AKASH_CLUSTER_DIR="+c.Dir,
		"KUBECTL_AKASH_APISERVER_PORT="+strconv.Itoa(c.port),
		"KUBECTL_AKASH_TESTBIN="+c.BinDir,
		"KUBECTL_AKASH_NODES="+strconv.Itoa(c.Nodes),
	)
	if os.Getenv(EnvKeep) == "" {
		cmd.Env = append(cmd.Env, "KUBECTL_AKASH_OWNER_PID="+strconv.Itoa(os.Getpid()))
	}
	return cmd
}

// stop tears the cluster down once; it may run from the signal handler and from
// Main at the same time.
func (c *Cluster) stop() {
	c.stopOnce.Do(func() {
		c.cancelUp()
		defer c.portLock.Close()
		if os.Getenv(EnvKeep) != "" {
			fmt.Fprintf(os.Stderr, "e2e: %s is set: the test cluster keeps running.\n"+
				"  export KUBECONFIG=%s\n  stop it: KUBECTL_AKASH_CLUSTER_DIR=%s hack/cluster.sh down --purge\n",
				EnvKeep, c.Kubeconfig, c.Dir)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if out, err := c.script(ctx, "down", "--purge").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: tearing down the test cluster: %v\n%s", err, out)
		}
		if c.realNodeLock != nil {
			// The real node must leave nothing on the machine; say so loudly if it did.
			if left := RealNodeLeftovers(c.Dir); len(left) > 0 {
				fmt.Fprintf(os.Stderr, "e2e: the real node left behind: %s\n", strings.Join(left, "; "))
				c.leftovers = left
			}
			c.realNodeLock.Close()
		}
	})
}

// teardownOnSignal makes an interrupted run (Ctrl-C, a CI job cancelled) tear the
// cluster down before exiting. The cluster's processes run in sessions of their
// own, so the terminal's SIGINT does not reach them.
func (c *Cluster) teardownOnSignal() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		fmt.Fprintf(os.Stderr, "e2e: %v: tearing down the test cluster\n", s)
		c.stop()
		os.Exit(1)
	}()
}

// printLogTails prints the end of every component's log, to explain failures:
// the state dir, and the logs with it, are gone after teardown.
func (c *Cluster) printLogTails(w io.Writer, lines int) {
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "containerd", "kubelet"} {
		b, err := os.ReadFile(filepath.Join(c.Dir, name+".log"))
		if err != nil {
			continue
		}
		all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(all) > lines {
			all = all[len(all)-lines:]
		}
		fmt.Fprintf(w, "--- last %d lines of %s.log ---\n%s\n", len(all), name, strings.Join(all, "\n"))
	}
}

// repoRoot walks up from the working directory (the package under test) to the
// directory holding go.mod and hack/cluster.sh.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if fileExists(filepath.Join(dir, "go.mod")) && fileExists(filepath.Join(dir, "hack", "cluster.sh")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no repository root (go.mod and hack/cluster.sh) above the working directory")
		}
		dir = parent
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// testbin runs hack/testbin.sh, which builds the binaries on first use, and
// returns the directory it prints.
func testbin(root string) (string, error) {
	cmd := exec.Command("bash", filepath.Join(root, "hack", "testbin.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("hack/testbin.sh: %v", err)
	}
	return string(bytes.TrimSpace(out)), nil
}

// reservePort picks the API server port for this package's cluster: the first
// of 37443, 37543, ... that no other test process on this machine holds and whose
// ports are all free (the API server's, and etcd's two, 64 and 63 below it, as
// hack/cluster.sh lays them out). Holding is an flock on a file in the temp dir,
// kept until teardown, so the packages `go test ./...` runs in parallel never
// pick the same ports.
func reservePort() (int, *os.File, error) {
	for port := firstPort; port < firstPort+100*100; port += 100 {
		lock, err := os.OpenFile(filepath.Join(os.TempDir(), fmt.Sprintf("kubectl-akash-e2e-port-%d.lock", port)),
			os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return 0, nil, err
		}
		locked, err := tryLock(lock)
		if err != nil {
			lock.Close()
			return 0, nil, err
		}
		// port-62 is the real node's kubelet, when there is one.
		if locked && portsFree(port, port-64, port-63, port-62) {
			return port, lock, nil
		}
		lock.Close()
	}
	return 0, nil, errors.New("no free ports for a test cluster on 127.0.0.1")
}

func portsFree(ports ...int) bool {
	for _, p := range ports {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}
