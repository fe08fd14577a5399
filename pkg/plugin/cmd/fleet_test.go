package cmd

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
)

// deadKubeconfig writes a kubeconfig whose contexts all point at loopback
// ports nothing listens on: any API call fails at once with "connection
// refused", so a test sees whether a command reached the network.
func deadKubeconfig(t *testing.T, contexts ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: t}}]\nclusters:\n")
	for _, c := range contexts {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("- {name: " + c + ", cluster: {server: \"https://" + l.Addr().String() + "\"}}\n")
		l.Close()
	}
	b.WriteString("contexts:\n")
	for _, c := range contexts {
		b.WriteString("- {name: " + c + ", context: {cluster: " + c + ", user: u}}\n")
	}
	b.WriteString("current-context: " + contexts[0] + "\n")
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFleetRefusals: what may not run on several contexts is refused in one
// sentence before any API call (a call would say "cannot reach").
func TestFleetRefusals(t *testing.T) {
	helpEnv(t)
	t.Setenv("KUBECONFIG", deadKubeconfig(t, "a", "b"))
	const owner = "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h"
	pick := "one cluster at a time: pick the context with --context NAME"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"leases", "close", "--owner", owner, "--dseq", "1", "--all-contexts"}, "leases close closes leases, " + pick},
		{[]string{"leases", "kill-image", "--image", "x", "--dry-run=client", "--all-contexts"}, "leases kill-image closes leases, " + pick},
		{[]string{"dangling", "--close", "--all-contexts"}, "dangling --close changes the cluster, " + pick},
		{[]string{"replicasets", "force-new", "--all-contexts"}, "replicasets force-new changes the cluster (unless --dry-run), " + pick},
		{[]string{"replicasets", "force-new", "--dry-run=none", "--contexts", "a,b"}, "replicasets force-new changes the cluster (unless --dry-run), " + pick},
		{[]string{"replicasets", "force-new", "--dry-run=client", "--watch", "--all-contexts"}, "replicasets force-new --watch keeps running, " + pick},
		{[]string{"manifests", "heal", "--yes", "--all-contexts"}, "manifests heal changes the cluster (unless --dry-run), " + pick},
		{[]string{"manifests", "backup", "--all-contexts"}, "manifests backup writes a backup file per cluster, " + pick},
		{[]string{"certs", "renew", "--node", "n", "--all-contexts"}, "certs renew renews certificates, " + pick},
		{[]string{"provider", "restart", "--all-contexts"}, "provider restart restarts the provider, " + pick},
		{[]string{"provider", "logs", "-f", "--all-contexts"}, "provider logs --follow keeps running, " + pick},
		{[]string{"pods", "clean-failed", "--dry-run=client", "--all-contexts"}, "pods clean-failed deletes pods, " + pick},
		{[]string{"node-debug", "zombies", "--all", "--kill", "--all-contexts"}, "node-debug zombies --kill changes the cluster, " + pick},
		{[]string{"node-debug", "shell", "n", "--all-contexts"}, "node-debug shell opens a shell on a node, " + pick},
		{[]string{"dangling", "--schedule", "*/5 * * * *", "--all-contexts"}, "dangling --schedule prints one cluster's CronJob, " + pick},
		{[]string{"version", "--all-contexts"}, "version reads no cluster: drop --contexts, --all-contexts and --fleet"},
		{[]string{"plugins", "list", "--contexts", "a"}, "plugins list reads no cluster"},
		{[]string{"certs", "check", "--local", "--all-contexts"}, "certs check --local reads this machine, not a cluster"},
		{[]string{"leases", "list", "--context", "a", "--contexts", "b"}, "--context picks one context and --contexts, --all-contexts or --fleet several: pass one of them"},
		{[]string{"leases", "list", "--all-contexts", "--contexts", "a"}, "--all-contexts takes every context: leave out --contexts and --fleet"},
		{[]string{"leases", "list", "--all-contexts", "--parallel-contexts", "0"}, "--parallel-contexts must be 1 or more, got 0"},
		{[]string{"leases", "list", "--contexts", "/nope/"}, "--contexts /nope/ selects no context (the kubeconfig has: a, b)"},
		{[]string{"leases", "list", "--all-contexts", "-o", "yaml2"}, `unknown output format "yaml2"`},
		{[]string{"leases", "list", "--all-contexts", "-o", "kubectl-akash-fleet-envelope"}, `unknown output format "kubectl-akash-fleet-envelope"`},
		{[]string{"leases", "list", "--all-contexts", "--server", "https://127.0.0.1:1"}, "--server names one API server"},
		{[]string{"leases", "list", "--fleet", "prod"}, "--fleet prod: there is no "},
	} {
		stdout, stderr, code := runPlugin(t, c.args...)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "error: "+c.want) || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "cannot reach") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant one line starting: error: %s", c.args, code, stdout, stderr, c.want)
		}
	}
}

