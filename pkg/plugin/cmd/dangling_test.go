package cmd

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
)

// TestDanglingValidate: flags are refused before any request is sent, with
// one sentence naming the flag.
func TestDanglingValidate(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "none")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--api", "http://chain.example:1317"}, "plain HTTP to another host"},
		{[]string{"--api", "ftp://chain.example"}, "want the chain's REST address"},
		{[]string{"--min-age", "-1m"}, "--min-age must not be negative"},
		{[]string{"--close", "--max-leases", "0"}, "--max-leases 0: want at least 1"},
	} {
		_, stderr, code := runPlugin(t, append([]string{"--kubeconfig", kubeconfig, "dangling"}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want %q", c.args, code, stderr, c.want)
		}
	}
	for _, ok := range []string{"http://127.0.0.1:1317", "http://localhost:1317", "http://[::1]:1317"} {
		u, err := url.Parse(ok)
		if err != nil || !chain.IsLoopback(u.Hostname()) {
			t.Errorf("%s is loopback: plain HTTP is fine there", ok)
		}
	}
}
