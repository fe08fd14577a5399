package plugins

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"sigs.k8s.io/yaml"
)

// The cluster the shipped plugins are run against: objects in the shape the
// API server returns them for a provider with three leases.
const clusterYAML = `
- apiVersion: v1
  kind: Namespace
  metadata:
    name: ns-web
    labels: {akash.network: "true", akash.network/lease.id.owner: akash1alice, akash.network/lease.id.dseq: "100", akash.network/lease.id.gseq: "1", akash.network/lease.id.oseq: "1", akash.network/lease.id.provider: akash1prov}
- apiVersion: v1
  kind: Namespace
  metadata:
    name: ns-gpu
    labels: {akash.network: "true", akash.network/lease.id.owner: akash1bob, akash.network/lease.id.dseq: "200", akash.network/lease.id.gseq: "1", akash.network/lease.id.oseq: "1", akash.network/lease.id.provider: akash1prov}
- apiVersion: v1
  kind: Node
  metadata:
    name: gpu-node
    labels: {akash.network: "true", akash.network/capabilities.gpu.vendor.nvidia.model.a100: "2", akash.network/capabilities.gpu.vendor.nvidia.model.a100.ram.80Gi: "2"}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: ns-web, uid: u1, labels: {akash.network: "true", akash.network/manifest-service: web}}
  spec: {nodeName: n1, containers: [{name: web, image: nginx}]}
  status: {phase: Running, containerStatuses: [{name: web, ready: true, restartCount: 0, state: {running: {}}}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-2, namespace: ns-web, uid: u2, labels: {akash.network: "true", akash.network/manifest-service: web}}
  spec: {nodeName: n1, containers: [{name: web, image: nginx}]}
  status:
    phase: Running
    containerStatuses: [{name: web, ready: false, restartCount: 7, state: {waiting: {reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container=web"}}}]
- apiVersion: v1
  kind: Pod
  metadata: {name: train-1, namespace: ns-gpu, uid: u3, labels: {akash.network: "true", akash.network/manifest-service: train}}
  spec: {nodeName: gpu-node, containers: [{name: train, image: pytorch, resources: {limits: {nvidia.com/gpu: "2"}, requests: {cpu: "1", nvidia.com/gpu: "2"}}}]}
  status: {phase: Running, containerStatuses: [{name: train, ready: true, restartCount: 0, state: {running: {}}}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: train-2, namespace: ns-gpu, uid: u4, labels: {akash.network: "true", akash.network/manifest-service: train}}
  spec: {containers: [{name: train, image: pytorch, resources: {limits: {nvidia.com/gpu: "1"}}}]}
  status:
    phase: Pending
    conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu."}]
- apiVersion: v1
  kind: Event
  metadata: {name: train-2.1, namespace: ns-gpu}
  involvedObject: {kind: Pod, name: train-2, namespace: ns-gpu, uid: u4}
  reason: FailedScheduling
  message: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu."
  lastTimestamp: "2026-01-02T03:04:05Z"
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-6d5f
    namespace: ns-web
    labels: {akash.network/manifest-service: web}
    annotations: {deployment.kubernetes.io/revision: "1"}
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1}]
    creationTimestamp: "2026-01-01T00:00:00Z"
  spec: {template: {spec: {containers: [{name: sidecar, image: busybox, command: [sleep]}, {name: web, image: nginx, command: [/bin/sh, -c], args: ["nginx -g 'daemon off;'"]}]}}}
  status: {replicas: 1, readyReplicas: 1}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-7c9a
    namespace: ns-web
    labels: {akash.network/manifest-service: web}
    annotations: {deployment.kubernetes.io/revision: "2"}
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1}]
    creationTimestamp: "2026-01-02T00:00:00Z"
  spec: {template: {spec: {containers: [{name: sidecar, image: busybox, command: [sleep]}, {name: web, image: nginx}]}}}
  status: {replicas: 1}
- apiVersion: akash.network/v2beta2
  kind: Manifest
  metadata: {name: ns-web, namespace: lease}
  spec:
    lease_id: {owner: akash1alice, dseq: "100", gseq: 1, oseq: 1, provider: akash1prov}
    group:
      name: dcloud
      services:
      - {name: web, image: nginx, count: 2, resources: {cpu: {units: 500}, memory: {size: "536870912"}, gpu: {units: 0}}}
      - {name: db, image: postgres, count: 1, resources: {cpu: {units: 1000}, memory: {size: "1073741824"}}}
- apiVersion: akash.network/v2beta2
  kind: Manifest
  metadata: {name: ns-gpu, namespace: lease}
  spec:
    lease_id: {owner: akash1bob, dseq: "200", gseq: 1, oseq: 1, provider: akash1prov}
    group: {name: dcloud, services: [{name: train, image: pytorch, count: 3, resources: {cpu: {units: 1000}, memory: {size: "1073741824"}, gpu: {units: 1}}}]}
- apiVersion: akash.network/v2beta2
  kind: Manifest
  metadata: {name: ns-other, namespace: lease}
  spec:
    lease_id: {owner: akash1alice, dseq: "300", gseq: 1, oseq: 1, provider: akash1prov}
    group: {name: dcloud, services: [{name: app, image: nginx, count: 1, resources: {cpu: {units: 100}, memory: {size: "1073741824"}}}]}
`

