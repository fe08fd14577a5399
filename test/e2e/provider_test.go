package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/test/chainapi"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

var providerLabels = map[string]string{"app": "akash-provider", "app.kubernetes.io/name": "provider", "app.kubernetes.io/instance": "akash-provider"}

// providerStatefulSet creates the akash-provider StatefulSet the chart
// creates (one replica, container "provider") and waits until its pod is
// Ready; on kwok nodes the pod runs without a container.
func providerStatefulSet(t *testing.T, c *cluster.Cluster, ns string) *corev1.Pod {
	t.Helper()
	sts := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "akash-provider", Namespace: ns, Labels: providerLabels},
		Spec: appsv1.StatefulSetSpec{
			Replicas:    ptr.To[int32](1),
			ServiceName: "akash-provider",
			Selector:    &metav1.LabelSelector{MatchLabels: map[string]string{"app": "akash-provider"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: providerLabels},
				Spec: corev1.PodSpec{
					Containers:  []corev1.Container{{Name: "provider", Image: "ghcr.io/akash-network/provider:0.6.4"}},
					Tolerations: []corev1.Toleration{{Key: "kwok.x-k8s.io/node", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
				},
			},
		},
	}
	if _, err := c.Kube().AppsV1().StatefulSets(ns).Create(t.Context(), sts, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return waitProviderPodReady(t, c, ns, "")
}

// waitProviderPodReady waits for a Ready akash-provider-0 whose UID is not notUID.
func waitProviderPodReady(t *testing.T, c *cluster.Cluster, ns, notUID string) *corev1.Pod {
	t.Helper()
	var pod *corev1.Pod
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		p, err := c.Kube().CoreV1().Pods(ns).Get(ctx, "akash-provider-0", metav1.GetOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue && string(p.UID) != notUID {
				pod = p
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("phase %s conditions %+v", p.Status.Phase, p.Status.Conditions), nil
	})
	return pod
}

// TestProviderRestart deletes the provider pod through the plan/confirm
// flow and waits, with a watch, for the StatefulSet's replacement.
func TestProviderRestart(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "provider-restart")
	before := providerStatefulSet(t, c, ns)

	// No terminal and no --yes: the plan is shown and nothing is deleted.
	r := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "restart")
	if r.code != 1 || !strings.Contains(r.stdout, "akash-provider-0") || !strings.Contains(r.stderr, "pass --yes") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// A server dry run sends the delete with dryRun=All and does not wait.
	r = kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "restart", "--dry-run=server").ok(t)
	if !strings.Contains(r.stdout, "DryRun") {
		t.Fatalf("dry run:\n%s", r.stdout)
	}
	if p, err := c.Kube().CoreV1().Pods(ns).Get(t.Context(), "akash-provider-0", metav1.GetOptions{}); err != nil || p.UID != before.UID {
		t.Fatalf("the dry run changed the pod: %v %v", p, err)
	}

	cfg, counter := c.CountingConfig()
	r = kubectlAkash(t, c, runOpts{config: cfg}, "--provider-namespace", ns, "provider", "restart", "--yes", "-o", "json").ok(t)
	var l struct {
		Kind  string
		Items []struct {
			Metadata struct{ Name string }
			Status   struct {
				Action struct {
					Outcome struct{ Result string } `json:"outcome"`
					Target  struct{ UID string }    `json:"target"`
				}
				Replacement, ReplacementUID string
				Ready                       bool
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if l.Kind != "ProviderRestartList" || len(l.Items) != 1 {
		t.Fatalf("%+v", l)
	}
	st := l.Items[0].Status
	if st.Action.Outcome.Result != "Succeeded" || st.Action.Target.UID != string(before.UID) || !st.Ready ||
		st.Replacement != "akash-provider-0" || st.ReplacementUID == "" || st.ReplacementUID == string(before.UID) {
		t.Fatalf("restart result %+v", st)
	}
	after, err := c.Kube().CoreV1().Pods(ns).Get(t.Context(), "akash-provider-0", metav1.GetOptions{})
	if err != nil || string(after.UID) != st.ReplacementUID {
		t.Fatalf("the pod in the cluster is not the reported replacement: %v %v", after, err)
	}
	// One LIST to plan, one DELETE, then one WATCH to wait (client-go streams
	// the initial state over the watch; an older server adds one LIST): no polling.
	if counter.Count("DELETE pods") != 1 || counter.Count("WATCH pods") != 1 || counter.Count("LIST pods") > 2 ||
		counter.Count("GET pods") != 0 || counter.Total() > 4 {
		t.Errorf("want 1 LIST, 1 DELETE, 1 WATCH of pods (at most one more LIST), got %s", counter)
	}
}

// statusJSON is a provider-shaped /status answer.
const statusJSON = `{"cluster":{"leases":2,"inventory":{"active":[],"pending":[],"available":{"nodes":[` +
	`{"name":"node1","allocatable":{"cpu":32000,"gpu":2,"memory":134226280448,"storage_ephemeral":933128024561},` +
	`"available":{"cpu":28000,"gpu":1,"memory":100000000000,"storage_ephemeral":900000000000}}],"storage":[]}}},` +
	`"bidengine":{"orders":4},"manifest":{"deployments":2},"cluster_public_hostname":"provider.example.com","address":"akash1provideraddress"}`

// TestProviderStatus reads the provider pods and the provider's /status
// through the API server's service proxy, as from a real provider: first
// with no Service (kwok pods, /status unreachable), then with a stand-in
// provider on the real node that serves /status inside its own pod network
// namespace (plain HTTP: --status-scheme http; the real provider serves
// HTTPS, the default).
func TestProviderStatus(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "provider-status")
	providerStatefulSet(t, c, ns)

	// Without a Service the pods are shown and /status is reported unreachable (exit 3).
	r := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "status", "--status-timeout", "5s")
	if r.code != 3 || !strings.Contains(r.stdout, "akash-provider-0") || !strings.Contains(r.stdout, "0.6.4") || !strings.Contains(r.stderr, "warning: reading /status") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	node := c.NeedRealNode(t)
	ns = c.Namespace(t, "provider-status-real")
	labels := map[string]string{"app": "akash-provider", "app.kubernetes.io/name": "provider"}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "akash-provider-0", Labels: labels},
		Spec: corev1.PodSpec{
			NodeName:    node,
			Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			Containers: []corev1.Container{{
				Name: "provider", Image: cluster.BusyboxImage, ImagePullPolicy: corev1.PullNever,
				Command: []string{"/bin/sh", "-c", "mkdir -p /tmp/www && cat >/tmp/www/status <<'EOF'\n" + statusJSON + "\nEOF\nexec /bin/busybox httpd -f -p 8443 -h /tmp/www"},
				Ports:   []corev1.ContainerPort{{Name: "api", ContainerPort: 8443}},
			}},
		},
	}
	if _, err := c.Kube().CoreV1().Pods(ns).Create(t.Context(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "akash-provider", Namespace: ns},
		Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{
			{Name: "api", Port: 8443, TargetPort: intstr.FromInt32(8443)},
		}},
	}
	if _, err := c.Kube().CoreV1().Services(ns).Create(t.Context(), svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// The endpoint slice mirroring controller publishes the Endpoints to the
	// proxy's view shortly after they are created.
	cfg, counter := c.CountingConfig()
	eventually(t, 90*time.Second, func(context.Context) (bool, string, error) {
		counter.Reset()
		r = kubectlAkash(t, c, runOpts{config: cfg}, "--provider-namespace", ns, "provider", "status", "--status-scheme", "http", "-o", "json")
		return r.code == 0, fmt.Sprintf("exit %d: %s", r.code, r.stderr), nil
	})
	var st struct {
		Kind string
		Spec struct {
			Pods []struct {
				Name, Version string
				Ready         bool
			}
			Cluster *struct {
				Kind  string
				Nodes int
			}
			Endpoint struct {
				Address      string
				ActiveLeases int
				Orders       int
				Nodes        []struct {
					Name        string
					Allocatable struct{ CPU, GPU int }
					Available   struct{ CPU, GPU int }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if st.Kind != "ProviderStatus" || len(st.Spec.Pods) != 1 || !st.Spec.Pods[0].Ready {
		t.Fatalf("pods %+v", st.Spec.Pods)
	}
	e := st.Spec.Endpoint
	if e.Address != "akash1provideraddress" || e.ActiveLeases != 2 || e.Orders != 4 || len(e.Nodes) != 1 || e.Nodes[0].Available.CPU != 28000 || e.Nodes[0].Allocatable.GPU != 2 {
		t.Fatalf("endpoint %+v", e)
	}
	if got := counter.Count("LIST pods"); got != 1 || counter.Count("LIST nodes") != 1 || counter.Total() != 3 {
		t.Errorf("want one LIST of pods, one of nodes and one proxied GET, got %s", counter)
	}
	if cl := st.Spec.Cluster; cl == nil || cl.Nodes < 1 || cl.Kind == "" {
		t.Errorf("the cluster's kind, from its nodes: %+v", cl)
	}
	table := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "status", "--status-scheme", "http").ok(t).stdout
	for _, want := range []string{"akash-provider-0", "provider.example.com", "28/32", "1/2"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// releaseSecret builds a helm release Secret in helm's storage format.
func releaseSecret(t *testing.T, ns, release string, version int, status string, config map[string]any) *corev1.Secret {
	t.Helper()
	raw, err := json.Marshal(map[string]any{
		"name": release, "namespace": ns, "version": version,
		"info":   map[string]any{"status": status, "description": "Upgrade complete"},
		"chart":  map[string]any{"metadata": map[string]any{"name": "provider", "version": "11.6.0", "appVersion": "0.6.4"}, "values": map[string]any{"image": map[string]any{"tag": "0.6.4"}}},
		"config": config, "manifest": "---\n# Source: provider/templates/statefulset.yaml\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	v := strconv.Itoa(version)
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "sh.helm.release.v1." + release + ".v" + v, Namespace: ns,
			Labels: map[string]string{"name": release, "owner": "helm", "status": status, "version": v}},
		Type: "helm.sh/release.v1",
		// The API stores data base64-encoded: helm's own base64 is inside.
		Data: map[string][]byte{"release": []byte(base64.StdEncoding.EncodeToString(gz.Bytes()))},
	}
}

func TestProviderPricing(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "provider-pricing")
	script := func(cpu string) string {
		return base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\ndata_in=$(jq .)\n" +
			"TARGET_CPU=\"" + cpu + "\"          # USD/thread-month\nTARGET_MEMORY=\"0.80\"       # USD/GB-month\n" +
			"TARGET_HD_EPHEMERAL=\"0.02\"\nTARGET_HD_PERS_HDD=\"0.01\"\nTARGET_HD_PERS_SSD=\"0.03\"\nTARGET_HD_PERS_NVME=\"0.04\"\n" +
			"TARGET_ENDPOINT=\"0.05\"\nTARGET_IP=\"5\"\nTARGET_GPU_UNIT=\"100\"\n"))
	}
	for _, s := range []*corev1.Secret{
		releaseSecret(t, ns, "akash-provider", 1, "superseded", map[string]any{"bidpricescript": script("9.99")}),
		releaseSecret(t, ns, "akash-provider", 2, "deployed", map[string]any{"from": "provider", "bidpricescript": script("1.60"), "price_target_ip": "4"}),
		releaseSecret(t, ns, "akash-provider", 3, "failed", map[string]any{"bidpricescript": script("7.77")}),
		releaseSecret(t, ns, "akash-node", 1, "deployed", map[string]any{}),
	} {
		if _, err := c.Kube().CoreV1().Secrets(ns).Create(t.Context(), s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cfg, counter := c.CountingConfig()
	r := kubectlAkash(t, c, runOpts{config: cfg}, "--provider-namespace", ns, "provider", "pricing", "-o", "json").ok(t)
	var p struct {
		Kind string
		Spec struct {
			Release struct{ Version int }
			Values  map[string]string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	want := map[string]string{
		"price_target_cpu": "1.60", "price_target_memory": "0.80", "price_target_hd_ephemeral": "0.02",
		"price_target_hd_pers_hdd": "0.01", "price_target_hd_pers_ssd": "0.03", "price_target_hd_pers_nvme": "0.04",
		"price_target_endpoint": "0.05", "price_target_ip": "4", "price_target_gpu_mappings": "*=100",
	}
	if p.Kind != "ProviderPricing" || p.Spec.Release.Version != 2 || fmt.Sprint(p.Spec.Values) != fmt.Sprint(want) {
		t.Fatalf("pricing from the deployed revision 2: %+v", p)
	}
	if counter.Count("LIST secrets") != 1 || counter.Count("LIST configmaps") != 1 || counter.Total() != 2 {
		t.Errorf("want one LIST of secrets and one of configmaps, got %s", counter)
	}
	table := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "pricing").ok(t).stdout
	if !strings.Contains(table, "price_target_cpu") || !strings.Contains(table, "akash-provider v2 bidpricescript TARGET_CPU") || !strings.Contains(table, "akash-provider v2 values") {
		t.Fatalf("table:\n%s", table)
	}
	yamlOut := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "pricing", "--provider-yaml").ok(t).stdout
	if !strings.HasPrefix(yamlOut, "price_target_cpu: \"1.60\"\nprice_target_memory: \"0.80\"\n") || !strings.Contains(yamlOut, "price_target_gpu_mappings: \"*=100\"\n") {
		t.Fatalf("--provider-yaml:\n%s", yamlOut)
	}
	bad := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "pricing", "--release", "nope")
	if bad.code != 1 || !strings.Contains(bad.stderr, `error: no helm release "nope"`) {
		t.Fatalf("exit %d %q", bad.code, bad.stderr)
	}
}

// TestProviderLogsBids reads real logs, so it needs the real node (kubelet
// and containerd; KUBECTL_AKASH_REAL_NODE=1, which make test sets): there, a
// stand-in provider container prints provider log lines and the parsed bid
// events are checked. On kwok
// nodes there is no kubelet to serve logs, and the command must say so in
// one sentence.
func TestProviderLogsBids(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "provider-logs")
	providerStatefulSet(t, c, ns)
	r := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "logs", "--bids")
	if r.code != 1 || !strings.Contains(r.stderr, "error: reading the logs of pod "+ns+"/akash-provider-0 container provider") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}

	node := c.NeedRealNode(t)
	lines := `I[2024-03-05|10:00:00.101] order detected                               module=bidengine-service order=akash1tenant/1234/1/1
D[2024-03-05|10:00:01.900] submitting fulfillment                       module=bidengine-order order=akash1tenant/1234/1/1 price=21.355000000000000000uakt
I[2024-03-05|10:00:07.000] bid complete                                 module=bidengine-order order=akash1tenant/1234/1/1
I[2024-03-05|10:01:09.000] syncing sequence                             cmp=client/broadcaster local=31 remote=31
`
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "akash-provider-real", Namespace: ns, Labels: providerLabels},
		Spec: corev1.PodSpec{
			NodeName:      node,
			RestartPolicy: corev1.RestartPolicyNever,
			Tolerations:   []corev1.Toleration{{Key: cluster.RealNodeTaintKey, Operator: corev1.TolerationOpExists}},
			Containers: []corev1.Container{{Name: "provider", Image: cluster.BusyboxImage, ImagePullPolicy: corev1.PullIfNotPresent,
				Command: []string{"sh", "-c", "printf '%s' \"$LINES\""}, Env: []corev1.EnvVar{{Name: "LINES", Value: lines}}}},
		},
	}
	if _, err := c.Kube().CoreV1().Pods(ns).Create(t.Context(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 120*time.Second, func(ctx context.Context) (bool, string, error) {
		p, err := c.Kube().CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		if p.Status.Phase == corev1.PodFailed {
			return false, "", fmt.Errorf("the stand-in provider pod failed: %+v", p.Status)
		}
		return p.Status.Phase == corev1.PodSucceeded, fmt.Sprintf("%s %+v", p.Status.Phase, p.Status.ContainerStatuses), nil
	})
	r = kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "logs", "--bids", "--pod", pod.Name, "-o", "json").ok(t)
	var l struct {
		Items []struct {
			Spec struct{ Order, Outcome, Price string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(l.Items) != 3 || l.Items[2].Spec.Outcome != "Bid" || l.Items[2].Spec.Price != "21.355000000000000000uakt" {
		t.Fatalf("%+v", l)
	}
}

// With --api, provider status names the market API version the chain
// serves, asked the way the lease queries ask (v1beta5 first, v1beta4
// after its 404); an API that fails is a warning and exit 3, never a
// guessed version; a bad --api is one sentence and no request.
func TestProviderStatusChainMarketVersion(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "provider-status-chain")
	providerStatefulSet(t, c, ns)
	type status struct {
		Spec struct {
			Chain *struct{ API, MarketVersion, Error string }
		}
	}
	for _, version := range []string{"v1beta5", "v1beta4"} {
		api := chainapi.Start(t)
		api.Version = version
		r := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "status", "--status-timeout", "5s", "--api", api.URL(), "-o", "json")
		var st status
		if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
			t.Fatalf("%v\n%s%s", err, r.stdout, r.stderr)
		}
		if ch := st.Spec.Chain; ch == nil || ch.MarketVersion != version || ch.API != api.URL() || ch.Error != "" {
			t.Errorf("%s: chain %+v", version, ch)
		}
		if n := api.Requests["/akash/market/"+version+"/leases/list"]; n != 1 {
			t.Errorf("%s: %d lease-list requests, want 1: %v", version, n, api.Requests)
		}
		table := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "status", "--status-timeout", "5s", "--api", api.URL()).stdout
		if !strings.Contains(table, "Chain: "+api.URL()+", market API "+version) {
			t.Errorf("%s: the table does not name the version:\n%s", version, table)
		}
	}

	failing := chainapi.Start(t)
	failing.Fail = true
	r := kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "status", "--status-timeout", "5s", "--api", failing.URL(), "-o", "json")
	var st status
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("%v\n%s%s", err, r.stdout, r.stderr)
	}
	if r.code != cli.ExitFindings || st.Spec.Chain == nil || st.Spec.Chain.MarketVersion != "" || !strings.Contains(st.Spec.Chain.Error, "internal error") ||
		!strings.Contains(r.stderr, "warning: the chain's market API version") {
		t.Errorf("a failing API: exit %d, chain %+v\n%s", r.code, st.Spec.Chain, r.stderr)
	}

	r = kubectlAkash(t, c, runOpts{}, "--provider-namespace", ns, "provider", "status", "--api", "http://api.example.com")
	if r.code != cli.ExitFailure || !strings.Contains(r.stderr, "plain HTTP to another host") || r.stdout != "" {
		t.Errorf("plain-HTTP --api: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
