package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// TestScheduleArgs checks the command line a CronJob gets: the same
// subcommand and flags, repeatable flags repeated, connection and output
// flags dropped, namespaces spelled out, --yes added. --schedule reads
// nothing from the cluster, so no cluster is needed.
func TestScheduleArgs(t *testing.T) {
	friend := akash.EncodeAddress([]byte("friend-friend-friend"))
	out, stderr, code := runPlugin(t, "--kubeconfig", "/nonexistent", "--context", "prod", "--lease-namespace", "lease2", "-v", "6",
		"leases", "kill-image", "--image", "xmrig|miner", "--image", `^docker\.io/nanopool/`, "--exclude-owner", friend,
		"--reason", "10004", "--dry-run=server", "-o", "yaml", "--schedule", "*/10 * * * *")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	docs := strings.Split(out, "\n---\n")
	var cj struct {
		Kind string `json:"kind"`
		Spec struct {
			JobTemplate struct {
				Spec struct {
					Template struct {
						Spec struct {
							Containers []struct {
								Args []string `json:"args"`
							} `json:"containers"`
						} `json:"spec"`
					} `json:"template"`
				} `json:"spec"`
			} `json:"jobTemplate"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal([]byte(docs[len(docs)-1]), &cj); err != nil || cj.Kind != "CronJob" {
		t.Fatalf("last document is not a CronJob: %v\n%s", err, out)
	}
	got := strings.Join(cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args, " ")
	want := `leases kill-image --dry-run=server --exclude-owner=` + friend + ` --image=xmrig|miner --image=^docker\.io/nanopool/ --reason=10004 --lease-namespace=lease2 --provider-namespace=akash-services --yes`
	if got != want {
		t.Fatalf("args\n got %s\nwant %s", got, want)
	}
	for _, leaked := range []string{"kubeconfig", "context", "nonexistent", "--v=", "--output"} {
		if strings.Contains(out, leaked) {
			t.Errorf("the manifests must not carry %q:\n%s", leaked, out)
		}
	}
}

// TestScheduleRefusesClose checks that dangling --close cannot be
// scheduled: the job's container has a read-only root and no volume, so
// the backup written before any delete could not be written and every run
// would fail. The report alone schedules, and --plugins (a local file)
// is not carried into the job.
func TestScheduleRefusesClose(t *testing.T) {
	base := []string{"--kubeconfig", "/nonexistent", "dangling", "--schedule", "0 * * * *"}
	if out, stderr, code := runPlugin(t, append(base, "--close")...); code == 0 || !strings.Contains(stderr, "--schedule cannot --close") || out != "" {
		t.Fatalf("--close scheduled: exit %d %s\n%s", code, stderr, out)
	}
	plugins := filepath.Join(t.TempDir(), "plugins.yaml")
	if err := os.WriteFile(plugins, []byte("plugins: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runPlugin(t, append([]string{"--plugins", plugins}, base...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "kind: CronJob") || strings.Contains(out, "--plugins") || strings.Contains(out, "--close") || strings.Contains(out, "verbs:\n  - delete") {
		t.Fatalf("the report's CronJob:\n%s", out)
	}
}
