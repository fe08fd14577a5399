package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/test/chainapi"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// doctorScenarios give every cluster section of `kubectl akash doctor`
// something to show: a stuck update, a lost command and a Failed pod; the
// chain stand-in (serveDemoChain) adds the dangling leases.
func doctorScenarios() []Scenario {
	web := fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 500, Memory: 64 << 20}
	api := fixture.Service{Name: "api", Image: "ghcr.io/acme/api:1", Count: 1, CPU: 250, Memory: 64 << 20}
	return []Scenario{
		{Lease: fixture.NewLease("gina", 9500101, web), Options: fixture.Options{Legacy: true}, Break: StuckUpdate},
		{Lease: fixture.NewLease("hank", 9500202, api), Options: fixture.Options{NoWorkloads: true}, Break: LostCommand},
		{Lease: fixture.NewLease("ivy", 9500303, fixture.Web("node:20")), Options: fixture.Options{NoWorkloads: true}, Break: Failed},
	}
}

// failPod creates the lease's Failed pod: kept off every node (so no
// kubelet or kwok touches it), then given the status the kubelet writes
// when a container is OOM-killed. It is idempotent.
func failPod(ctx context.Context, kube kubernetes.Interface, s Scenario) error {
	ns, name := s.Lease.Namespace(), "web-oom"
	pods := kube.CoreV1().Pods(ns)
	_, err := pods.Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{akash.LabelManaged: "true", akash.LabelManifestService: "web"}},
		Spec: corev1.PodSpec{
			NodeSelector: map[string]string{"kubectl-akash.demo/no-such-node": "true"},
			Containers:   []corev1.Container{{Name: "web", Image: s.Lease.Services[0].Image}},
		},
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	finished := metav1.NewTime(time.Now().Add(-time.Hour))
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		p, err := pods.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		p.Status.Phase = corev1.PodFailed
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "web", Image: p.Spec.Containers[0].Image,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled", FinishedAt: finished}}}}
		_, err = pods.UpdateStatus(ctx, p, metav1.UpdateOptions{})
		return err
	})
}

// serveDemoChain serves, on a loopback address only, a stand-in of the
// chain's REST API that knows the demo's leases as the chain would: open,
// except one closed on chain that still runs in the cluster, and one open
// lease of which nothing runs.
func serveDemoChain(addr string, d time.Duration) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--serve-chain %q: serve on a loopback address, like 127.0.0.1:8555", addr)
	}
	var leases []chainapi.Lease
	for _, s := range append(Demo(), doctorScenarios()...) {
		state := "active"
		if s.Lease.ID.Owner == fixture.Address("frank") {
			state = "closed" // its namespace still runs: served for free
		}
		leases = append(leases, chainapi.Lease{ID: s.Lease.ID, State: state, CreatedAt: 9000, ClosedOn: closedOn(state)})
	}
	orphan := fixture.NewLease("judy", 9600001, fixture.Web("nginx")).ID // open, nothing runs: paid for nothing
	leases = append(leases, chainapi.Lease{ID: orphan, State: "active", CreatedAt: 9100})
	srv := &http.Server{Addr: addr, Handler: chainapi.New(leases...), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		time.Sleep(d)
		_ = srv.Close()
	}()
	fmt.Printf("serving a chain stand-in on http://%s for %s\n", addr, d)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func closedOn(state string) int64 {
	if state == "closed" {
		return 9900
	}
	return 0
}
