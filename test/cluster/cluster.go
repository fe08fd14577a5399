// Package cluster gives end-to-end tests a real Kubernetes control plane:
// etcd, kube-apiserver, kube-controller-manager and kube-scheduler, with kwok
// playing the nodes, started on loopback by hack/cluster.sh.
//
// A package's TestMain calls Main, which starts one cluster for the whole
// package run and always tears it down; each test calls Get, which returns that
// cluster or skips the test when end-to-end tests are not enabled:
//
//	func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		c := cluster.Get(t)
//		ns := c.Namespace(t, "something")
//		...
//	}
//
// The cluster looks like an Akash provider's before any lease: the
// akash.network CRDs (served at v2beta2, pruning unknown fields like the real
// ones), the namespaces "lease" and "akash-services", and Nodes kwok-node-0..N-1
// labelled akash.network=true and type=kwok, each with 4 CPUs, 16Gi of memory
// and 110 pods. Pods scheduled to them go Running without a container runtime.
package cluster

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Cluster is the running test cluster. Tests share it: they should work in
// namespaces of their own (see Namespace) and not change cluster-wide objects
// other tests rely on.
type Cluster struct {
	// Kubeconfig is the path of a kubeconfig for user "admin", in group system:masters.
	Kubeconfig string
	// ViewerKubeconfig is the path of a kubeconfig for user "e2e-viewer", who is in
	// no group and has no RBAC bindings: it can do discovery and nothing else,
	// until a test binds it a role.
	ViewerKubeconfig string
	// BinDir holds the cluster's binaries, including a kubectl of the same version.
	BinDir string
	// Dir is the cluster's state dir: logs, pid files, etcd data. It is deleted
	// at teardown.
	Dir string
	// Nodes is how many kwok nodes the cluster has.
	Nodes int
	// RealNode is the name of the real (kubelet + containerd) node, "localhost",
	// or "" when the cluster has none; see NeedRealNode and EnvRealNode.
	RealNode string
	// AgentImage is the agent image built from this tree and loaded on the real
	// node ("" without one): pass it to node-debug's --image.
	AgentImage string

	config  *rest.Config
	kube    kubernetes.Interface
	dynamic dynamic.Interface

	// lifecycle, see main.go
	root     string
	port     int
	portLock *os.File
	// realNodeLock is the machine-wide real-node lock, held until teardown.
	realNodeLock *os.File
	// leftovers is what the real node left on the machine after teardown.
	leftovers []string
	cancelUp  context.CancelFunc
	stopOnce  sync.Once
}

// running is the cluster Main started; skipReason says why there is none.
var (
	running    *Cluster
	skipReason = "e2e tests skipped: this package's TestMain does not call cluster.Main"
)

// Get returns the running cluster, or skips the test when there is none (end-to-end
// tests not enabled, see Main).
func Get(t testing.TB) *Cluster {
	t.Helper()
	if running == nil {
		t.Skip(skipReason)
	}
	return running
}

// connect loads the admin kubeconfig and builds the shared clients.
func (c *Cluster) connect() error {
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig)
	if err != nil {
		return fmt.Errorf("loading %s: %w", c.Kubeconfig, err)
	}
	// client-go's default of 5 requests per second would make tests that seed
	// many objects slow, and is not what they measure.
	cfg.QPS, cfg.Burst = 100, 200
	c.config = cfg
	if c.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return err
	}
	c.dynamic, err = dynamic.NewForConfig(cfg)
	return err
}

// RESTConfig returns a copy of the admin client configuration, free to modify.
func (c *Cluster) RESTConfig() *rest.Config { return rest.CopyConfig(c.config) }

// Kube returns a typed client with admin rights.
func (c *Cluster) Kube() kubernetes.Interface { return c.kube }

// Dynamic returns a dynamic client with admin rights, for the akash.network
// resources and anything else without Go types.
func (c *Cluster) Dynamic() dynamic.Interface { return c.dynamic }

// Namespace creates a namespace named after prefix plus a random suffix, waits
// until pods can be created in it, and deletes it when the test ends. prefix
// may be anything, e.g. t.Name(); it is cut down to a valid name.
func (c *Cluster) Namespace(t testing.TB, prefix string) string {
	t.Helper()
	ctx := context.Background()
	ns, err := c.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: namePrefix(prefix) + "-"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating a namespace: %v", err)
	}
	t.Cleanup(func() {
		// The test's own context is already cancelled when cleanups run.
		err := c.kube.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("deleting namespace %s: %v", ns.Name, err)
		}
	})
	// The API server refuses pods until the controller-manager has created the
	// namespace's default ServiceAccount; wait, so tests never see that race.
	err = wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true,
		func(ctx context.Context) (bool, error) {
			_, err := c.kube.CoreV1().ServiceAccounts(ns.Name).Get(ctx, "default", metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return false, nil
			}
			return err == nil, err
		})
	if err != nil {
		t.Fatalf("namespace %s: no default ServiceAccount: %v", ns.Name, err)
	}
	return ns.Name
}

// namePrefix turns s into the start of a DNS-1123 label: lower case, [a-z0-9-],
// at most 40 characters, leaving room for the generated suffix.
func namePrefix(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	out := b.String()
	if len(out) > 40 {
		out = out[:40]
	}
	if out = strings.Trim(out, "-"); out == "" {
		out = "e2e"
	}
	return out
}

// KwokAddresses are the addresses a test's own kwok Node must carry, as
// hack/cluster.sh gives its nodes: the API server dials a node by its
// Hostname address, and without one kwok would use the node's name, which
// only a DNS server could resolve. Both point at loopback.
var KwokAddresses = []corev1.NodeAddress{
	{Type: corev1.NodeInternalIP, Address: "127.0.0.1"},
	{Type: corev1.NodeHostName, Address: "localhost"},
}

// EtcdURL is the cluster's etcd client URL (plain HTTP on loopback, as
// hack/cluster.sh starts it: 64 ports below the API server's).
func (c *Cluster) EtcdURL() string { return fmt.Sprintf("http://127.0.0.1:%d", c.port-64) }