// TestFleetDeadContexts: every context unreachable — each is one error
// item (JSON) or row (table), exit 1, and the others are still tried.
func TestFleetDeadContexts(t *testing.T) {
	helpEnv(t)
	t.Setenv("KUBECONFIG", deadKubeconfig(t, "a", "b", "c"))
	stdout, stderr, code := runPlugin(t, "leases", "list", "--contexts", "a,c,missing", "-o", "json")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var l struct {
		Kind  string `json:"kind"`
		Items []struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
			Status struct {
				Reason string `json:"reason"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &l); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var got []string
	for _, it := range l.Items {
		got = append(got, it.Kind+"/"+it.Metadata.Annotations[fleet.Annotation])
		if !strings.Contains(it.Status.Reason, "cannot reach the Kubernetes API server") && !strings.Contains(it.Status.Reason, `no context "missing" in the kubeconfig`) {
			t.Errorf("reason %q", it.Status.Reason)
		}
	}
	if strings.Join(got, " ") != "ContextError/a ContextError/c ContextError/missing" || l.Kind != "List" {
		t.Errorf("kind %s, items %v", l.Kind, got)
	}
	if strings.Count(stderr, "error: context ") != 3 {
		t.Errorf("stderr names each failed context once:\n%s", stderr)
	}

	stdout, _, code = runPlugin(t, "leases", "list", "--contexts", "^b")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 1 || len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "CONTEXT ERROR" ||
		!strings.HasPrefix(lines[1], "a ") || !strings.HasPrefix(lines[2], "c ") {
		t.Errorf("table: exit %d\n%s", code, stdout)
	}
}

// TestMemberArgs: a context's command line gives the command every flag the
// operator set, as it was parsed, and its own context and settings.
func TestMemberArgs(t *testing.T) {
	helpEnv(t)
	var cmd *cobra.Command
	var gotArgs []string
	var out bytes.Buffer
	g := &Globals{Globals: cli.Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out}}, Args: []string{}}
	root := NewRootCmdWithGlobals(g)
	root.PersistentPreRunE = func(c *cobra.Command, args []string) error { cmd, gotArgs = c, args; return nil }
	list, _, _ := root.Find([]string{"leases", "list"})
	list.RunE = func(*cobra.Command, []string) error { return nil }
	root.SetArgs([]string{"leases", "ls", "--image", "a", "--image", "b,c", "-n", "ns1", "--lease-namespace", "mine",
		"-o", "wide", "--jq", ".x", "--contexts", "x,y", "--parallel-contexts=2", "-v", "3", "--kubeconfig", "/k"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	m := fleet.Member{Context: "x", Flags: map[string]string{"lease-namespace": "theirs", "provider-namespace": "p", "api": "https://a", "from": "k"}}
	got := strings.Join(fleet.InvocationOf(cmd, gotArgs).Argv(m, true), " ")
	want := "leases list --image=a --image=b,c --kubeconfig=/k --lease-namespace=mine --namespace=ns1 --api=https://a --provider-namespace=p --context=x --output=kubectl-akash-fleet-envelope"
	if got != want {
		t.Errorf("Argv:\n got %s\nwant %s", got, want)
	}
	got = strings.Join(fleet.InvocationOf(cmd, []string{"-x"}).Argv(fleet.Member{Context: "x"}, false), " ")
	if !strings.Contains(got, "--jq=.x") || !strings.Contains(got, "--output=wide") || !strings.HasSuffix(got, "--context=x -- -x") {
		t.Errorf("without merging, the output flags and arguments stay: %s", got)
	}
}

func TestFleetCompletion(t *testing.T) {
	helpEnv(t)
	t.Setenv("KUBECONFIG", deadKubeconfig(t, "eu-1", "eu-2", "us-1"))
	stdout, _, _ := runPlugin(t, "__complete", "leases", "list", "--contexts", "eu-1,e")
	if !strings.HasPrefix(stdout, "eu-1,eu-1\neu-1,eu-2\n:") {
		t.Errorf("--contexts completion:\n%s", stdout)
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if err := os.MkdirAll(filepath.Join(dir, "kubectl-akash"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kubectl-akash", "config.yaml"), []byte("fleets:\n- {name: prod, contexts: [eu-1]}\n- {name: lab, contexts: [us-1]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _, _ = runPlugin(t, "__complete", "leases", "list", "--fleet", "p")
	if !strings.HasPrefix(stdout, "prod\n:") {
		t.Errorf("--fleet completion:\n%s", stdout)
	}
}

// TestFleetOneContextActs: a command that changes something, given one
// context through --contexts, runs as with --context: on that context (the
// API call fails at that context's server), not refused.
func TestFleetOneContextActs(t *testing.T) {
	helpEnv(t)
	kc := deadKubeconfig(t, "a", "b")
	t.Setenv("KUBECONFIG", kc)
	data, _ := os.ReadFile(kc)
	line := strings.Split(string(data), "\n")[5] // cluster b's line
	addr := line[strings.Index(line, "https://"):strings.LastIndex(line, `"`)]
	_, stderr, code := runPlugin(t, "pods", "clean-failed", "--yes", "--contexts", "b")
	if code != 1 || !strings.Contains(stderr, "cannot reach the Kubernetes API server at "+addr) {
		t.Fatalf("exit %d, want an attempt on b (%s):\n%s", code, addr, stderr)
	}
}

// TestDoctorFleetDeadContexts: doctor (which accepts --yes for schedules
// but changes nothing) fans out, and a context it could not read is a
// ContextError item scored 0, never a report counted as healthy; exit 1.
func TestDoctorFleetDeadContexts(t *testing.T) {
	helpEnv(t)
	t.Setenv("KUBECONFIG", deadKubeconfig(t, "a", "b"))
	stdout, stderr, code := runPlugin(t, "doctor", "--no-nodes", "--all-contexts", "-o", "json")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var fr struct {
		Kind   string `json:"kind"`
		Status struct {
			Score struct {
				Value   int    `json:"value"`
				Context string `json:"context"`
			} `json:"score"`
		} `json:"status"`
		Items []struct {
			Kind   string `json:"kind"`
			Status struct {
				Reason string `json:"reason"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &fr); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if fr.Kind != "DoctorFleetReport" || len(fr.Items) != 2 || fr.Status.Score.Value != 0 || fr.Status.Score.Context != "a" {
		t.Fatalf("%s", stdout)
	}
	for _, it := range fr.Items {
		if it.Kind != fleet.ErrorKind || !strings.Contains(it.Status.Reason, "could not run") {
			t.Errorf("item %+v", it)
		}
	}
	stdout, _, code = runPlugin(t, "doctor", "--no-nodes", "--all-contexts", "-o", "prometheus")
	if code != 1 || !strings.Contains(stdout, `kubectl_akash_doctor_context_up{context="b"} 0`) || !strings.Contains(stdout, "kubectl_akash_doctor_fleet_score 0") {
		t.Errorf("prometheus: exit %d\n%s", code, stdout)
	}
}
