// Command seed fills a cluster with the state of a small, realistic Akash
// provider: lease namespaces, Manifests, ProviderHosts and workloads, as the
// provider would have created them. `make demo` runs it against the local
// cluster.
//
//	go run ./hack/seed --kubeconfig /tmp/kubectl-akash-cluster/kubeconfig
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster to seed")
	scale := flag.Int("leases", 0, "instead of the demo, seed this many leases of two services each (for measurements)")
	flag.Parse()
	scenarios := Demo()
	if *scale > 0 {
		scenarios = Scale(*scale)
	}
	if err := run(*kubeconfig, scenarios); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string, scenarios []Scenario) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 200, 400
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	var created atomic.Int64
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, s := range scenarios {
		g.Go(func() error {
			err := fixture.Apply(ctx, kube, dyn, s.Lease, s.Options)
			if apierrors.IsAlreadyExists(err) {
				return nil // seeded before
			}
			if err == nil {
				created.Add(1)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	fmt.Printf("seeded %d leases (%d already present)\n", created.Load(), int64(len(scenarios))-created.Load())
	return nil
}

// Scale is n leases of two small services (web and api) each, for
// measuring commands at provider scale.
func Scale(n int) []Scenario {
	out := make([]Scenario, 0, n)
	for i := 0; i < n; i++ {
		web := fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 1, Memory: 1 << 20}
		api := fixture.Service{Name: "api", Image: "ghcr.io/acme/api:1", Count: 1, CPU: 1, Memory: 1 << 20}
		out = append(out, Scenario{Lease: fixture.NewLease(fmt.Sprintf("tenant-%d", i%97), uint64(1_000_000+i), web, api)})
	}
	return out
}

// Scenario is one lease and how much of it exists in the cluster.
type Scenario struct {
	Lease   fixture.Lease
	Options fixture.Options
}

// Demo is a small provider: a two-service web+database lease, a GPU lease
// that cannot schedule (no GPU on these nodes), a crypto miner an operator
// would want to close, a lease with gseq 2, a Manifest whose namespace is
// gone and a namespace whose Manifest is gone.
func Demo() []Scenario {
	web := fixture.Web("nginx:1.25.3")
	web.Count = 2
	web.Hostname = "shop.example.com"
	db := fixture.Service{Name: "db", Image: "postgres:16.4", Count: 1, CPU: 500, Memory: 1 << 30, Stateful: true}
	gpu := fixture.Service{Name: "ollama", Image: "ghcr.io/ollama/ollama:0.3.12", Count: 1, CPU: 2000, Memory: 8 << 30, GPU: 1}
	miner := fixture.Service{Name: "app", Image: "docker.io/xmrig/xmrig:6.21.0", Count: 1, CPU: 1000, Memory: 512 << 20,
		Command: []string{"/xmrig/xmrig"}, Args: []string{"-o", "pool.example:3333"}}
	redis := fixture.Service{Name: "cache", Image: "redis:7.2", Count: 1, CPU: 250, Memory: 256 << 20}
	gseq2 := fixture.NewLease("dave", 9301120, redis)
	gseq2.ID.GSeq = 2
	return []Scenario{
		{Lease: fixture.NewLease("alice", 8438017, web, db)},
		{Lease: fixture.NewLease("bob", 9123001, gpu)},
		{Lease: fixture.NewLease("carol", 9200455, miner)},
		{Lease: gseq2},
		{Lease: fixture.NewLease("erin", 9400001, fixture.Web("caddy:2.8")), Options: fixture.Options{NoNamespace: true}},
		{Lease: fixture.NewLease("frank", 9400777, fixture.Web("httpd:2.4")), Options: fixture.Options{NoManifest: true}},
	}
}
