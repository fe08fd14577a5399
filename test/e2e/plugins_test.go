package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// rowList is what a plugin command prints with -o json.
type rowList struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Items      []struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
		Spec map[string]any `json:"spec"`
	} `json:"items"`
}

func decodeRows(t *testing.T, out string) rowList {
	t.Helper()
	var l rowList
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("not a list: %v\n%s", err, out)
	}
	if l.APIVersion != "kubectl-akash.akash.network/v1alpha1" {
		t.Fatalf("apiVersion %q", l.APIVersion)
	}
	return l
}

// TestShippedPlugins runs the plugins.yaml commands against leases on the
// real cluster, where the real scheduler refuses a GPU pod no kwok node can
// hold, and pins their API calls.
func TestShippedPlugins(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "plugins-lease")
	web := fixture.NewLease(t.Name()+"/web", 4100, fixture.Web("nginx:1.27.0"), fixture.Service{Name: "db", Image: "postgres:16.4", Count: 1, CPU: 100, Memory: 64 << 20})
	gpu := fixture.NewLease(t.Name()+"/gpu", 4200, fixture.Service{Name: "train", Image: "pytorch/pytorch:2.4.0", Count: 1, CPU: 100, Memory: 64 << 20, GPU: 2})
	seedLeases(t, c, leaseNS, []fixture.Lease{web, gpu}, nil)

	// lease-images: from the Manifests in the private lease namespace.
	l := decodeRows(t, kubectlAkash(t, c, runOpts{}, "lease-images", "--lease-namespace", leaseNS, "-o", "json").ok(t).stdout)
	if l.Kind != "LeaseImagesList" || len(l.Items) != 2 {
		t.Fatalf("lease-images: %+v", l)
	}
	byName := map[string]map[string]any{}
	for _, it := range l.Items {
		byName[it.Metadata.Name] = it.Spec
	}
	if imgs := fmt.Sprint(byName[web.Namespace()]["images"]); imgs != "[nginx:1.27.0 postgres:16.4]" {
		t.Fatalf("web lease images %s (%v)", imgs, byName)
	}
	if byName[gpu.Namespace()]["dseq"] != "4200" || byName[gpu.Namespace()]["owner"] != gpu.ID.Owner {
		t.Fatalf("gpu lease %v", byName[gpu.Namespace()])
	}

	// The scheduler marks the GPU pod unschedulable: lease-pods-unhealthy
	// shows its reason and message, attributed to the lease.
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		pods, err := c.Kube().CoreV1().Pods(gpu.Namespace()).List(ctx, metav1.ListOptions{})
		if err != nil || len(pods.Items) == 0 {
			return false, "no pod yet", err
		}
		for _, cond := range pods.Items[0].Status.Conditions {
			if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse {
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("conditions %+v", pods.Items[0].Status.Conditions), nil
	})
	cfg, counter := c.CountingConfig()
	res := kubectlAkash(t, c, runOpts{config: cfg}, "lease-pods-unhealthy", "-n", gpu.Namespace(), "-o", "json").ok(t)
	l = decodeRows(t, res.stdout)
	if len(l.Items) != 1 {
		t.Fatalf("unhealthy pods: %+v", l)
	}
	s := l.Items[0].Spec
	if s["phase"] != "Pending" || s["reason"] != "Unschedulable" || !strings.Contains(fmt.Sprint(s["message"]), "Insufficient nvidia.com/gpu") ||
		s["lease"] != gpu.ID.String() || s["service"] != "train" {
		t.Fatalf("pending GPU pod: %v", s)
	}
	t.Logf("lease-pods-unhealthy API calls: %s", counter)
	for key, want := range map[string]int{"LIST pods": 1, "LIST events": 1, "LIST namespaces": 1} {
		if got := counter.Count(key); got != want {
			t.Errorf("%s = %d, want %d (%s)", key, got, want, counter)
		}
	}
	for key := range counter.Counts() {
		if strings.HasPrefix(key, "GET pods") || strings.HasPrefix(key, "GET namespaces") {
			t.Errorf("per-object call %s (%s)", key, counter)
		}
	}
	// The human table, and -o wide's extra columns.
	table := kubectlAkash(t, c, runOpts{}, "lease-pods-unhealthy", "-n", gpu.Namespace()).ok(t).stdout
	wide := kubectlAkash(t, c, runOpts{}, "lease-pods-unhealthy", "-n", gpu.Namespace(), "-o", "wide").ok(t).stdout
	if !strings.HasPrefix(table, "NAMESPACE") || !strings.Contains(table, "Unschedulable") || strings.Contains(table, "OWNER") || !strings.Contains(wide, gpu.ID.Owner) {
		t.Fatalf("table:\n%s\nwide:\n%s", table, wide)
	}

	// lease-gpus counts the GPU requests of the pending pod.
	l = decodeRows(t, kubectlAkash(t, c, runOpts{}, "lease-gpus", "-n", gpu.Namespace(), "-o", "json").ok(t).stdout)
	if len(l.Items) != 1 || l.Items[0].Spec["gpus"] != 2.0 || l.Items[0].Spec["pending"] != 1.0 {
		t.Fatalf("lease-gpus: %+v", l)
	}

	// tenant-leases, every output option: name, jsonpath, custom-columns, --jq.
	name := kubectlAkash(t, c, runOpts{}, "tenant-leases", "--lease-namespace", leaseNS, "-o", "name").ok(t).stdout
	if !strings.Contains(name, "tenantleases.kubectl-akash.akash.network/"+web.ID.Owner) {
		t.Fatalf("-o name: %s", name)
	}
	jp := kubectlAkash(t, c, runOpts{}, "tenant-leases", "--lease-namespace", leaseNS, "-o", "jsonpath={.items[*].spec.leases}").ok(t).stdout
	if jp != "1 1" {
		t.Fatalf("-o jsonpath: %q", jp)
	}
	cc := kubectlAkash(t, c, runOpts{}, "tenant-leases", "--lease-namespace", leaseNS, "-o", "custom-columns=OWNER:.metadata.name,GPUS:.spec.gpus", "--no-headers").ok(t).stdout
	if !strings.Contains(cc, gpu.ID.Owner+"   2") {
		t.Fatalf("-o custom-columns: %q", cc)
	}
	jq := kubectlAkash(t, c, runOpts{}, "tenant-leases", "--lease-namespace", leaseNS, "--jq", "[.items[].spec.gpus] | add").ok(t).stdout
	if jq != "2\n" {
		t.Fatalf("--jq: %q", jq)
	}

	// deployment-commands: one revision per lease Deployment here.
	l = decodeRows(t, kubectlAkash(t, c, runOpts{}, "deployment-commands", "-n", web.Namespace(), "-o", "json").ok(t).stdout)
	if len(l.Items) != 2 || l.Items[0].Spec["deployment"] != "db" || l.Items[1].Spec["deployment"] != "web" ||
		l.Items[1].Spec["revision"] != 1.0 || l.Items[1].Spec["ready"] != 1.0 {
		t.Fatalf("deployment-commands (one revision per Deployment, sorted): %+v", l)
	}
}

