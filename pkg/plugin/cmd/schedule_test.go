package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// TestScheduleArgs checks the command line a CronJob gets: the same
// subcommand and flags, repeatable flags repeated, connection and output
// flags dropped, namespaces spelled out, --yes added. --schedule reads
// nothing from the cluster, so no cluster is needed.
func TestScheduleArgs(t *testing.T) {
	friend := akash.EncodeAddress([]byte("friend-friend-friend"))
	var out, errOut bytes.Buffer
	root := NewRootCmdWithGlobals(&Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}})
	root.SetArgs([]string{"--kubeconfig", "/nonexistent", "--context", "prod", "--lease-namespace", "lease2", "-v", "6",
		"leases", "kill-image", "--image", "xmrig|miner", "--image", `^docker\.io/nanopool/`, "--exclude-owner", friend,
		"--reason", "10004", "--dry-run=server", "-o", "yaml", "--schedule", "*/10 * * * *"})
	if err := root.Execute(); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	docs := strings.Split(out.String(), "\n---\n")
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
		t.Fatalf("last document is not a CronJob: %v\n%s", err, out.String())
	}
	got := strings.Join(cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args, " ")
	want := `leases kill-image --dry-run=server --exclude-owner=` + friend + ` --image=xmrig|miner --image=^docker\.io/nanopool/ --reason=10004 --lease-namespace=lease2 --provider-namespace=akash-services --yes`
	if got != want {
		t.Fatalf("args\n got %s\nwant %s", got, want)
	}
	for _, leaked := range []string{"kubeconfig", "context", "nonexistent", "--v=", "--output"} {
		if strings.Contains(out.String(), leaked) {
			t.Errorf("the manifests must not carry %q:\n%s", leaked, out.String())
		}
	}
}

// TestScheduleRefusesClose checks that dangling --close cannot be
// scheduled: the job's container has a read-only root and no volume, so
// the backup written before any delete could not be written and every run
// would fail. The report alone schedules, and --plugins (a local file)
// is not carried into the job.
func TestScheduleRefusesClose(t *testing.T) {
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		root := NewRootCmdWithGlobals(&Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Args: args})
		root.SetArgs(args)
		err := root.Execute()
		return out.String(), err
	}
	base := []string{"--kubeconfig", "/nonexistent", "dangling", "--schedule", "0 * * * *"}
	if out, err := run(append(base, "--close")...); err == nil || !strings.Contains(err.Error(), "--schedule cannot --close") || out != "" {
		t.Fatalf("--close scheduled: %v\n%s", err, out)
	}
	plugins := filepath.Join(t.TempDir(), "plugins.yaml")
	if err := os.WriteFile(plugins, []byte("plugins: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run(append([]string{"--plugins", plugins}, base...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "kind: CronJob") || strings.Contains(out, "--plugins") || strings.Contains(out, "--close") || strings.Contains(out, "verbs:\n  - delete") {
		t.Fatalf("the report's CronJob:\n%s", out)
	}
}
