package cmd

import (
	"runtime"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

func TestZombiesBadInputIsOneSentence(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"node-debug", "zombies"}, "choose the nodes one way"},
		{[]string{"node-debug", "zombies", "n1", "--local"}, "choose the nodes one way"},
		{[]string{"node-debug", "zombies", "--local", "--grace=0s"}, "--grace must be positive"},
		{[]string{"node-debug", "zombies", "--local", "--pid-pressure=101"}, "--pid-pressure is a percentage"},
		{[]string{"node-debug", "zombies", "--all", "-o", "yamll"}, "unknown output format"},
		{[]string{"agent", "zombies", "--kill"}, "the agent never prompts: --kill needs --yes"},
		{[]string{"agent", "zombies", "--kill", "--yes", "--parent=12"}, "want PID:STARTTICKS"},
		{[]string{"node-debug", "zombies", "--local", "--proc-root=/tmp/copy", "--kill"}, "cannot be combined with a --proc-root"},
		{[]string{"agent", "zombies", "--kill", "--yes", "--proc-root=/tmp/copy"}, "cannot be combined with a --proc-root"},
		{[]string{"node-debug", "zombies", "--local", "-n", "kube-system"}, "add --kill or drop them"},
		{[]string{"node-debug", "zombies", "--local", "--all-namespaces"}, "add --kill or drop them"},
		{[]string{"node-debug", "zombies", "--local", "--kill", "--namespace", "kube-system,Kube_System"}, `--namespace "Kube_System" is not a namespace name`},
	}
	for _, c := range cases {
		if c.args[0] == "agent" && runtime.GOOS != "linux" {
			continue // the agent only refuses off Linux (TestAgentRefusesOffLinux)
		}
		_, stderr, code := runPlugin(t, c.args...)
		if code != cli.ExitFailure || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and one line with %q", c.args, code, stderr, c.want)
		}
	}
}

// -n is kubectl's global namespace flag; on zombies it names the
// namespaces --kill may reach, repeated or as a comma list.
func TestZombiesNamespaceFlagWidensTheKill(t *testing.T) {
	cmd := NewNodeDebugZombiesCmd(&Globals{})
	if err := cmd.ParseFlags([]string{"-n", "kube-system", "--namespace=ingress-nginx,akash-services", "-A"}); err != nil {
		t.Fatal(err)
	}
	ns, _ := cmd.Flags().GetStringSlice("namespace")
	all, _ := cmd.Flags().GetBool("all-namespaces")
	if strings.Join(ns, " ") != "kube-system ingress-nginx akash-services" || !all {
		t.Fatalf("namespaces %q all %t", ns, all)
	}
}
