package krew_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// repoRoot is the main module's directory; go test runs in test/krew.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "krew-manifest", "akash.yaml")); err != nil {
		t.Fatalf("not the repository root: %v", err)
	}
	return root
}

// run runs cmd and returns its stdout and stderr, failing the test with both
// when it does not exit 0.
func run(t *testing.T, cmd *exec.Cmd) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	t.Logf("ran %s (%s)", strings.Join(cmd.Args, " "), time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(cmd.Args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

// isExecutable reports whether path is a regular file someone may execute.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// kubectlPath is the kubectl that runs the installed plugin: the one `make
// test` builds (KUBECTL_AKASH_TESTBIN), else any kubectl on PATH.
func kubectlPath(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("KUBECTL_AKASH_TESTBIN"); dir != "" {
		p := filepath.Join(dir, "kubectl")
		if !isExecutable(p) {
			t.Fatalf("KUBECTL_AKASH_TESTBIN=%s has no kubectl binary", dir)
		}
		return p
	}
	p, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("no kubectl: KUBECTL_AKASH_TESTBIN is unset and kubectl is not on PATH; run `make test`, which builds one")
	}
	p, err = filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cacheDir is where built tools are kept between runs, outside the
// repository: the same place hack/testbin.sh keeps its binaries.
func cacheDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("KUBECTL_AKASH_CACHE"); dir != "" {
		return dir
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Fatal(err)
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "kubectl-akash")
}

// krewTools returns krew's own manifest validator and the krew CLI, built
// from the versions hack/tools/go.mod records. They are built once per krew
// version and reused; a build goes to a scratch directory first, so an
// interrupted one never leaves a half-written binary behind in the cache.
func krewTools(t *testing.T) (validator, krew string) {
	t.Helper()
	tools := filepath.Join(repoRoot(t), "hack", "tools")
	goCmd := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(t.Context(), "go", args...)
		cmd.Dir = tools
		cmd.Env = append(os.Environ(), "GOWORK=off")
		return cmd
	}
	version, _ := run(t, goCmd("list", "-m", "-f", "{{.Version}}", "sigs.k8s.io/krew"))
	dir := filepath.Join(cacheDir(t), "tools", "krew-"+strings.TrimSpace(version))
	validator, krew = filepath.Join(dir, "validate-krew-manifest"), filepath.Join(dir, "krew")
	if isExecutable(validator) && isExecutable(krew) {
		return validator, krew
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	scratch, err := os.MkdirTemp(dir, ".build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(scratch)
	run(t, goCmd("build", "-o", scratch+string(filepath.Separator),
		"sigs.k8s.io/krew/cmd/validate-krew-manifest", "sigs.k8s.io/krew/cmd/krew"))
	for _, bin := range []string{validator, krew} {
		if err := os.Rename(filepath.Join(scratch, filepath.Base(bin)), bin); err != nil {
			t.Fatal(err)
		}
	}
	return validator, krew
}
