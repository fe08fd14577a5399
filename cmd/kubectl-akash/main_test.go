package main

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// These tests run the real binary, so they check what an operator sees:
// stdout, one "error: ..." line on stderr, and the exit code.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kubectl-akash-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "kubectl-akash")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type run struct {
	stdout, stderr string
	code           int
}

func kubectlAkash(t *testing.T, env []string, args ...string) run {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return run{stdout.String(), stderr.String(), code}
}

// oneSentence asserts a failed run printed exactly one error line.
func oneSentence(t *testing.T, r run, code int, want string) {
	t.Helper()
	if r.code != code || !strings.HasPrefix(r.stderr, "error: ") || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d (want %d), stderr %q, want one line containing %q", r.code, code, r.stderr, want)
	}
	if r.stdout != "" {
		t.Fatalf("nothing belongs on stdout after an error: %q", r.stdout)
	}
}

func TestVersion(t *testing.T) {
	r := kubectlAkash(t, nil, "version", "-o", "json")
	var v struct{ APIVersion, Kind, Version, GoVersion, Platform string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &v) != nil {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if v.Kind != "Version" || v.APIVersion != "kubectl-akash.akash.network/v1alpha1" || v.GoVersion != runtime.Version() || v.Platform != runtime.GOOS+"/"+runtime.GOARCH || v.Version == "" {
		t.Fatalf("%+v", v)
	}
}

func TestHelpSaysKubectlAkash(t *testing.T) {
	r := kubectlAkash(t, nil, "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "kubectl akash [command]") || !strings.Contains(r.stdout, `Use "kubectl akash options"`) {
		t.Fatalf("%d %s", r.code, r.stdout)
	}
	if r = kubectlAkash(t, nil, "options"); r.code != 0 || !strings.Contains(r.stdout, "--lease-namespace") {
		t.Fatalf("%d %s", r.code, r.stdout)
	}
	r = kubectlAkash(t, nil, "leases", "list", "--help")
	if !strings.Contains(r.stdout, "kubectl akash leases list [flags]") {
		t.Fatalf("%s", r.stdout)
	}
}

func TestBadInput(t *testing.T) {
	oneSentence(t, kubectlAkash(t, nil, "version", "--nope"), 1, "unknown flag: --nope")
	oneSentence(t, kubectlAkash(t, nil, "version", "-o", "xml"), 1, `unknown output format "xml"`)
	// A jq parse error is one sentence plus the expression with a caret under the bad spot.
	if r := kubectlAkash(t, nil, "version", "--jq", ".a | {"); r.code != 1 || r.stderr != "error: invalid --jq expression at line 1, column 7: unexpected EOF\n    .a | {\n          ^\n" {
		t.Fatalf("%d %q", r.code, r.stderr)
	}
	oneSentence(t, kubectlAkash(t, nil, "nosuchcommand"), 1, `unknown command "nosuchcommand"`)
}

func TestNoKubeconfig(t *testing.T) {
	oneSentence(t, kubectlAkash(t, []string{"KUBECONFIG="}, "leases", "list"), 1, "no kubeconfig found")
	oneSentence(t, kubectlAkash(t, nil, "leases", "list", "--kubeconfig", "/does/not/exist"), 1, "cannot read the kubeconfig")
}

func TestUnreachableAPIServer(t *testing.T) {
	// A loopback port that nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://`+addr+`", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`), 0o600)
	oneSentence(t, kubectlAkash(t, nil, "leases", "list", "--kubeconfig", kc), 1, "cannot reach the Kubernetes API server at https://"+addr)
	// A plugin command resolves its resources through discovery first:
	// still one sentence (client-go's discovery cache logged a klog line
	// per failed attempt), and it blames the server, not the plugin entry.
	r := kubectlAkash(t, nil, "lease-images", "--kubeconfig", kc)
	oneSentence(t, r, 1, "cannot reach the Kubernetes API server at https://"+addr)
	if strings.Contains(r.stderr, "plugin") || strings.Contains(r.stderr, "memcache") {
		t.Errorf("lease-images: %q", r.stderr)
	}
}
