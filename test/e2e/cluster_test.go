package e2e

// These tests prove the test cluster is what later features rely on: the real
// Akash CRDs, with pruning; nodes with known capacity; a scheduler that binds
// pods or reports why it cannot; controllers that turn Deployments into
// ReplicaSets; RBAC that forbids; and request counting.

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

var (
	manifestGVR         = schema.GroupVersionResource{Group: "akash.network", Version: "v2beta2", Resource: "manifests"}
	providerHostGVR     = schema.GroupVersionResource{Group: "akash.network", Version: "v2beta2", Resource: "providerhosts"}
	providerLeasedIPGVR = schema.GroupVersionResource{Group: "akash.network", Version: "v2beta2", Resource: "providerleasedips"}
)

const (
	owner    = "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h"
	provider = "akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0"
)

// eventually polls cond until it reports done, failing the test after timeout
// with what cond last described.
func eventually(t *testing.T, timeout time.Duration, cond func(ctx context.Context) (done bool, state string, err error)) {
	t.Helper()
	var last string
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, timeout, true,
		func(ctx context.Context) (bool, error) {
			done, state, err := cond(ctx)
			last = state
			return done, err
		})
	if err != nil {
		t.Fatalf("%v; last seen: %s", err, last)
	}
}

func TestAkashCRDsAreServedAtV2beta2(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	disco := c.Kube().Discovery()

	list, err := disco.ServerResourcesForGroupVersion("akash.network/v2beta2")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ kind, short string }{
		"manifests":         {"Manifest", "mani"},
		"providerhosts":     {"ProviderHost", "ph"},
		"providerleasedips": {"ProviderLeasedIP", "plip"},
	}
	for _, r := range list.APIResources {
		w, ok := want[r.Name]
		if !ok {
			continue
		}
		if r.Kind != w.kind || !r.Namespaced || !reflect.DeepEqual(r.ShortNames, []string{w.short}) {
			t.Errorf("%s: kind %s, namespaced %v, short names %v; want %s, namespaced, [%s]",
				r.Name, r.Kind, r.Namespaced, r.ShortNames, w.kind, w.short)
		}
		delete(want, r.Name)
	}
	if len(want) > 0 {
		t.Errorf("not served at akash.network/v2beta2: %v", want)
	}
	if _, err := disco.ServerResourcesForGroupVersion("akash.network/v2beta1"); !apierrors.IsNotFound(err) {
		t.Errorf("akash.network/v2beta1 should not be served; discovery error: %v", err)
	}
}

// The API server drops fields the CRD schema does not name, as on a real
// provider (where Manifests once lost their services' `command` this way).
func TestManifestUnknownFieldsArePruned(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "manifest")
	service := map[string]any{
		"name":    "web",
		"image":   "nginx:1.27",
		"command": []any{"sh", "-c"},
		"args":    []any{"exec nginx -g 'daemon off;'"},
		"env":     []any{"GREETING=hello"},
		"resources": map[string]any{
			"id":      int64(1),
			"cpu":     map[string]any{"units": int64(500)},
			"memory":  map[string]any{"size": "536870912"},
			"storage": []any{map[string]any{"name": "default", "size": "1073741824"}},
		},
		"count":  int64(1),
		"expose": []any{map[string]any{"port": int64(80), "external_port": int64(80), "proto": "TCP", "global": true}},
		// Not in the schema: the server must drop it.
		"made_up_field": "dropped",
	}
	m := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "akash.network/v2beta2",
		"kind":       "Manifest",
		"metadata":   map[string]any{"name": "m1"},
		"spec": map[string]any{
			"lease_id": map[string]any{"owner": owner, "dseq": "8438017", "gseq": int64(1), "oseq": int64(1), "provider": provider},
			"group":    map[string]any{"name": "dcloud", "services": []any{service}},
		},
	}}
	// The server accepts the object and says what it dropped in a warning.
	warnings := &warningRecorder{}
	cfg := c.RESTConfig()
	cfg.WarningHandler = warnings
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Resource(manifestGVR).Namespace(ns).Create(t.Context(), m, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if w := warnings.String(); !strings.Contains(w, `unknown field "spec.group.services[0].made_up_field"`) {
		t.Errorf("warnings %q: want one about the unknown field", w)
	}
	got, err := c.Dynamic().Resource(manifestGVR).Namespace(ns).Get(t.Context(), "m1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	services, _, _ := unstructured.NestedSlice(got.Object, "spec", "group", "services")
	if len(services) != 1 {
		t.Fatalf("services: %v", services)
	}
	svc := services[0].(map[string]any)
	if _, ok := svc["made_up_field"]; ok {
		t.Errorf("made_up_field was kept; the server should prune fields the schema does not name")
	}
	if !reflect.DeepEqual(svc["command"], []any{"sh", "-c"}) {
		t.Errorf("command = %v, want [sh -c]", svc["command"])
	}
	if dseq, _, _ := unstructured.NestedFieldNoCopy(got.Object, "spec", "lease_id", "dseq"); dseq != "8438017" {
		t.Errorf("lease_id.dseq = %#v, want the string \"8438017\"", dseq)
	}
}

// warningRecorder keeps the warnings the API server sends.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (w *warningRecorder) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.warnings = append(w.warnings, text)
}

