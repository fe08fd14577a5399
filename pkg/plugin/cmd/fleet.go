package cmd

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/term"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Fleet flags: every command has them (they are the root's), and the root
// decides before any command runs whether it fans out (fleetFlags.takeOver).
const (
	contextsFlag         = "contexts"
	allContextsFlag      = "all-contexts"
	fleetFlag            = "fleet"
	parallelContextsFlag = "parallel-contexts"
)

// fleetFlags select the contexts of a fleet run.
type fleetFlags struct {
	contexts []string
	all      bool
	fleet    string
	parallel int
}

// addFlags adds the fleet flags to the root, with their completions: the
// kubeconfig's contexts, and config.yaml's fleets.
func (f *fleetFlags) addFlags(root *cobra.Command, g *Globals) {
	pf := root.PersistentFlags()
	pf.StringSliceVar(&f.contexts, contextsFlag, nil, "Run a read or check command on these kubeconfig contexts and merge the answers: names, /regex/, ^name or ^/regex/ to leave out (comma-separated or repeated).")
	pf.BoolVar(&f.all, allContextsFlag, false, "Run a read or check command on every kubeconfig context and merge the answers.")
	pf.StringVar(&f.fleet, fleetFlag, "", "Run a read or check command on the contexts of this fleet of $XDG_CONFIG_HOME/kubectl-akash/config.yaml, with their settings.")
	pf.IntVar(&f.parallel, parallelContextsFlag, fleet.DefaultParallel, "With --contexts, --all-contexts or --fleet: how many contexts to read at once.")
	contexts := completeKubeconfig(g, "context")
	_ = root.RegisterFlagCompletionFunc(contextsFlag, func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		head := toComplete[:strings.LastIndex(toComplete, ",")+1] // a list: complete its last name
		names, directive := contexts(c, args, strings.TrimPrefix(toComplete, head))
		for i := range names {
			names[i] = head + names[i]
		}
		return names, directive
	})
	_ = root.RegisterFlagCompletionFunc(fleetFlag, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		data, err := os.ReadFile(fleet.DefaultPath())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, _ := fleet.Parse(fleet.DefaultPath(), data)
		return filterNames(cfg.Names(), toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	})
}

// wanted reports whether the command line asks for several contexts.
func (f *fleetFlags) wanted() bool { return len(f.contexts) > 0 || f.all || f.fleet != "" }

// takeOver validates the fleet flags and, when they select contexts, puts
// the fan-out in place of the command's own Run: the command then runs once
// per context, each time in a command tree and client stack of its own.
// Commands that change something, or read no cluster, refuse here, before
// anything is read.
func (f *fleetFlags) takeOver(g *Globals, cmd *cobra.Command, args []string) error {
	if !f.wanted() {
		return nil
	}
	if c := cmd.Flags().Lookup("context"); c != nil && c.Changed {
		return errors.New("--context picks one context and --contexts, --all-contexts or --fleet several: pass one of them")
	}
	if f.all && (len(f.contexts) > 0 || f.fleet != "") {
		return errors.New("--all-contexts takes every context: leave out --contexts and --fleet (or use --contexts ^NAME to leave contexts out)")
	}
	if f.parallel < 1 {
		return fmt.Errorf("--%s must be 1 or more, got %d", parallelContextsFlag, f.parallel)
	}
	name := commandName(cmd)
	if why := readsNoCluster(cmd); why != "" {
		return fmt.Errorf("%s %s: drop --contexts, --all-contexts and --fleet", name, why)
	}
	members, warnings, err := f.members(g)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(g.Streams.ErrOut, "warning: %s\n", w)
	}
	why := oneClusterOnly(cmd)
	if why != "" && len(members) > 1 {
		return fmt.Errorf("%s %s, one cluster at a time: pick the context with --context NAME (not --contexts, --all-contexts or --fleet)", name, why)
	}
	cmd.PreRun, cmd.PreRunE, cmd.Run = nil, nil, nil
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if why != "" { // one context: the command as it is, with that context's settings
			return g.runInContext(cmd.Context(), memberArgs(cmd, args, members[0], false), g.Streams).err()
		}
		return g.runFleet(cmd, args, members, f.parallel)
	}
	return nil
}

