package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestArguments(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		want []string
	}{
		{[]string{"kubectl-akash", "leases", "list"}, []string{"leases", "list"}},
		{[]string{"/usr/local/bin/kubectl-akash"}, []string{}},
		{[]string{"kubectl_complete-akash", "lea"}, []string{"__complete", "lea"}},
		{[]string{"/home/op/.krew/bin/kubectl_complete-akash", "leases", ""}, []string{"__complete", "leases", ""}},
		{[]string{"kubectl_complete-akash.exe", "lea"}, []string{"__complete", "lea"}},
		{[]string{"kubectl_complete-akash.EXE"}, []string{"__complete"}},
		// Only the exact name: a look-alike is the plugin itself.
		{[]string{"kubectl_complete-akash2", "lea"}, []string{"lea"}},
		{[]string{"kubectl_complete-akash.sh", "lea"}, []string{"lea"}},
		{[]string{"kubectl_complete-akash/kubectl-akash", "lea"}, []string{"lea"}},
	} {
		if got := arguments(tc.argv); !slices.Equal(got, tc.want) {
			t.Errorf("arguments(%q) = %q, want %q", tc.argv, got, tc.want)
		}
	}
}

// TestRunsAsCompletionHelper runs the binary through a symbolic link and a
// copy named like kubectl's completion helper: both complete, and the
// binary under its own name still runs commands.
func TestRunsAsCompletionHelper(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "kubectl_complete-akash")
	if err := os.Symlink(binary, link); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	exeCopy := filepath.Join(dir, "kubectl_complete-akash.exe")
	if err := os.WriteFile(exeCopy, b, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, helper := range []string{link, exeCopy} {
		cmd := exec.Command(helper, "lea")
		cmd.Env = []string{"HOME=" + t.TempDir()}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s lea: %v", helper, err)
		}
		s := string(out)
		if !strings.Contains(s, "leases\t") || !strings.Contains(s, "lease-images\t") || !strings.Contains(s, "\n:4\n") {
			t.Errorf("%s lea printed:\n%s\nwant cobra's completions of lea and its directive", helper, s)
		}
	}
	if r := kubectlAkash(t, nil, "lea"); r.code != 1 || !strings.Contains(r.stderr, `unknown command "lea"`) {
		t.Errorf("kubectl-akash lea: exit %d, stderr %q", r.code, r.stderr)
	}
}
