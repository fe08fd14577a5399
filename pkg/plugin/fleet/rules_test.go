package fleet

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestRules: which command lines may fan out, decided from the command's
// path and its flags alone.
func TestRules(t *testing.T) {
	for _, c := range []struct {
		path, flags string // flags: the ones the command has; args: those set
		args        []string
		noCluster   string
		oneCluster  string
	}{
		{"leases list", "", nil, "", ""},
		{"version", "", nil, "reads no cluster", ""},
		{"plugins list", "", nil, "reads no cluster", ""},
		{"certs check", "local", []string{"--local"}, "--local reads this machine, not a cluster", ""},
		{"leases close", "yes dry-run", []string{"--dry-run=client"}, "", "closes leases"},
		{"dangling", "close yes dry-run", nil, "", ""},
		{"dangling", "close yes dry-run", []string{"--close"}, "", "--close changes the cluster"},
		{"dangling", "close yes dry-run", []string{"--close", "--dry-run=server"}, "", ""},
		{"replicasets force-new", "yes dry-run", nil, "", "changes the cluster (unless --dry-run)"},
		{"replicasets force-new", "yes dry-run", []string{"--dry-run=none"}, "", "changes the cluster (unless --dry-run)"},
		{"replicasets force-new", "yes dry-run", []string{"--dry-run=client"}, "", ""},
		{"replicasets force-new", "yes dry-run watch", []string{"--dry-run=client", "--watch"}, "", "--watch keeps running"},
		{"doctor", "yes schedule", nil, "", ""},
		{"doctor", "yes schedule", []string{"--schedule=* * * * *"}, "", "--schedule prints one cluster's CronJob"},
	} {
		fs := pflag.NewFlagSet(c.path, pflag.ContinueOnError)
		for _, name := range strings.Fields(c.flags) {
			switch name {
			case "dry-run", "schedule":
				fs.String(name, "", "")
			default:
				fs.Bool(name, false, "")
			}
		}
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		inv := Invocation{Path: strings.Fields(c.path), Flags: fs}
		if got := inv.ReadsNoCluster(); got != c.noCluster {
			t.Errorf("%s %v: ReadsNoCluster %q, want %q", c.path, c.args, got, c.noCluster)
		}
		if got := inv.OneClusterOnly(); got != c.oneCluster {
			t.Errorf("%s %v: OneClusterOnly %q, want %q", c.path, c.args, got, c.oneCluster)
		}
	}
}

// TestArgv: a context's command line keeps the operator's flags and
// arguments, drops this process's own, and adds the context's settings
// only for flags left alone.
func TestArgv(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.StringSlice("image", nil, "")
	fs.String("lease-namespace", "", "")
	fs.String("api", "", "")
	fs.String("output", "", "")
	fs.String("context", "", "")
	fs.StringSlice("contexts", nil, "")
	if err := fs.Parse([]string{"--image=a", "--image=b", "--lease-namespace=mine", "--output=wide", "--contexts=x,y"}); err != nil {
		t.Fatal(err)
	}
	inv := Invocation{Path: []string{"leases", "list"}, Flags: fs, Args: []string{"-x"}, OutputFlags: map[string]bool{"output": true}}
	m := Member{Context: "x", Flags: map[string]string{"lease-namespace": "theirs", "api": "https://a", "unknown": "z"}}
	want := "leases list --image=a --image=b --lease-namespace=mine --api=https://a --context=x --output=kubectl-akash-fleet-envelope -- -x"
	if got := strings.Join(inv.Argv(m, true), " "); got != want {
		t.Errorf("envelope:\n got %s\nwant %s", got, want)
	}
	want = "leases list --image=a --image=b --lease-namespace=mine --output=wide --api=https://a --context=x -- -x"
	if got := strings.Join(inv.Argv(m, false), " "); got != want {
		t.Errorf("text:\n got %s\nwant %s", got, want)
	}
}