func (w *warningRecorder) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.warnings, "; ")
}

// ProviderHost and ProviderLeasedIP are served too, with their own shapes: in
// a ProviderHost dseq is an integer, unlike in a lease_id.
func TestProviderHostAndLeasedIP(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "providerhost")
	ph := func(dseq any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "akash.network/v2beta2",
			"kind":       "ProviderHost",
			"metadata":   map[string]any{"name": "web.ingress.example.com"},
			"spec": map[string]any{
				"owner": owner, "provider": provider, "hostname": "web.ingress.example.com",
				"dseq": dseq, "gseq": int64(1), "oseq": int64(1), "service_name": "web", "external_port": int64(80),
			},
		}}
	}
	_, err := c.Dynamic().Resource(providerHostGVR).Namespace(ns).Create(t.Context(), ph("8438017"), metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Errorf("ProviderHost with a string dseq: got %v, want Invalid", err)
	}
	if _, err := c.Dynamic().Resource(providerHostGVR).Namespace(ns).Create(t.Context(), ph(int64(8438017)), metav1.CreateOptions{}); err != nil {
		t.Fatalf("ProviderHost: %v", err)
	}

	plip := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "akash.network/v2beta2",
		"kind":       "ProviderLeasedIP",
		"metadata":   map[string]any{"name": "key-tcp-8080"},
		"spec": map[string]any{
			"lease_id":     map[string]any{"owner": owner, "dseq": "8438017", "gseq": int64(1), "oseq": int64(1), "provider": provider},
			"service_name": "web", "port": int64(80), "external_port": int64(8080), "protocol": "TCP", "sharing_key": "key",
		},
	}}
	if _, err := c.Dynamic().Resource(providerLeasedIPGVR).Namespace(ns).Create(t.Context(), plip, metav1.CreateOptions{}); err != nil {
		t.Fatalf("ProviderLeasedIP: %v", err)
	}
	got, err := c.Dynamic().Resource(providerLeasedIPGVR).Namespace(ns).Get(t.Context(), "key-tcp-8080", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p, _, _ := unstructured.NestedInt64(got.Object, "spec", "external_port"); p != 8080 {
		t.Errorf("external_port = %d, want 8080", p)
	}
}

func TestProviderNamespacesExist(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	for _, name := range []string{"lease", "akash-services"} {
		if _, err := c.Kube().CoreV1().Namespaces().Get(t.Context(), name, metav1.GetOptions{}); err != nil {
			t.Errorf("namespace %s: %v", name, err)
		}
	}
}

func TestKwokNodesAreReady(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	nodes, err := c.Kube().CoreV1().Nodes().List(t.Context(), metav1.ListOptions{LabelSelector: "type=kwok"})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes.Items) != c.Nodes {
		t.Fatalf("%d kwok nodes, want %d", len(nodes.Items), c.Nodes)
	}
	for _, n := range nodes.Items {
		if !nodeReady(&n) {
			t.Errorf("node %s is not Ready: %v", n.Name, n.Status.Conditions)
		}
		if cpu := n.Status.Allocatable[corev1.ResourceCPU]; cpu.Cmp(resource.MustParse("4")) != 0 {
			t.Errorf("node %s: allocatable cpu %s, want 4", n.Name, cpu.String())
		}
		if n.Labels["akash.network"] != "true" || n.Annotations["kwok.x-k8s.io/node"] != "fake" {
			t.Errorf("node %s: labels %v, annotations %v", n.Name, n.Labels, n.Annotations)
		}
	}
}