// members resolves the selection: the fleet's contexts (narrowed by
// --contexts), or the kubeconfig's.
func (f *fleetFlags) members(g *Globals) ([]fleet.Member, []string, error) {
	var warnings []string
	if f.fleet != "" {
		fl, w, err := loadFleet(f.fleet)
		if err != nil {
			return nil, nil, err
		}
		warnings = w
		if len(f.contexts) == 0 {
			return fl.Members, warnings, nil
		}
		var names []string
		for _, m := range fl.Members {
			names = append(names, m.Context)
		}
		chosen, err := fleet.Select(names, f.contexts)
		if err != nil {
			return nil, nil, fmt.Errorf("fleet %q: %w", f.fleet, err)
		}
		var out []fleet.Member
		for _, c := range chosen {
			i := slices.IndexFunc(fl.Members, func(m fleet.Member) bool { return m.Context == c })
			if i < 0 {
				return nil, nil, fmt.Errorf("--contexts %s: fleet %q has no context %q", c, f.fleet, c)
			}
			out = append(out, fl.Members[i])
		}
		return out, warnings, nil
	}
	known, err := kubeconfigContexts(g)
	if err != nil {
		return nil, nil, err
	}
	patterns := f.contexts
	if f.all {
		patterns = nil
	}
	if len(known) == 0 {
		return nil, nil, errors.New("the kubeconfig has no contexts (kubectl config get-contexts lists them)")
	}
	chosen, err := fleet.Select(known, patterns)
	if err != nil {
		return nil, nil, err
	}
	out := make([]fleet.Member, 0, len(chosen))
	for _, c := range chosen {
		out = append(out, fleet.Member{Context: c})
	}
	return out, warnings, nil
}

// loadFleet reads the config file and returns the fleet called name. A
// problem of the file or of that fleet is an error (all of them, one a
// line); problems of other fleets are warnings.
func loadFleet(name string) (fleet.Fleet, []string, error) {
	path := fleet.DefaultPath()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fleet.Fleet{}, nil, fmt.Errorf("--fleet %s: there is no %s to define it in (see kubectl akash --help)", name, path)
	}
	if err != nil {
		return fleet.Fleet{}, nil, fmt.Errorf("--fleet %s: cannot read %s: %s", name, path, unwrapPathError(err))
	}
	cfg, problems := fleet.Parse(path, data)
	var mine, others []string
	for _, p := range problems {
		if p.Index < 0 || p.Fleet == name {
			mine = append(mine, p.Error())
		} else {
			others = append(others, p.Error()+" (that fleet is skipped)")
		}
	}
	if len(mine) > 0 {
		return fleet.Fleet{}, nil, fmt.Errorf("--fleet %s: %s", name, strings.Join(mine, "\n"))
	}
	fl, ok := cfg.Fleet(name)
	if !ok {
		have := strings.Join(cfg.Names(), ", ")
		if have == "" {
			have = "none"
		}
		return fleet.Fleet{}, nil, fmt.Errorf("--fleet %s: %s defines no such fleet (it has: %s)", name, path, have)
	}
	return fl, others, nil
}

