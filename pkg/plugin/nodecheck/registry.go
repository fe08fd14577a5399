package nodecheck

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// Check is one node check, declared once. Register it (in its file's init)
// and it is run by `kubectl-akash agent checks`, RunOnNodes and RunLocal.
type Check struct {
	// Name is what --checks and --skip take: lower case, no commas.
	Name        string
	Description string
	// Applies says whether the node has what the check reads (a GPU, a
	// cgroup v2 hierarchy, ...), and why not. Nil: always.
	Applies func(env agent.Env) (bool, string)
	// Kubelet says the check reads Options.Kubelet: the client then reads
	// each node's live kubelet configuration (KubeletConfig) before the run.
	Kubelet bool
	// Run reads the node and returns what it found. It should not fail the
	// whole run: an error is its Result with status "error". Check, Node
	// and the status of findings are filled in by the runner.
	Run func(ctx context.Context, env agent.Env, opts Options) Result
}

var (
	mu       sync.RWMutex
	registry []Check
)

// Register adds a check. A second check of the same name, or one without a
// name or Run, is a programming error.
func Register(c Check) {
	mu.Lock()
	defer mu.Unlock()
	if c.Name == "" || c.Run == nil || strings.ContainsAny(c.Name, ", ") {
		panic(fmt.Sprintf("nodecheck: check %q needs a name without commas or spaces, and a Run", c.Name))
	}
	for _, r := range registry {
		if r.Name == c.Name {
			panic("nodecheck: check " + c.Name + " registered twice")
		}
	}
	registry = append(registry, c)
}

// All is every registered check, in registration order.
func All() []Check {
	mu.RLock()
	defer mu.RUnlock()
	return append([]Check(nil), registry...)
}

// Names lists the registered checks' names, sorted.
func Names() []string {
	var names []string
	for _, c := range All() {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return names
}

// NameList is Names as prose ("a, b, c"), for help text and errors.
func NameList() string { return strings.Join(Names(), ", ") }

// Select picks the checks to run: only those named in only (all when only
// is empty), minus those named in skip. An unknown name is one error
// sentence listing the known ones; so is a selection that leaves nothing.
func Select(only, skip []string) ([]Check, error) {
	all := All()
	known := map[string]bool{}
	for _, c := range all {
		known[c.Name] = true
	}
	want, drop, unknown := NameSets(func(n string) bool { return known[n] }, only, skip)
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown node check(s) %s: the checks are %s", strings.Join(unknown, ", "), NameList())
	}
	var out []Check
	for _, c := range all {
		if (len(want) == 0 || want[c.Name]) && !drop[c.Name] {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no node check left to run after --checks and --skip: the checks are %s", NameList())
	}
	return out, nil
}

// NameSets sorts the names of --checks (only) and --skip into the sets of
// known names to keep and to drop, and the unknown ones; blank names are
// ignored. Doctor's selection, over cluster and node checks, shares it.
func NameSets(known func(string) bool, only, skip []string) (want, drop map[string]bool, unknown []string) {
	want, drop = map[string]bool{}, map[string]bool{}
	for _, set := range []struct {
		names []string
		into  map[string]bool
	}{{only, want}, {skip, drop}} {
		for _, n := range set.names {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			if !known(n) {
				unknown = append(unknown, n)
				continue
			}
			set.into[n] = true
		}
	}
	return want, drop, unknown
}
