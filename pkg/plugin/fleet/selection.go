package fleet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"

	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/configfile"
)

// Selection is what the root's fleet flags ask for: --contexts,
// --all-contexts, --fleet and --parallel-contexts.
type Selection struct {
	Contexts []string
	All      bool
	Fleet    string
	Parallel int
	// OneContext is set when --context was given as well.
	OneContext bool
}

// Wanted reports whether the command line asks for several contexts.
func (s Selection) Wanted() bool { return len(s.Contexts) > 0 || s.All || s.Fleet != "" }

// Validate checks the flags together, without I/O. Without a fleet flag
// there is nothing to check.
func (s Selection) Validate() error {
	if !s.Wanted() {
		return nil
	}
	if s.OneContext {
		return errors.New("--context picks one context and --contexts, --all-contexts or --fleet several: pass one of them")
	}
	if s.All && (len(s.Contexts) > 0 || s.Fleet != "") {
		return errors.New("--all-contexts takes every context: leave out --contexts and --fleet (or use --contexts ^NAME to leave contexts out)")
	}
	if s.Parallel < 1 {
		return fmt.Errorf("--parallel-contexts must be 1 or more, got %d", s.Parallel)
	}
	return nil
}

// Fanout is how a command line with fleet flags runs.
type Fanout struct {
	Members []Member
	// Warnings are problems of config.yaml's other fleets.
	Warnings []string
	// OneCluster says why the command must run on one cluster ("" when it
	// fans out); with a single member it runs there as it is.
	OneCluster string
}

// Decide resolves the selection for the command, or refuses it in one
// sentence before anything is read: a command that reads no cluster, or
// one that must run on one cluster given several contexts (then with the
// config file's warnings). known lists the kubeconfig's contexts.
func (s Selection) Decide(inv Invocation, known func() ([]string, error)) (*Fanout, error) {
	if why := inv.ReadsNoCluster(); why != "" {
		return nil, fmt.Errorf("%s %s: drop --contexts, --all-contexts and --fleet", inv.Name(), why)
	}
	members, warnings, err := s.members(known)
	if err != nil {
		return nil, err
	}
	why := inv.OneClusterOnly()
	if why != "" && len(members) > 1 { // the warnings are still worth printing
		return &Fanout{Warnings: warnings}, fmt.Errorf("%s %s, one cluster at a time: pick the context with --context NAME (not --contexts, --all-contexts or --fleet)", inv.Name(), why)
	}
	return &Fanout{Members: members, Warnings: warnings, OneCluster: why}, nil
}

// members resolves the selection: the fleet's contexts (narrowed by
// --contexts), or the kubeconfig's.
func (s Selection) members(known func() ([]string, error)) ([]Member, []string, error) {
	if s.Fleet != "" {
		fl, warnings, err := LoadFleet(s.Fleet)
		if err != nil || len(s.Contexts) == 0 {
			return fl.Members, warnings, err
		}
		var names []string
		for _, m := range fl.Members {
			names = append(names, m.Context)
		}
		chosen, err := Select(names, s.Contexts)
		if err != nil {
			return nil, nil, fmt.Errorf("fleet %q: %w", s.Fleet, err)
		}
		var out []Member
		for _, c := range chosen {
			i := slices.IndexFunc(fl.Members, func(m Member) bool { return m.Context == c })
			if i < 0 {
				return nil, nil, fmt.Errorf("--contexts %s: fleet %q has no context %q", c, s.Fleet, c)
			}
			out = append(out, fl.Members[i])
		}
		return out, warnings, nil
	}
	names, err := known()
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, errors.New("the kubeconfig has no contexts (kubectl config get-contexts lists them)")
	}
	patterns := s.Contexts
	if s.All {
		patterns = nil
	}
	chosen, err := Select(names, patterns)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Member, 0, len(chosen))
	for _, c := range chosen {
		out = append(out, Member{Context: c})
	}
	return out, nil, nil
}

// LoadFleet reads the config file and returns the fleet called name. A
// problem of the file or of that fleet is an error (all of them, one a
// line); problems of other fleets are warnings.
func LoadFleet(name string) (Fleet, []string, error) {
	path := DefaultPath()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Fleet{}, nil, fmt.Errorf("--fleet %s: there is no %s to define it in (see kubectl akash --help)", name, path)
	}
	if err != nil {
		return Fleet{}, nil, fmt.Errorf("--fleet %s: cannot read %s: %s", name, path, configfile.ReadError(err))
	}
	cfg, problems := Parse(path, data)
	var mine, others []string
	for _, p := range problems {
		if p.Index < 0 || p.Fleet == name {
			mine = append(mine, p.Error())
		} else {
			others = append(others, p.Error()+" (that fleet is skipped)")
		}
	}
	if len(mine) > 0 {
		return Fleet{}, nil, fmt.Errorf("--fleet %s: %s", name, strings.Join(mine, "\n"))
	}
	fl, ok := cfg.Fleet(name)
	if !ok {
		have := strings.Join(cfg.Names(), ", ")
		if have == "" {
			have = "none"
		}
		return Fleet{}, nil, fmt.Errorf("--fleet %s: %s defines no such fleet (it has: %s)", name, path, have)
	}
	return fl, others, nil
}

// FleetNames are the fleets of the config file, for completion (none when
// it cannot be read).
func FleetNames() []string {
	data, err := os.ReadFile(DefaultPath())
	if err != nil {
		return nil
	}
	cfg, _ := Parse(DefaultPath(), data)
	return cfg.Names()
}

// KubeconfigContexts lists the kubeconfig's context names, sorted.
func KubeconfigContexts(cf *genericclioptions.ConfigFlags) ([]string, error) {
	if cf.APIServer != nil && *cf.APIServer != "" {
		return nil, errors.New("--server names one API server: --contexts, --all-contexts and --fleet choose kubeconfig contexts instead")
	}
	raw, err := cf.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, fmt.Errorf("cannot read the kubeconfig (pass --kubeconfig or set KUBECONFIG): %w", err)
	}
	names := make([]string, 0, len(raw.Contexts))
	for n := range raw.Contexts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}
