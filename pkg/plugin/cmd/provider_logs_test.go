package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --from-file parses a saved log with no cluster: the kubeconfig points at
// nothing, and the command must not try to reach it.
func TestProviderLogsFromFile(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	real := filepath.Join("..", "provider", "testdata", "provider-log.tendermint.txt")
	if _, _, code := runPlugin(t, "provider", "logs", "--bids"); code == 0 {
		t.Fatal("the pod's log was read with no cluster configured")
	}

	stdout, stderr, code := runPlugin(t, "provider", "logs", "--bids", "--from-file", real, "-o", "json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	var l struct {
		Kind  string
		Items []struct {
			Metadata struct{ Name string }
			Spec     struct{ Time, Order, Outcome, Price string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &l); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var outcomes []string
	for _, it := range l.Items {
		outcomes = append(outcomes, it.Spec.Outcome)
	}
	if l.Kind != "BidEventList" || strings.Join(outcomes, ",") != "Detected,Bidding,Bid,Bidding,Bid" {
		t.Fatalf("%s", stdout)
	}
	last := l.Items[4]
	if last.Metadata.Name != "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h/8438017/1/1" || last.Spec.Price != "21.000000000000000000uakt" || last.Spec.Time != "2022-11-11|12:09:11.451" {
		t.Fatalf("%+v", last)
	}

	// a coloured provider 0.10+ log on standard input, as a table
	colour := "\x1b[90m8:36PM\x1b[0m \x1b[32mINF\x1b[0m \x1b[1morder detected\x1b[0m \x1b[36mmodule=\x1b[0mbidengine-service \x1b[36morder=\x1b[0morder/akash1t/9/1/1\n" +
		"\x1b[90m8:36PM\x1b[0m \x1b[32mINF\x1b[0m \x1b[1mPrice too high, not bidding\x1b[0m \x1b[36mmax-price=\x1b[0m1uact \x1b[36mmodule=\x1b[0mbidengine-order \x1b[36morder=\x1b[0makash1t/9/1/1 \x1b[36mprice=\x1b[0m2uact\n" +
		"8:37PM INF syncing sequence cmp=client/broadcaster local=3 remote=3\n"
	stdout, stderr, code = runPluginStdin(t, colour, "provider", "logs", "--bids", "--from-file", "-")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "TIME") || !strings.Contains(lines[1], "akash1t/9/1/1") || !strings.Contains(lines[1], "Detected") ||
		!strings.Contains(lines[2], "PriceTooHigh") || !strings.Contains(lines[2], "2uact") || strings.Contains(stdout, "\x1b") {
		t.Fatalf("table:\n%s", stdout)
	}

	// nothing to report
	_, stderr, code = runPluginStdin(t, "8:37PM INF syncing sequence cmp=client/broadcaster\n", "provider", "logs", "--bids", "--from-file", "-")
	if code != 0 || stderr != "No bid-engine events found.\n" {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
}

func TestProviderLogsFromFileRefusals(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	saved := filepath.Join(t.TempDir(), "provider.log")
	if err := os.WriteFile(saved, []byte("8:36PM INF bid complete module=bidengine-order order=a/1/1/1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--from-file", saved}, "error: --from-file parses a saved log into bid-engine events: add --bids\n"},
		{[]string{"--bids", "--from-file", saved, "-f"}, "error: --follow reads the provider pod's log; it does not apply to --from-file\n"},
		{[]string{"--bids", "--from-file", saved, "--since", "1h"}, "error: --since reads the provider pod's log; it does not apply to --from-file\n"},
		{[]string{"--bids", "--from-file", saved, "--pod", "p"}, "error: --pod reads the provider pod's log; it does not apply to --from-file\n"},
		{[]string{"--bids", "--from-file", ""}, "error: --from-file needs a file name, or - for standard input\n"},
		{[]string{"--bids", "--from-file", saved + ".missing"}, "error: reading the saved log: open " + saved + ".missing: no such file or directory\n"},
	} {
		stdout, stderr, code := runPlugin(t, append([]string{"provider", "logs"}, c.args...)...)
		if code != 1 || stderr != c.want || stdout != "" {
			t.Errorf("%v: exit %d stdout %q stderr %q, want %q", c.args, code, stdout, stderr, c.want)
		}
	}
}