// kubeconfigContexts lists the kubeconfig's context names, sorted.
func kubeconfigContexts(g *Globals) ([]string, error) {
	if err := haveKubeconfig(g); err != nil {
		return nil, err
	}
	raw, err := g.ConfigFlags.ToRawKubeConfigLoader().RawConfig()
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

func haveKubeconfig(g *Globals) error {
	if g.ConfigFlags.APIServer != nil && *g.ConfigFlags.APIServer != "" {
		return errors.New("--server names one API server: --contexts, --all-contexts and --fleet choose kubeconfig contexts instead")
	}
	return nil
}

// runFleet runs the command once per member and prints the merged answer.
func (g *Globals) runFleet(cmd *cobra.Command, args []string, members []fleet.Member, parallel int) error {
	if commandName(cmd) == "doctor" {
		return g.runDoctorFleet(cmd, args, members, parallel)
	}
	out, structured, err := parentOutput(cmd)
	if err != nil {
		return err
	}
	outcomes, err := g.runMembers(cmd, args, members, parallel, structured)
	if err != nil {
		return err
	}
	if !structured {
		return printText(g.Streams.Out, outcomes)
	}
	answer, err := fleet.Merge(outcomes, out.Format() == "wide")
	if err != nil {
		return err
	}
	if !out.Human() {
		printFailures(g.Streams.ErrOut, outcomes)
	}
	switch {
	case out.Human() && answer.Table == nil:
		fmt.Fprintf(g.Streams.ErrOut, "Nothing found in %d context(s).\n", len(members))
	case out.Human():
		if err := out.PrintTable(g.Streams.Out, func() *output.Table { return output.FromTable(answer.Table) }); err != nil {
			return err
		}
	default:
		if err := out.Print(g.Streams.Out, answer.List, nil); err != nil {
			return err
		}
	}
	if answer.Code != cli.ExitOK {
		return cli.Silent(answer.Code)
	}
	return nil
}

// printFailures names each failed context and why on stderr (a table shows
// them as rows instead).
func printFailures(w io.Writer, outcomes []fleet.Outcome) {
	for _, o := range outcomes {
		if o.Failed() && o.Message != "" {
			fmt.Fprintf(w, "error: context %s: %s\n", o.Context, fleet.Reason(o))
		}
	}
}

// runMembers runs the command once per member, each in its own command
// tree and client stack (with --output=envelope when envelope is set), and
// returns the outcomes in the members' order.
func (g *Globals) runMembers(cmd *cobra.Command, args []string, members []fleet.Member, parallel int, envelope bool) ([]fleet.Outcome, error) {
	ctx := cmd.Context()
	known, err := kubeconfigContexts(g)
	if err != nil {
		return nil, err
	}
	// The command lines are built here, before the runs start: reading the
	// parsed flags is not safe from several goroutines.
	argv := map[string][]string{}
	for _, m := range members {
		argv[m.Context] = memberArgs(cmd, args, m, envelope)
	}
	progress := term.IsTerminal(g.Streams.ErrOut)
	finished := 0
	outcomes := fleet.Run(ctx, members, parallel, func(ctx context.Context, m fleet.Member) fleet.Outcome {
		if !slices.Contains(known, m.Context) {
			return fleet.Outcome{Code: cli.ExitFailure, Message: fmt.Sprintf("no context %q in the kubeconfig (kubectl config get-contexts lists them)", m.Context)}
		}
		var stdout, stderr bytes.Buffer
		r := g.runInContext(ctx, argv[m.Context], genericiooptions.IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr})
		return fleet.Outcome{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), Code: r.code, Message: r.msg}
	}, func(o fleet.Outcome) {
		finished++
		relay(g.Streams.ErrOut, o.Context, o.Stderr)
		if progress {
			state := "done"
			if o.Failed() {
				state = "failed" // the reason is in the answer
			}
			fmt.Fprintf(g.Streams.ErrOut, "[%d/%d] context %s %s (%s)\n", finished, len(members), o.Context, state, o.Duration.Round(1e6))
		}
	})
	return outcomes, nil
}

// printText prints what commands without -o printed, each line behind its
// context (as kubectl foreach does), and returns the fleet's exit code.
func printText(w io.Writer, outcomes []fleet.Outcome) error {
	code := cli.ExitOK
	for _, o := range outcomes {
		for _, line := range strings.Split(strings.TrimRight(string(o.Stdout), "\n"), "\n") {
			if line != "" {
				fmt.Fprintf(w, "%s | %s\n", o.Context, line)
			}
		}
		switch {
		case o.Failed():
			fmt.Fprintf(w, "%s | error: %s\n", o.Context, fleet.Reason(o))
			code = cli.ExitFailure
		case o.Code == cli.ExitFindings && code == cli.ExitOK:
			code = cli.ExitFindings
		}
	}
	if code != cli.ExitOK {
		return cli.Silent(code)
	}
	return nil
}

// relay copies a context's stderr (warnings) to ours, each line behind the
// context's name.
func relay(w io.Writer, ctx string, stderr []byte) {
	for _, line := range strings.Split(strings.TrimRight(string(stderr), "\n"), "\n") {
		if line != "" {
			fmt.Fprintf(w, "[%s] %s\n", ctx, line)
		}
	}
}

