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
	"math"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster to seed")
	scale := flag.Int("leases", 0, "instead of the demo, seed this many leases of two services each (for measurements)")
	stuckShare := flag.Float64("stuck-share", 0, "with --leases: the share of leases (0..1) whose web service gets an update that cannot schedule (Insufficient cpu), for replicasets force-new")
	lostShare := flag.Float64("lost-command-share", 0, "with --leases: the share of leases (0..1) whose api service lost its command in its last, unfinished revision, for manifests heal")
	wait := flag.Duration("wait", 0, "with --leases: wait this long at most for the cluster to settle (healthy rollouts complete, the broken ones' pods unschedulable)")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up when seeding and settling together take longer than this")
	serveChain := flag.String("serve-chain", "", "instead of seeding, serve on this loopback address (127.0.0.1:PORT) a stand-in of the chain's REST API that knows the demo's leases, some closed, for --serve-for")
	serveFor := flag.Duration("serve-for", 10*time.Minute, "with --serve-chain: stop serving after this long")
	flag.Parse()
	if *serveChain != "" {
		if err := serveDemoChain(*serveChain, *serveFor); err != nil {
			fmt.Fprintln(os.Stderr, "seed:", err)
			os.Exit(1)
		}
		return
	}
	scenarios := append(Demo(), doctorScenarios()...)
	if *scale > 0 {
		scenarios = Scale(*scale, *stuckShare, *lostShare)
	}
	if err := run(*kubeconfig, scenarios, *wait, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string, scenarios []Scenario, settleFor, timeout time.Duration) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 500, 1000
	// Built-in objects travel as protobuf, which costs the API server (on
	// the same two cores) less to decode and store than JSON; the dynamic
	// client's custom resources have only JSON.
	typed := rest.CopyConfig(cfg)
	typed.ContentType = runtime.ContentTypeProtobuf
	typed.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	kube, err := kubernetes.NewForConfig(typed)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var created, broken atomic.Int64
	// Each broken lease is broken as soon as its first rollout has a
	// ReplicaSet, while the other leases are still being created: waiting
	// for all of them first would leave the controllers idle, then busy.
	breaks, bctx := errgroup.WithContext(ctx)
	g, gctx := errgroup.WithContext(bctx)
	// Each lease is a few sequential creates; 32 in flight keep the API
	// server busy without queueing more than it serves.
	g.SetLimit(32)
	for _, s := range scenarios {
		g.Go(func() error {
			err := fixture.Apply(gctx, kube, dyn, s.Lease, s.Options)
			if err == nil {
				created.Add(1)
				err = s.createWorkloads(gctx, kube)
			} else if apierrors.IsAlreadyExists(err) {
				err = nil // seeded before
			}
			if err == nil && s.Break != 0 {
				breaks.Go(func() error {
					breakIt := breakRollout
					if s.Break == Failed {
						breakIt = failPod
					}
					if err := breakIt(bctx, kube, s); err != nil {
						return fmt.Errorf("breaking %s: %w", s.Lease, err)
					}
					broken.Add(1)
					return nil
				})
			}
			return err
		})
	}
	err = g.Wait()
	if err != nil {
		cancel() // nothing more to break
	}
	fmt.Printf("seeded %d leases (%d already present)\n", created.Load(), int64(len(scenarios))-created.Load())
	if berr := breaks.Wait(); err == nil {
		err = berr
	}
	if err != nil {
		return err
	}
	if n := broken.Load(); n > 0 {
		fmt.Printf("broke %d rollouts\n", n)
	}
	if settleFor > 0 {
		return settle(ctx, kube, scenarios, settleFor)
	}
	return nil
}

// Scale is n leases of two small services (web and api) each, for
// measuring commands at provider scale. A share of them is broken the way
// the runbooks' situations are (see Break); which leases is fixed by their
// index, so seeding a bigger n on top of a smaller one keeps the earlier
// choices and only adds.
func Scale(n int, stuckShare, lostShare float64) []Scenario {
	out := make([]Scenario, 0, n)
	for i := 0; i < n; i++ {
		web := fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 1, Memory: 1 << 20}
		api := fixture.Service{Name: "api", Image: "ghcr.io/acme/api:1", Count: 1, CPU: 1, Memory: 1 << 20}
		s := Scenario{Lease: fixture.NewLease(fmt.Sprintf("tenant-%d", i%97), uint64(1_000_000+i), web, api)}
		switch {
		case picked(i, stuckShare, 0):
			s.Break = StuckUpdate
			s.Options.Legacy = true // the default rolling update keeps the old pod
		case picked(i, lostShare, 0.37): // a phase that keeps its picks off the stuck ones at the usual shares
			s.Break = LostCommand
			s.Options.NoWorkloads = true // created by createWorkloads, with the command
		}
		out = append(out, s)
	}
	return out
}

// picked spreads a share of the indexes evenly: index i is picked when
// i*share+phase crosses an integer (phase shifts the picks by part of a
// period). It depends on i only, not on n.
func picked(i int, share, phase float64) bool {
	if share <= 0 {
		return false
	}
	return math.Floor(float64(i+1)*share+phase) > math.Floor(float64(i)*share+phase)
}

// Scenario is one lease and how much of it exists in the cluster.
type Scenario struct {
	Lease   fixture.Lease
	Options fixture.Options
	// Break, when set, is the situation made on purpose in this lease.
	Break Break
}

// Break is a situation a runbook (and a kubectl-akash command) looks for.
type Break int

