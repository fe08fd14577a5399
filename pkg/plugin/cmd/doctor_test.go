package cmd

import (
	"strings"
	"testing"
)

// TestDoctorSchedule: doctor --schedule prints the CronJob running doctor
// (its --yes accepted) and RBAC for what it reads; with --no-nodes no debug
// pod may be created.
func TestDoctorSchedule(t *testing.T) {
	out, stderr, code := runPlugin(t, "--kubeconfig", "/nonexistent", "doctor", "--checks", "failed-pods,zombies", "--schedule", "*/15 * * * *")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"kind: CronJob", "- doctor", "- --checks=failed-pods", "- --checks=zombies", "- --yes", "nodes/proxy", "pods/exec", "services/proxy"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	out, _, code = runPlugin(t, "--kubeconfig", "/nonexistent", "doctor", "--no-nodes", "--api", "https://api.example:443", "--schedule", "0 * * * *")
	if code != 0 || strings.Contains(out, "create") || strings.Contains(out, "nodes/proxy") {
		t.Errorf("--no-nodes --api: exit %d\n%s", code, out)
	}
}

// TestDoctorBadInput: bad flags are one sentence and no request.
func TestDoctorBadInput(t *testing.T) {
	for args, want := range map[string]string{
		"--checks nope":            "unknown check(s) nope",
		"--min-score 101":          "--min-score is a score from 1 to 100",
		"--api ftp://x":            "want the chain's REST address",
		"--api http://example.com": "plain HTTP to another host",
		"--cert-warn soon":         "--cert-warn takes days",
		"--no-nodes --local":       "choose the nodes one way",
		"-o prometheus --jq .":     "cannot be combined with -o prometheus",
	} {
		_, stderr, code := runPlugin(t, append([]string{"--kubeconfig", "/nonexistent", "doctor"}, strings.Fields(args)...)...)
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", args, code, stderr, want)
		}
	}
}