// parentOutput is the output flags the operator gave, rebuilt from the
// command's parsed flags, so the merged answer prints as -o asks. structured
// is false for a command without -o: its text is passed through.
func parentOutput(cmd *cobra.Command) (*output.Flags, bool, error) {
	if cmd.Flags().Lookup("output") == nil {
		return nil, false, nil
	}
	out := output.NewFlags()
	scratch := &cobra.Command{Use: cmd.Name()}
	out.AddFlags(scratch)
	var err error
	scratch.Flags().VisitAll(func(f *pflag.Flag) {
		if mine := cmd.Flags().Lookup(f.Name); mine != nil && mine.Changed && err == nil {
			err = scratch.Flags().Set(f.Name, mine.Value.String())
		}
	})
	if err != nil {
		return nil, false, err
	}
	if out.Format() == output.EnvelopeFormat {
		return nil, false, fmt.Errorf("unknown output format %q", output.EnvelopeFormat)
	}
	if err := out.Validate(); err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// outputFlagNames are the flags the output layer adds to a command.
func outputFlagNames() map[string]bool {
	scratch := &cobra.Command{}
	output.NewFlags().AddFlags(scratch)
	names := map[string]bool{}
	scratch.Flags().VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
	return names
}

// memberArgs is the command line of one context's run: the command, every
// flag the operator set (but the fleet's own, --context, the logging and
// profiling flags, which belong to this process, and the output flags when
// the answer is merged), the context's settings for flags the operator left
// alone, --context, and the positional arguments.
func memberArgs(cmd *cobra.Command, args []string, m fleet.Member, envelope bool) []string {
	skip := map[string]bool{contextsFlag: true, allContextsFlag: true, fleetFlag: true, parallelContextsFlag: true,
		"context": true, "v": true, "vmodule": true, "profile": true, "profile-output": true, "help": true}
	if envelope {
		for name := range outputFlagNames() {
			skip[name] = true
		}
	}
	argv := commandPath(cmd)
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if !skip[f.Name] {
			argv = append(argv, flagArgs(f)...)
		}
	})
	names := make([]string, 0, len(m.Flags))
	for name := range m.Flags {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if f := cmd.Flags().Lookup(name); f != nil && !f.Changed {
			argv = append(argv, "--"+name+"="+m.Flags[name])
		}
	}
	argv = append(argv, "--context="+m.Context)
	if envelope {
		argv = append(argv, "--output="+output.EnvelopeFormat)
	}
	if len(args) > 0 {
		argv = append(append(argv, "--"), args...)
	}
	return argv
}

// commandPath is the names from the root's child down to cmd.
func commandPath(cmd *cobra.Command) []string {
	var path []string
	for c := cmd; c.HasParent(); c = c.Parent() {
		path = append([]string{c.Name()}, path...)
	}
	return path
}

// commandName is how messages name cmd: "leases close".
func commandName(cmd *cobra.Command) string { return strings.Join(commandPath(cmd), " ") }

// flagArgs renders a set flag so that parsing it again gives the same value:
// a list flag is repeated once per item (a comma-separated list's items
// quoted as CSV, so an item's own comma survives).
func flagArgs(f *pflag.Flag) []string {
	sv, ok := f.Value.(pflag.SliceValue)
	if !ok {
		return []string{"--" + f.Name + "=" + f.Value.String()}
	}
	var out []string
	for _, item := range sv.GetSlice() {
		if f.Value.Type() == "stringSlice" {
			item = csvField(item)
		}
		out = append(out, "--"+f.Name+"="+item)
	}
	return out
}

func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\n") {
		return s
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{s})
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// childRun is how one in-process run ended.
type childRun struct {
	code int
	msg  string
}

func (r childRun) err() error {
	if r.code == cli.ExitOK {
		return nil
	}
	if r.msg == "" {
		return cli.Silent(r.code)
	}
	return &cli.ExitError{Code: r.code, Err: errors.New(r.msg)}
}

// runInContext runs argv in a new command tree with Globals of its own: new
// kubeconfig flags, so a new REST config, clients, discovery and REST
// mapper. Nothing built for one context is reachable from another's run.
func (g *Globals) runInContext(ctx context.Context, argv []string, streams genericiooptions.IOStreams) (r childRun) {
	defer func() {
		if p := recover(); p != nil {
			r = childRun{code: cli.ExitFailure, msg: fmt.Sprintf("the command panicked: %v", p)}
		}
	}()
	child := &Globals{Streams: streams, Args: argv}
	root := NewRootCmdWithGlobals(child)
	root.SetArgs(argv)
	err := root.ExecuteContext(ctx)
	if perr := child.Finish(); err == nil {
		err = perr
	}
	return childRun{code: cli.CodeOf(err), msg: cli.Message(err)}
}