const (
	// StuckUpdate: the web Deployment is updated to a revision asking for
	// more CPU than any node has, so its new pod stays Pending with
	// "Insufficient cpu" beside the old one (replicasets force-new).
	StuckUpdate Break = iota + 1
	// LostCommand: the api Deployment ran with a command that its Manifest
	// lacks; its next revision has no command and never becomes available
	// (manifests heal). The new pod is kept off every node by a node
	// selector, so it is not "Insufficient" anything.
	LostCommand
	// Failed: the lease has a pod that Failed (OOM-killed an hour ago), as
	// the kubelet leaves it (pods clean-failed).
	Failed
)

// service names the Deployment a Break changes.
func (b Break) service() string {
	if b == StuckUpdate {
		return "web"
	}
	return "api"
}

// lostCommand is the command the LostCommand leases' api service ran with.
var lostCommand = []string{"/bin/api", "--serve"}

// createWorkloads creates the Deployments fixture.Apply left out: a
// LostCommand lease's, whose api runs a command the Manifest does not have.
func (s Scenario) createWorkloads(ctx context.Context, kube kubernetes.Interface) error {
	if s.Break != LostCommand {
		return nil
	}
	for _, svc := range s.Lease.Services {
		if svc.Name == "api" {
			svc.Command = lostCommand
		}
		d := s.Lease.Deployment(svc, false)
		if _, err := kube.AppsV1().Deployments(s.Lease.Namespace()).Create(ctx, d, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("%s: workload %s: %w", s.Lease, svc.Name, err)
		}
	}
	return nil
}

// breakRollout gives the broken lease's Deployment its second revision,
// once the Deployment controller has made the first one's ReplicaSet (an
// update before that would only leave one revision). It is idempotent.
func breakRollout(ctx context.Context, kube kubernetes.Interface, s Scenario) error {
	deployments := kube.AppsV1().Deployments(s.Lease.Namespace())
	name := s.Break.service()
	return wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		d, err := deployments.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		if d.Status.ObservedGeneration < 1 {
			return false, nil // no ReplicaSet for revision 1 yet
		}
		if !s.Break.apply(d) {
			return true, nil // done before
		}
		_, err = deployments.Update(ctx, d, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			return false, nil // the controller wrote in between: again
		}
		return err == nil, err
	})
}

// apply changes d into the broken revision; false when it already is.
func (b Break) apply(d *appsv1.Deployment) bool {
	spec := &d.Spec.Template.Spec
	c := &spec.Containers[0]
	switch b {
	case StuckUpdate:
		big := resource.MustParse("64") // nodes have 4 CPUs
		if c.Resources.Requests.Cpu().Equal(big) {
			return false
		}
		c.Image = "nginx:1.27"
		c.Resources.Requests[corev1.ResourceCPU] = big
		c.Resources.Limits[corev1.ResourceCPU] = big
	case LostCommand:
		if c.Command == nil {
			return false
		}
		c.Command = nil // what providers before 0.2.1 did on restart
		spec.NodeSelector = map[string]string{"kubectl-akash.bench/no-such-node": "true"}
		// Keep the old pod while the new one waits, as when it crash-loops.
		d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(1)), MaxUnavailable: ptr.To(intstr.FromInt32(0))}
	}
	return true
}

// settle waits until every healthy Deployment of the scenarios is complete
// and every broken one has an unschedulable pod, so that a measurement sees
// a steady cluster and no rollout is merely slow.
func settle(ctx context.Context, kube kubernetes.Interface, scenarios []Scenario, timeout time.Duration) error {
	want := map[string]Break{} // namespace/name -> how it is broken (0: healthy)
	for _, s := range scenarios {
		for _, svc := range s.Lease.Services {
			b := s.Break
			if b != 0 && b.service() != svc.Name {
				b = 0
			}
			want[s.Lease.Namespace()+"/"+svc.Name] = b
		}
	}
	began := time.Now()
	last := ""
	err := wait.PollUntilContextTimeout(ctx, 2*time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		ds, err := kube.AppsV1().Deployments("").List(ctx, metav1.ListOptions{LabelSelector: akash.LabelManifestService})
		if err != nil {
			return false, err
		}
		pods, err := kube.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: akash.LabelManifestService, FieldSelector: "status.phase=Pending"})
		if err != nil {
			return false, err
		}
		unschedulable := map[string]bool{} // namespace/service
		for _, p := range pods.Items {
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
					unschedulable[p.Namespace+"/"+p.Labels[akash.LabelManifestService]] = true
				}
			}
		}
		healthy, broken, wantHealthy, wantBroken := 0, 0, 0, 0
		for _, b := range want {
			if b == 0 {
				wantHealthy++
			} else {
				wantBroken++
			}
		}
		for _, d := range ds.Items {
			key := d.Namespace + "/" + d.Name
			b, ok := want[key]
			switch {
			case !ok:
			case b == 0 && complete(&d):
				healthy++
			case b != 0 && unschedulable[key]:
				broken++
			}
		}
		msg := fmt.Sprintf("settling: %d/%d rollouts complete, %d/%d broken ones pending", healthy, wantHealthy, broken, wantBroken)
		if msg != last {
			fmt.Printf("%s (%s)\n", msg, time.Since(began).Round(time.Second))
			last = msg
		}
		return healthy == wantHealthy && broken == wantBroken, nil
	})
	if err != nil {
		return fmt.Errorf("the cluster did not settle in %s: %s: %w", timeout, last, err)
	}
	return nil
}

// complete is kubectl rollout status's success.
func complete(d *appsv1.Deployment) bool {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	return d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas == want &&
		d.Status.Replicas == want && d.Status.AvailableReplicas == want
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