var (
	podsGVR     = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	eventsGVR   = schema.GroupVersionResource{Version: "v1", Resource: "events"}
	nsGVR       = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	nodesGVR    = schema.GroupVersionResource{Version: "v1", Resource: "nodes"}
	rsGVR       = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "replicasets"}
	manifestGVR = schema.GroupVersionResource{Group: "akash.network", Version: "v2beta2", Resource: "manifests"}
)

// testEnv is a fake cluster holding clusterYAML and a RESTMapper that knows
// its kinds the way discovery would.
func testEnv(t *testing.T) Env {
	t.Helper()
	var objs []map[string]any
	if err := yaml.Unmarshal([]byte(clusterYAML), &objs); err != nil {
		t.Fatal(err)
	}
	var rts []runtime.Object
	for _, o := range objs {
		rts = append(rts, &unstructured.Unstructured{Object: o})
	}
	listKinds := map[schema.GroupVersionResource]string{
		podsGVR: "PodList", eventsGVR: "EventList", nsGVR: "NamespaceList", nodesGVR: "NodeList",
		rsGVR: "ReplicaSetList", manifestGVR: "ManifestList",
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds, rts...)
	mapper := meta.NewDefaultRESTMapper(nil)
	add := func(gvr schema.GroupVersionResource, kind string, scope meta.RESTScope) {
		mapper.AddSpecific(gvr.GroupVersion().WithKind(kind), gvr, gvr.GroupVersion().WithResource(strings.ToLower(kind)), scope)
	}
	add(podsGVR, "Pod", meta.RESTScopeNamespace)
	add(eventsGVR, "Event", meta.RESTScopeNamespace)
	add(nsGVR, "Namespace", meta.RESTScopeRoot)
	add(nodesGVR, "Node", meta.RESTScopeRoot)
	add(rsGVR, "ReplicaSet", meta.RESTScopeNamespace)
	add(manifestGVR, "Manifest", meta.RESTScopeNamespace)
	return Env{Dynamic: client, Mapper: mapper, LeaseNamespace: "lease", ProviderNamespace: "akash-services",
		Now: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)}
}

func shipped(t *testing.T, name string) *Entry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "plugins.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	entries, problems := Parse("plugins.yaml", data, nil)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, e := range entries {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no shipped plugin %s", name)
	return nil
}

// run runs a shipped plugin and returns its rows as JSON-decoded specs and
// the table cells.
func run(t *testing.T, name string, env Env) ([]map[string]any, [][]any) {
	t.Helper()
	l, err := shipped(t, name).Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	var specs []map[string]any
	var cells [][]any
	for _, r := range l.Items {
		b, _ := json.Marshal(r.Spec)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		specs = append(specs, m)
		cells = append(cells, r.cells)
	}
	return specs, cells
}

func TestDeploymentCommands(t *testing.T) {
	rows, cells := run(t, "deployment-commands", testEnv(t))
	if len(rows) != 2 {
		t.Fatalf("rows %v", rows)
	}
	// revision 1 had the service container's command; revision 2 lost it.
	// The sidecar's command (containers[0]) must not be mistaken for it.
	if rows[0]["revision"] != 1.0 || rows[0]["command"] != "/bin/sh -c" || rows[0]["args"] != "nginx -g 'daemon off;'" || rows[0]["deployment"] != "web" {
		t.Fatalf("revision 1: %v", rows[0])
	}
	if rows[1]["revision"] != 2.0 || rows[1]["command"] != "" || cells[1][4] != "<none>" || cells[1][3] != "0/1" {
		t.Fatalf("revision 2: %v %v", rows[1], cells[1])
	}
}

func TestLeaseImages(t *testing.T) {
	rows, cells := run(t, "lease-images", testEnv(t))
	if len(rows) != 3 || rows[0]["name"] != "ns-web" || rows[1]["name"] != "ns-other" || rows[2]["name"] != "ns-gpu" {
		t.Fatalf("rows (owner, then dseq as a number): %v", rows)
	}
	if cells[0][3] != "nginx,postgres" || rows[0]["lease"] != "akash1alice/100/1/1/akash1prov" {
		t.Fatalf("row %v cells %v", rows[0], cells[0])
	}
}

func TestLeasePodsUnhealthy(t *testing.T) {
	rows, _ := run(t, "lease-pods-unhealthy", testEnv(t))
	if len(rows) != 2 {
		t.Fatalf("want the crash-looping and the pending pod, got %v", rows)
	}
	crash, pending := rows[1], rows[0] // sorted by namespace: ns-gpu first
	if crash["name"] != "web-2" || crash["reason"] != "CrashLoopBackOff" || crash["restarts"] != 7.0 || crash["lease"] != "akash1alice/100/1/1/akash1prov" {
		t.Fatalf("crash-looping pod: %v", crash)
	}
	if pending["name"] != "train-2" || pending["reason"] != "Unschedulable" || pending["message"] != "0/3 nodes are available: 3 Insufficient nvidia.com/gpu." || pending["dseq"] != "200" {
		t.Fatalf("pending pod: %v", pending)
	}
}

