//go:build unix

package e2e

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// These tests run the real binary under a real pseudo-terminal, as in an
// operator's shell, and again with pipes, as from cron: progress shows on
// the terminal only, --watch ends with 0 on Ctrl-C, and node-debug shell's
// TTY mode works end to end.

// progressLine is the executor's report of one action ending.
var progressLine = regexp.MustCompile(`\[(\d)/3\] lease [^\n]*: Succeeded \(\d+(\.\d)?m?s\)`)

func TestProgressOnATerminalOnly(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "progress-lease")
	file, ls := interruptLeases(t, c, leaseNS)
	args := func(s slowChain) []string {
		return []string{"leases", "close", "-f", file, "--lease-namespace", leaseNS, "--via-cli", s.path, "--block-time", "10ms", "--yes", "-o", "json"}
	}

	t.Run("terminal: one line as each transaction starts and one as it ends", func(t *testing.T) {
		s := newSlowChain(t, 100*time.Millisecond)
		p := startPlugin(t, c, true, args(s)...)
		p.wait(t, 2*time.Minute)
		out := p.stderr.String() // the terminal: stdout and stderr both
		if p.code != 0 {
			t.Fatalf("exit %d:\n%s", p.code, out)
		}
		ends := progressLine.FindAllStringSubmatch(out, -1)
		if len(ends) != 3 || ends[0][1] != "1" || ends[2][1] != "3" {
			t.Fatalf("want three progress lines [1/3]..[3/3] ending Succeeded, got %q:\n%s", ends, out)
		}
		for _, l := range ls {
			if !strings.Contains(out, l.ID.Owner) {
				t.Errorf("progress does not name lease %s:\n%s", l, out)
			}
		}
		if strings.Count(out, " ...\r\n")+strings.Count(out, " ...\n") != 3 {
			t.Errorf("want one start line per transaction:\n%s", out)
		}
	})
	t.Run("pipes: not a word of progress, stdout is only the JSON", func(t *testing.T) {
		s := newSlowChain(t, 100*time.Millisecond)
		p := startPlugin(t, c, false, args(s)...)
		p.wait(t, 2*time.Minute)
		if p.code != 0 {
			t.Fatalf("exit %d:\n%s\n%s", p.code, p.stdout.String(), p.stderr.String())
		}
		if strings.Contains(p.stderr.String(), "[1/3]") || strings.Contains(p.stdout.String(), "[1/3]") {
			t.Fatalf("progress printed without a terminal:\nstdout:\n%s\nstderr:\n%s", p.stdout.String(), p.stderr.String())
		}
		if got := closeList(t, p.stdout.String()); len(got) != 3 {
			t.Fatalf("stdout is not the three leases' JSON: %v", got)
		}
	})
}

// TestLeasesListWatch: -w prints the leases, then a lease created later,
// reads the same three LISTs each time, and Ctrl-C ends it with 0.
func TestLeasesListWatch(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "watch-lease")
	a := fixture.NewLease(t.Name()+"/a", 11, fixture.Web("nginx:1.25.3"))
	seedLeases(t, c, leaseNS, []fixture.Lease{a}, nil)
	// -v=6 logs every request: the test counts the LISTs per refresh.
	p := startPlugin(t, c, false, "leases", "list", "--lease-namespace", leaseNS, "--field-selector", "status.manifest=true", "-w", "-v=6")
	p.waitFor(t, time.Minute, "the first table", func() bool { return strings.Contains(p.stdout.String(), a.Namespace()) })
	b := fixture.NewLease(t.Name()+"/b", 12, fixture.Web("redis:7"))
	seedLeases(t, c, leaseNS, []fixture.Lease{b}, nil)
	p.waitFor(t, time.Minute, "the lease created while watching", func() bool { return strings.Contains(p.stdout.String(), b.Namespace()) })
	p.ctrlC(t)
	p.wait(t, 30*time.Second)
	out := p.stdout.String()
	if p.code != 0 {
		t.Fatalf("Ctrl-C must end a watch with 0, got %d\nstdout:\n%s\nstderr:\n%s", p.code, out, p.stderr.String())
	}
	if n := strings.Count(out, "OWNER"); n != 1 {
		t.Errorf("the header is printed once, got %d:\n%s", n, out)
	}
	if strings.Index(out, a.Namespace()) > strings.Index(out, b.Namespace()) {
		t.Errorf("lease b must come as a change after the first table:\n%s", out)
	}
	lists := map[string]int{}
	watches := 0
	for _, line := range strings.Split(p.stderr.String(), "\n") {
		if !strings.Contains(line, `verb="GET"`) || !strings.Contains(line, `status="200 OK"`) {
			continue
		}
		if strings.Contains(line, "watch=true") {
			watches++
			continue
		}
		for _, r := range []string{"/manifests", "/api/v1/namespaces?", "/api/v1/pods?"} {
			if strings.Contains(line, r) {
				lists[r]++
			}
		}
	}
	t.Logf("LISTs: %v, watches opened: %d", lists, watches)
	if lists["/manifests"] < 2 || lists["/manifests"] != lists["/api/v1/namespaces?"] || lists["/manifests"] != lists["/api/v1/pods?"] {
		t.Errorf("each refresh must read Manifests, namespaces and pods once: %v\n%s", lists, p.stderr.String())
	}
}