// TestUserPluginsFile: an operator's file adds commands with kubectl-style
// resource names, overrides a shipped one, and a broken entry or file costs
// only itself.
func TestUserPluginsFile(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "userplugins-lease")
	l1 := fixture.NewLease(t.Name()+"/a", 5100, fixture.Web("nginx:1.27.0"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l1}, nil)

	file := filepath.Join(t.TempDir(), "plugins.yaml")
	writeFile(t, file, `
plugins:
- name: manifest-dseqs
  short: The dseq of every Manifest
  resources:
  - {var: m, resource: mani, scope: lease}
  - {resource: deploy, labelSelector: akash.network/manifest-service}
  jq: '[$m.items[] | .metadata.name as $n | {name: $n, dseq: .spec.lease_id.dseq, deployments: ([$deploy.items[] | select(.metadata.namespace == $n)] | length)}]'
  columns:
  - {name: NAMESPACE, path: .name}
  - {name: DSEQ, path: .dseq}
  - {name: DEPLOYMENTS, path: .deployments, wide: true}
- name: lease-images
  short: Overridden by the operator
  resources: [{resource: manifests.v2beta2.akash.network, scope: lease}]
  jq: '[$manifests.items[] | {name: .metadata.name, mine: true}]'
  columns: [{name: NAME, path: .name}]
- name: broken
  short: jq that does not compile
  resources: [{resource: pods}]
  jq: '$nodes.items'
  columns: [{name: A, path: .a}]
- name: widgets
  short: a resource the cluster does not have
  resources: [{resource: widgets.example.com}]
  jq: '.'
  columns: [{name: A, path: .a}]
`)
	res := kubectlAkash(t, c, runOpts{}, "--plugins", file, "manifest-dseqs", "--lease-namespace", leaseNS, "-o", "wide").ok(t)
	if !strings.Contains(res.stdout, l1.Namespace()) || !strings.Contains(res.stdout, "5100") || !strings.Contains(res.stdout, "DEPLOYMENTS") {
		t.Fatalf("manifest-dseqs:\n%s", res.stdout)
	}
	wantWarning := fmt.Sprintf(`warning: %s: plugin "broken" (plugins[2]): jq: jq does not compile: variable not defined: $nodes (skipped)`, file)
	if !strings.Contains(res.stderr, wantWarning) {
		t.Fatalf("stderr %q\nwant %q", res.stderr, wantWarning)
	}
	over := decodeRows(t, kubectlAkash(t, c, runOpts{}, "--plugins="+file, "lease-images", "--lease-namespace", leaseNS, "-o", "json").ok(t).stdout)
	if len(over.Items) != 1 || over.Items[0].Spec["mine"] != true {
		t.Fatalf("the user's lease-images must replace the shipped one: %+v", over)
	}
	list := kubectlAkash(t, c, runOpts{}, "--plugins", file, "plugins", "list").ok(t).stdout
	if !strings.Contains(list, "manifest-dseqs") || !strings.Contains(list, "plugins.yaml (built in)") || strings.Contains(list, "broken") {
		t.Fatalf("plugins list:\n%s", list)
	}
	// An unknown resource is found through discovery when the command runs.
	bad := kubectlAkash(t, c, runOpts{}, "--plugins", file, "widgets")
	if bad.code != 1 || !strings.Contains(bad.stderr, `error: `+file+`: plugin "widgets" (plugins[3]): resources[0].resource: the cluster has no resource "widgets.example.com"`) {
		t.Fatalf("exit %d stderr %q", bad.code, bad.stderr)
	}
	// The broken entry is not a command; built-in commands still work.
	if r := kubectlAkash(t, c, runOpts{}, "--plugins", file, "broken"); r.code != 1 || !strings.Contains(r.stderr, `unknown command "broken"`) {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	kubectlAkash(t, c, runOpts{}, "--plugins", file, "leases", "list", "--lease-namespace", leaseNS).ok(t)

	// A file that is not YAML: a warning, and everything else works.
	garbage := filepath.Join(t.TempDir(), "garbage.yaml")
	writeFile(t, garbage, "plugins: [\n")
	r := kubectlAkash(t, c, runOpts{}, "--plugins", garbage, "lease-images", "--lease-namespace", leaseNS).ok(t)
	if !strings.Contains(r.stderr, "warning: "+garbage+": not valid YAML") || !strings.Contains(r.stdout, l1.Namespace()) {
		t.Fatalf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	// plugins validate reports every problem and exits 1.
	v := kubectlAkash(t, c, runOpts{}, "plugins", "validate", file)
	if v.code != 1 || !strings.Contains(v.stderr, `plugin "broken" (plugins[2]): jq:`) || !strings.Contains(v.stdout, "3 valid plugin command(s), 1 problem(s)") {
		t.Fatalf("validate: exit %d\n%s\n%s", v.code, v.stdout, v.stderr)
	}
}

// TestCompletion completes through cobra's __complete, as the shell scripts
// and kubectl_complete-akash do, against the real cluster.
func TestCompletion(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "completion-lease")
	l := fixture.NewLease(t.Name(), 6100, fixture.Web("nginx:1.27.0"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, nil)

	words := completionWords
	// -n completes lease namespaces only.
	got := words(kubectlAkash(t, c, runOpts{}, "__complete", "leases", "list", "-n", l.Namespace()[:6]).ok(t))
	if !slices.Contains(got, l.Namespace()) {
		t.Fatalf("-n completions %v lack %s", got, l.Namespace())
	}
	got = words(kubectlAkash(t, c, runOpts{}, "__complete", "leases", "list", "-n", "").ok(t))
	if slices.Contains(got, "kube-system") || slices.Contains(got, leaseNS) {
		t.Fatalf("-n must complete lease namespaces only: %v", got)
	}
	// --lease-namespace completes every namespace.
	got = words(kubectlAkash(t, c, runOpts{}, "__complete", "leases", "list", "--lease-namespace", "completion-").ok(t))
	if !slices.Contains(got, leaseNS) {
		t.Fatalf("--lease-namespace completions %v lack %s", got, leaseNS)
	}
	// Plugin commands are subcommands; plugins list completes their names.
	got = words(kubectlAkash(t, c, runOpts{}, "__complete", "lease-").ok(t))
	for _, want := range []string{"lease-images", "lease-gpus", "lease-pods-unhealthy"} {
		if !slices.Contains(got, want) {
			t.Fatalf("command completions %v lack %s", got, want)
		}
	}
	got = words(kubectlAkash(t, c, runOpts{}, "__complete", "plugins", "list", "tenant").ok(t))
	if !slices.Equal(got, []string{"tenant-leases"}) {
		t.Fatalf("plugin name completions %v", got)
	}
	// Node names for the node-debug checks.
	check := nodeDebugCheck(t)
	if check == "" {
		t.Log("no node-debug check command yet: node-name completion not exercised")
	} else {
		got = words(kubectlAkash(t, c, runOpts{}, "__complete", "node-debug", check, "kwok-node-").ok(t))
		if len(got) != c.Nodes || got[0] != "kwok-node-0" {
			t.Fatalf("node completions for node-debug %s: %v", check, got)
		}
	}
	// The shell scripts themselves.
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		out := kubectlAkash(t, c, runOpts{}, "completion", shell).ok(t).stdout
		if !strings.Contains(out, "__complete") {
			t.Fatalf("completion %s does not call __complete", shell)
		}
	}
}

// nodeDebugCheck returns the name of a node-debug subcommand, if any.
func nodeDebugCheck(t *testing.T) string {
	t.Helper()
	c := cluster.Get(t)
	r := kubectlAkash(t, c, runOpts{}, "__complete", "node-debug", "")
	for _, line := range strings.Split(r.stdout, "\n") {
		if w := strings.SplitN(line, "\t", 2)[0]; w != "" && !strings.HasPrefix(w, ":") && w != "help" {
			return w
		}
	}
	return ""
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
