package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Environment for the real node.
const (
	// EnvRealNode, set to 1, starts the cluster with a real node (hack/cluster.sh
	// up --real-node): kubelet + containerd + runc, node "localhost", tainted
	// RealNodeTaint, with the agent image built from this tree loaded as
	// AgentImage. `make test` sets it.
	EnvRealNode = "KUBECTL_AKASH_REAL_NODE"
	// EnvRealNodeWait bounds how long to wait for another test run's real node
	// to go away (default 20m): one machine runs one kubelet at a time.
	EnvRealNodeWait = "KUBECTL_AKASH_REAL_NODE_WAIT"
)

// Facts about the real node, as hack/lib/realnode.sh makes it.
const (
	// RealNodeName is the real node's name.
	RealNodeName = "localhost"
	// RealNodeTaintKey is the real node's NoSchedule taint: other tests' pods
	// never land there; debug pods (which tolerate everything) and pods that
	// tolerate it do.
	RealNodeTaintKey = "kubectl-akash.test/real-node"
	// AgentImageRef is the tag the agent image is loaded under; pods must use
	// imagePullPolicy IfNotPresent or Never.
	AgentImageRef = "localhost/kubectl-akash:e2e"
	// BusyboxImage is a small image with a shell, present on the real node.
	BusyboxImage = "localhost/busybox:v1"
	// realNodeLock is shared with hack/lib/realnode.sh.
	realNodeLock = "/tmp/kubectl-akash-real-node.lock"
)

// NeedRealNode skips the test unless the cluster has a real node, and
// returns its name.
func (c *Cluster) NeedRealNode(t testing.TB) string {
	t.Helper()
	if c.RealNode == "" {
		t.Skip("no real node: set " + EnvRealNode + "=1 (make test does)")
	}
	return c.RealNode
}

func realNodeWanted() bool { return os.Getenv(EnvRealNode) == "1" }

// lockRealNode takes the machine-wide real-node lock, waiting for another
// run's node to go away. The lock is held until the returned file is closed
// (or this process exits).
func lockRealNode() (*os.File, error) {
	wait := 20 * time.Minute
	if s := os.Getenv(EnvRealNodeWait); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: want a duration", EnvRealNodeWait, s)
		}
		wait = d
	}
	f, err := os.OpenFile(realNodeLock, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	said := false
	for {
		locked, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		if locked {
			return f, nil
		}
		if !said {
			fmt.Fprintf(os.Stderr, "e2e: another real node runs on this machine (%s is held); waiting up to %s for it to go\n", realNodeLock, wait)
			said = true
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("another real node kept %s for %s: only one kubelet may run on a machine; bring that cluster down (hack/cluster.sh down) or unset %s", realNodeLock, wait, EnvRealNode)
		}
		time.Sleep(2 * time.Second)
	}
}

// loadAgentImage builds the agent image for this machine's architecture
// from this tree (go run ./hack/image) and imports it into the real node.
func (c *Cluster) loadAgentImage(ctx context.Context) error {
	began := time.Now()
	out := filepath.Join(c.Dir, "image")
	build := exec.CommandContext(ctx, "go", "run", "./hack/image", "-platforms", "linux/"+runtime.GOARCH,
		"-format", "docker", "-tag", AgentImageRef, "-out", out)
	build.Dir = c.root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	b, err := build.CombinedOutput()
	if err != nil {
		return fmt.Errorf("building the agent image (go run ./hack/image): %v\n%s", err, b)
	}
	tarball := filepath.Join(out, "kubectl-akash-image.linux-"+runtime.GOARCH+".tar")
	if b, err := c.script(ctx, "load-image", tarball).CombinedOutput(); err != nil {
		return fmt.Errorf("loading the agent image into the real node: %v\n%s", err, b)
	}
	fmt.Fprintf(os.Stderr, "e2e: agent image %s built and loaded in %s\n", AgentImageRef, time.Since(began).Round(100*time.Millisecond))
	return nil
}

// startRealNode runs after the control plane is up: it is its own step so a
// slow kubelet start gets its own, longer timeout.
func (c *Cluster) startRealNode() error {
	lock, err := lockRealNode()
	if err != nil {
		return err
	}
	c.realNodeLock = lock
	ctx, cancel := context.WithTimeout(context.Background(), upTimeout)
	defer cancel()
	up := c.script(ctx, "up", "--real-node")
	up.Env = append(up.Env, "KUBECTL_AKASH_REAL_NODE_LOCK_HELD=1")
	// containerd and the kubelet inherit the locked file (as fd 3) and hold
	// the lock for as long as they run: if this process dies, the next run
	// still waits until the node is really gone.
	up.ExtraFiles = []*os.File{lock}
	up.Stdout, up.Stderr = os.Stderr, os.Stderr
	if err := up.Run(); err != nil {
		return fmt.Errorf("the real node did not start (hack/cluster.sh up --real-node: %v; its output is above)", err)
	}
	c.RealNode = RealNodeName
	if err := c.loadAgentImage(ctx); err != nil {
		return err
	}
	c.AgentImage = AgentImageRef
	return nil
}

// RealNodeLeftovers lists what a stopped real node left on this machine:
// kubelet, containerd or shim processes of the state dir, mounts under it,
// the CNI bridge, the node's address link. Empty means clean. Teardown checks it (see Main).
func RealNodeLeftovers(dir string) []string {
	var left []string
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		comm, err := os.ReadFile(filepath.Join(p, "comm"))
		if err != nil {
			continue
		}
		name := strings.TrimSpace(string(comm))
		if name != "kubelet" && name != "containerd" && !strings.HasPrefix(name, "containerd-shim") {
			continue
		}
		cmd, _ := os.ReadFile(filepath.Join(p, "cmdline"))
		if strings.Contains(string(cmd), dir+"/") {
			left = append(left, fmt.Sprintf("process %s (%s)", filepath.Base(p), name))
		}
	}
	if b, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
				left = append(left, "mount "+f[4])
			}
		}
	}
	for _, link := range []string{RealNodeBridge, RealNodeLink} {
		if _, err := os.Stat("/sys/class/net/" + link); err == nil {
			left = append(left, "network interface "+link)
		}
	}
	return left
}

const (
	// RealNodeBridge is the CNI bridge the real node's pods are attached to.
	RealNodeBridge = "kakash-e2e0"
	// RealNodeLink is the port-less bridge that carries the real node's address
	// (RealNodeIP): the kubelet serves there, not on loopback, because the
	// API server's node proxy refuses loopback addresses.
	RealNodeLink = "kakash-e2enode"
	// RealNodeIP is the real node's InternalIP, the kubelet's address.
	RealNodeIP = "10.250.74.1"
)