// TestNodeDebugShellUnderATerminal: the shell's TTY mode on the real node.
// Typed input is echoed by the remote terminal, a command's output comes
// back, and exit ends the session with the shell's code and no pod left.
func TestNodeDebugShellUnderATerminal(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-tty")
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	p := startPlugin(t, c, true, "node-debug", "shell", node, "--image", c.AgentImage, "--debug-namespace", ns)
	p.waitFor(t, 2*time.Minute, "the shell's banner", func() bool { return strings.Contains(p.stderr.String(), "Root shell on "+node) })
	// Progress of the debug pod, on the terminal.
	if out := p.stderr.String(); !strings.Contains(out, "node-debug: node "+node+": creating a debug pod") || !strings.Contains(out, "is Running") {
		t.Errorf("no debug pod progress on the terminal:\n%s", out)
	}
	typeIn := func(s string) {
		if _, err := p.tty.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	// stdin is a terminal in the shell, of the local terminal's size (the
	// size travels with the exec); tty(1) cannot name it, as the shell runs
	// in the host's mount namespace, where the pod's /dev/pts is not.
	typeIn("echo t0=$([ -t 0 ] && echo yes) size=$(stty size) host=$(hostname)\r")
	p.waitFor(t, time.Minute, "the command's output", func() bool {
		return regexp.MustCompile(`t0=yes size=50 250 host=` + regexp.QuoteMeta(host)).MatchString(p.stderr.String())
	})
	typeIn("exit 5\r")
	p.wait(t, time.Minute)
	if p.code != 5 {
		t.Errorf("exit %d, want the shell's 5:\n%s", p.code, p.stderr.String())
	}
	noDebugPods(t, c, ns)
}

// TestProviderStatusWatch: -w reads the pods, the nodes and /status again
// every --interval (the same three calls each time), prints the report and
// its warning once while nothing changes, and Ctrl-C ends it with 0 where a
// single read would exit 3 for /status not answering.
func TestProviderStatusWatch(t *testing.T) {
	c := cluster.Get(t)
	ns := c.Namespace(t, "provider-status-watch")
	providerStatefulSet(t, c, ns)
	p := startPlugin(t, c, false, "--provider-namespace", ns, "provider", "status", "-w", "--interval", "200ms", "--status-timeout", "2s", "-v=6")
	refreshes := func(path string) int {
		n := 0
		for _, line := range strings.Split(p.stderr.String(), "\n") {
			if strings.Contains(line, `"Response"`) && strings.Contains(line, path) {
				n++
			}
		}
		return n
	}
	p.waitFor(t, time.Minute, "three reads", func() bool { return refreshes("/services/") >= 3 })
	p.ctrlC(t)
	p.wait(t, 30*time.Second)
	if p.code != 0 {
		t.Fatalf("Ctrl-C must end a watch with 0, got %d\nstdout:\n%s\nstderr:\n%s", p.code, p.stdout.String(), p.stderr.String())
	}
	if n := strings.Count(p.stdout.String(), "akash-provider-0"); n != 1 {
		t.Errorf("an unchanged report is printed once, got %d times:\n%s", n, p.stdout.String())
	}
	if n := strings.Count(p.stderr.String(), "warning: reading /status"); n != 1 {
		t.Errorf("an unchanged warning is printed once, got %d", n)
	}
	pods, nodes, proxied := refreshes("/pods?"), refreshes("/api/v1/nodes"), refreshes("/services/")
	t.Logf("reads: %d pod LISTs, %d node LISTs, %d proxied GETs", pods, nodes, proxied)
	if pods < 3 || pods != nodes || proxied < pods-1 || proxied > pods {
		t.Errorf("each read must be one LIST of pods, one of nodes and one GET of /status: %d, %d, %d", pods, nodes, proxied)
	}
}