func nodeReady(n *corev1.Node) bool {
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podRequesting(name, cpu string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:      "main",
			Image:     "busybox",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}},
		}}},
	}
}

func TestSchedulerRunsPodOnKwokNode(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "schedule")
	pods := c.Kube().CoreV1().Pods(ns)
	if _, err := pods.Create(t.Context(), podRequesting("small", "100m"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func(ctx context.Context) (bool, string, error) {
		p, err := pods.Get(ctx, "small", metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		state := fmt.Sprintf("phase %s on node %q", p.Status.Phase, p.Spec.NodeName)
		return p.Status.Phase == corev1.PodRunning && strings.HasPrefix(p.Spec.NodeName, "kwok-node-"), state, nil
	})
}

// A pod bigger than any node stays Pending, and the scheduler says why, both in
// the pod's PodScheduled condition and in a FailedScheduling event: what the
// runbooks grep for as "Insufficient".
func TestSchedulerReportsInsufficientCPU(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "unschedulable")
	pods := c.Kube().CoreV1().Pods(ns)
	if _, err := pods.Create(t.Context(), podRequesting("huge", "64"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func(ctx context.Context) (bool, string, error) {
		p, err := pods.Get(ctx, "huge", metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodScheduled {
				ok := p.Status.Phase == corev1.PodPending && cond.Status == corev1.ConditionFalse &&
					cond.Reason == corev1.PodReasonUnschedulable && strings.Contains(cond.Message, "Insufficient cpu")
				return ok, fmt.Sprintf("phase %s, PodScheduled %+v", p.Status.Phase, cond), nil
			}
		}
		return false, "no PodScheduled condition", nil
	})
	eventually(t, 30*time.Second, func(ctx context.Context) (bool, string, error) {
		events, err := c.Kube().CoreV1().Events(ns).List(ctx, metav1.ListOptions{
			FieldSelector: "involvedObject.kind=Pod,involvedObject.name=huge,reason=FailedScheduling",
		})
		if err != nil {
			return false, "", err
		}
		for _, e := range events.Items {
			if strings.Contains(e.Message, "Insufficient cpu") {
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("%d FailedScheduling events, none about cpu", len(events.Items)), nil
	})
}

// The controller-manager runs the Deployment controller: a Deployment gets a
// ReplicaSet it owns, and its pods run.
func TestDeploymentGetsReplicaSet(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "deployment")
	replicas := int32(2)
	labels := map[string]string{"app": "web"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       podRequesting("", "100m").Spec,
			},
		},
	}
	d, err := c.Kube().AppsV1().Deployments(ns).Create(t.Context(), d, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func(ctx context.Context) (bool, string, error) {
		rss, err := c.Kube().AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, "", err
		}
		for _, rs := range rss.Items {
			if ref := metav1.GetControllerOf(&rs); ref != nil && ref.UID == d.UID {
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("%d ReplicaSets, none owned by the Deployment", len(rss.Items)), nil
	})
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		got, err := c.Kube().AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		return got.Status.AvailableReplicas == replicas, fmt.Sprintf("status %+v", got.Status), nil
	})
}

// The viewer is authenticated but authorized for nothing: Forbidden, not
// Unauthorized.
func TestViewerIsForbiddenFromListingPods(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	cfg, err := clientcmd.BuildConfigFromFlags("", c.ViewerKubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := viewer.Discovery().ServerVersion(); err != nil {
		t.Fatalf("the viewer should be able to do discovery: %v", err)
	}
	_, err = viewer.CoreV1().Pods("default").List(t.Context(), metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("viewer listing pods: got %v, want Forbidden", err)
	}
}

func TestRequestCounterCountsOneListPerList(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "counter")
	cfg, counter := c.CountingConfig()
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kube.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if counter.Count("LIST pods") != 1 || counter.Total() != 1 {
		t.Errorf("after one List of pods: %s, want {LIST pods: 1}", counter)
	}
	counter.Reset()
	if _, err := kube.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	if counter.Count("GET namespaces") != 1 || counter.Total() != 1 {
		t.Errorf("after one Get of a namespace: %s, want {GET namespaces: 1}", counter)
	}
}