func TestLeaseGPUs(t *testing.T) {
	rows, cells := run(t, "lease-gpus", testEnv(t))
	if len(rows) != 1 {
		t.Fatalf("rows %v", rows)
	}
	r := rows[0]
	if r["name"] != "ns-gpu" || r["gpus"] != 3.0 || r["pending"] != 1.0 || r["pods"] != 2.0 || r["owner"] != "akash1bob" {
		t.Fatalf("row %v", r)
	}
	if cells[0][5] != "nvidia/a100" || cells[0][7] != "gpu-node" {
		t.Fatalf("cells %v", cells[0])
	}
}

func TestTenantLeases(t *testing.T) {
	rows, cells := run(t, "tenant-leases", testEnv(t))
	if len(rows) != 2 || rows[0]["name"] != "akash1alice" || rows[0]["leases"] != 2.0 {
		t.Fatalf("rows %v", rows)
	}
	// alice: web 2×500m + db 1000m + app 100m = 2.1 cores; 2×0.5Gi + 1Gi + 1Gi = 3Gi
	if rows[0]["cpu"] != 2.1 || rows[0]["memoryGi"] != 3.0 || rows[0]["gpus"] != 0.0 || cells[0][2] != "2.1" {
		t.Fatalf("alice %v %v", rows[0], cells[0])
	}
	if rows[1]["gpus"] != 3.0 || rows[1]["cpu"] != 3.0 {
		t.Fatalf("bob %v", rows[1])
	}
}

func TestNamespaceFlagNarrowsScopeAll(t *testing.T) {
	env := testEnv(t)
	env.Namespace = "ns-web"
	rows, _ := run(t, "lease-pods-unhealthy", env)
	if len(rows) != 1 || rows[0]["name"] != "web-2" {
		t.Fatalf("rows %v", rows)
	}
}

func TestRunErrorsNameTheEntry(t *testing.T) {
	env := testEnv(t)
	cases := []struct{ yaml, want string }{
		{"resources: [{resource: widgets}]\n  jq: '.'", `f.yaml: plugin "x" (plugins[0]): resources[0].resource: the cluster has no resource "widgets"`},
		{"resources: [{resource: nodes, scope: lease}]\n  jq: '.'", "resources[0].scope: nodes is cluster-scoped: drop scope: lease"},
		{"resources: [{resource: pods}]\n  jq: '$pods.items[0].metadata.name'", "jq: the program produced a string: want objects"},
		{"resources: [{resource: pods}]\n  jq: '[1]'", "jq: the program produced a list holding a number"},
		{"resources: [{resource: pods}]\n  jq: '$pods.items[0] | .metadata.name + 1 | {a: .}'", "jq: the program failed"},
	}
	for _, c := range cases {
		y := "plugins:\n- name: x\n  short: s\n  " + c.yaml + "\n  columns: [{name: A, path: .a}]\n"
		entries, problems := Parse("f.yaml", []byte(y), nil)
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		_, err := entries[0].Run(context.Background(), env)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.yaml, err, c.want)
		}
	}
}

func TestResolveKubectlNames(t *testing.T) {
	env := testEnv(t)
	for name, want := range map[string]schema.GroupVersionResource{
		"pods": podsGVR, "pod": podsGVR, "replicasets.apps": rsGVR, "replicasets.v1.apps": rsGVR,
		"manifests.akash.network": manifestGVR, "manifest": manifestGVR,
	} {
		got, _, err := resolveResource(env.Mapper, name)
		if err != nil || got != want {
			t.Errorf("%s -> %v, %v; want %v", name, got, err, want)
		}
	}
}

func TestCell(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, "<none>"}, {"x", "x"}, {3, "3"}, {2.5, "2.5"}, {true, "true"}, {[]any{}, "<none>"},
		{[]any{"a", 1}, "a,1"}, {[]any{map[string]any{"a": 1}}, `[{"a":1}]`}, {map[string]any{"a": 1}, `{"a":1}`},
	} {
		if got := Cell(c.in); got != c.want {
			t.Errorf("Cell(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestReadmeExample keeps the README's complete example valid and working.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "A complete example:\n\n```yaml\n")
	if !ok {
		t.Fatal("README has no complete plugins.yaml example")
	}
	example, _, _ := strings.Cut(after, "```")
	// Short names come from API discovery, which the fake mapper lacks (the
	// e2e tests resolve mani against the real API server).
	example = strings.Replace(example, "resource: mani\n", "resource: manifests\n", 1)
	entries, problems := Parse("README.md", []byte(example), nil)
	if len(problems) > 0 || len(entries) != 1 {
		t.Fatalf("entries %d problems %v", len(entries), problems)
	}
	l, err := entries[0].Run(context.Background(), testEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 1 || l.Items[0].Name != "ns-web" || l.Items[0].cells[1] != "akash1alice" || l.Items[0].cells[2] != "7" || l.Kind != "LeaseRestartsList" {
		t.Fatalf("%+v", l)
	}
}
