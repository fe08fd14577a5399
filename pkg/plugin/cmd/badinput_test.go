package cmd

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unreachableKubeconfig writes a kubeconfig whose API server is a loopback
// port nothing listens on: a check that does not happen before the first
// API call shows up as "cannot reach the Kubernetes API server" instead of
// the sentence the table expects, at once and without touching a network.
func unreachableKubeconfig(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	data := `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://` + addr + `"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`
	if err := os.WriteFile(kc, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return kc
}

// TestBadInputOneSentence: bad input is one sentence on stderr, nothing on
// stdout, exit 1, before any API call.
func TestBadInputOneSentence(t *testing.T) {
	helpEnv(t)
	kc := unreachableKubeconfig(t)
	t.Setenv("KUBECONFIG", kc)
	dir := t.TempDir()
	const owner = "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h"
	// -f inputs: each names what is wrong and where.
	const provider = "akash1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5jepelx"
	input := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	negativeDSeq := input("negative.json", `{"owner":"`+owner+`","dseq":-5,"gseq":1,"oseq":1,"provider":"`+provider+`"}`)
	bigOSeq := input("big-oseq.yaml", "owner: "+owner+"\ndseq: 5\ngseq: 1\noseq: 99999999999\nprovider: "+provider+"\n")
	bigOSeqLine := input("big-oseq.txt", owner+"/5/1/4294967296/"+provider+"\n")
	badYAML := input("bad.yaml", "kind: LeaseList\nitems:\n- spec:\n    leaseID: {owner: "+owner+", dseq: 5, gseq: 1\n      oseq: 1\n  bad: : :\n")
	badSecondDoc := input("bad-doc.yaml", "owner: "+owner+"\ndseq: 5\ngseq: 1\noseq: 1\nprovider: "+provider+"\n---\nkind: x\nbad: [unclosed\n")
	shortOwner := input("short.txt", "akash124zpj3/5/1/1/"+provider+"\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"leases", "close", "-f", negativeDSeq}, "negative.json: $: malformed lease ID: dseq -5 is negative"},
		{[]string{"leases", "close", "-f", bigOSeq}, "malformed lease ID: oseq 99999999999 is out of range: at most 4294967295"},
		{[]string{"leases", "close", "-f", bigOSeqLine}, "oseq 4294967296 is out of range: at most 4294967295"},
		{[]string{"leases", "close", "-f", badYAML}, "bad.yaml: not valid YAML (yaml: line 4: did not find expected ',' or '}'), nor lines of owner/dseq/gseq/oseq/provider"},
		{[]string{"leases", "close", "-f", badSecondDoc}, "YAML document 2 is not valid YAML: yaml: line 8: did not find expected ',' or ']'"},
		{[]string{"leases", "close", "-f", shortOwner}, `"akash124zpj3" is not an Akash address: its payload is empty`},
		{[]string{"leases", "list", "--owner", "akash1qypqmqqxzl"}, `"akash1qypqmqqxzl" is not an Akash address: its payload is 2 bytes`},
		{[]string{"leases", "bogus"}, `unknown command "bogus" for "kubectl akash leases"`},
		{[]string{"node-debug", "bogus"}, `unknown command "bogus" for "kubectl akash node-debug"`},
		{[]string{"nosuchcommand"}, `unknown command "nosuchcommand" for "kubectl akash"`},
		{[]string{"leases", "list", "--request-timeout=abc"}, `--request-timeout "abc": want a duration such as 30s or 2m, or a whole number of seconds`},
		{[]string{"leases", "list", "--request-timeout=-1s"}, `--request-timeout "-1s": want a duration`},
		{[]string{"leases", "list", "--lease-namespace", ""}, "--lease-namespace must not be empty"},
		{[]string{"manifests", "backup", "--lease-namespace", "Lease_NS"}, `--lease-namespace "Lease_NS" is not a namespace name`},
		{[]string{"provider", "status", "--provider-namespace", ""}, "--provider-namespace must not be empty"},
		{[]string{"leases", "list", "-n", ""}, "-n/--namespace must not be empty"},
		{[]string{"leases", "list", "-A", "-n", "foo"}, "-A/--all-namespaces and -n/--namespace contradict each other"},
		{[]string{"provider", "restart", "--dry-run"}, "--dry-run needs a value: --dry-run=client"},
		{[]string{"pods", "clean-failed", "--dry-run=true"}, "--dry-run=true: want none, client or server"},
		{[]string{"leases", "list", "--owner", "notanaddress"}, `--owner: "notanaddress" is not a bech32 address`},
		{[]string{"leases", "list", "--owner", "akash124zpj3"}, `--owner: "akash124zpj3" is not an Akash address: its payload is empty`},
		{[]string{"provider", "logs", "--tail", "-5"}, "--tail -5: want a number of lines, or -1 for the whole log"},
		{[]string{"provider", "status", "--status-scheme", "ftp"}, `--status-scheme "ftp": want https or http`},
		{[]string{"provider", "pricing", "--release", ""}, `--release "" is not a helm release name`},
		{[]string{"leases", "close", "--owner", owner, "--dseq", "1", "--via-cli", filepath.Join(dir, "provider-services")}, "provider-services: no such executable"},
		{[]string{"leases", "list", "--plugins", filepath.Join(dir, "plugins.yaml")}, "plugins.yaml: cannot read it: no such file or directory"},
		{[]string{"certs", "check", "--local", "--host-root", filepath.Join(dir, "host")}, "host: no such directory"},
		{[]string{"node-debug", "info", "--local", "--host-root", filepath.Join(dir, "host")}, "host: no such directory"},
		{[]string{"node-debug", "health", "n1", "--checks", "pids,nosuch"}, "unknown node check(s) nosuch: the checks are certs, gpu, kubelet, memcg, mounts, pids, pressure, zombies"},
		{[]string{"node-debug", "health", "n1", "--checks", "pids", "--skip", "pids"}, "no node check left to run after --checks and --skip"},
		{[]string{"node-debug", "health", "n1", "--kubelet-config", "/etc/kubelet.yaml"}, "--kubelet-config is for --local"},
		{[]string{"node-debug", "health", "n1", "--oom-window", "0s"}, "--oom-window must be positive"},
		{[]string{"node-debug", "health", "n1", "--pid-pressure", "101"}, "--pid-pressure is a percentage from 1 to 100"},
		{[]string{"node-debug", "health", "n1", "--all"}, "choose the nodes one way"},
		{[]string{"version", "--field-manager", "x"}, "unknown flag: --field-manager"},
		{[]string{"leases", "kill-image", "--image", "xmrig", "--schedule", "*/5 * * *"}, `--schedule "*/5 * * *": expected exactly 5 fields, found 4`},
		{[]string{"pods", "clean-failed", "--schedule", "CRON_TZ=UTC 0 * * * *"}, "a time zone (TZ or CRON_TZ) is not part of the expression"},
		{[]string{"replicasets", "force-new", "--schedule", "0 * * * 8"}, "day of week field: end of range (8) above maximum (6)"},
		// Accepted: validation lets these through, so they reach the
		// (unreachable) API server.
		{[]string{"leases", "list", "-A"}, "cannot reach the Kubernetes API server"},
		{[]string{"tenant-leases", "--all-namespaces"}, "connection refused"},
		// A plugin command blames the server, not its plugins.yaml entry.
		{[]string{"lease-images"}, "cannot reach the Kubernetes API server at https://127.0.0.1:"},
		{[]string{"leases", "list", "--request-timeout=30"}, "cannot reach the Kubernetes API server"},
	} {
		name := strings.Join(c.args, " ")
		stdout, stderr, code := runPlugin(t, c.args...)
		if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "error: ") || !strings.Contains(stderr, c.want) {
			t.Errorf("kubectl akash %s: exit %d, stdout %q, stderr %q; want exit 1 and one line with %q", name, code, stdout, stderr, c.want)
		}
	}
}
