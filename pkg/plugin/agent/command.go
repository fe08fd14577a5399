package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/pflag"
)

// Command declares one thing the plugin runs on a node, once: O is its
// options (plain data, carried as JSON), R its report (printed as JSON on
// stdout). Declare it as a package variable of its domain and Register it
// in that package's init.
type Command[O, R any] struct {
	// Name is the subcommand: `kubectl-akash agent NAME`.
	Name string
	// Short is its one-line help.
	Short string
	// Defaults are the options before --options is applied: the whole of
	// them when the agent is run by hand without it.
	Defaults O
	// Flags, when set, binds flags into the options for a person running the
	// agent by hand; --options, applied after them, wins. The plugin itself
	// passes only --options.
	Flags func(fs *pflag.FlagSet, o *O)
	// Run runs on the node (and with --local, on this machine). An error
	// means no report: the agent exits ExitError with it on stderr.
	Run func(ctx context.Context, env Env, o O) (R, error)
	// Exit is the agent's exit code for a report (nil: 0). A non-zero code
	// it gives (never ExitError) still carries the report, which Decode
	// then reads.
	Exit func(R) int
	// Kind, when set, is the "kind" every report of this command carries;
	// Decode refuses an answer of another kind (any JSON object decodes
	// into a struct).
	Kind string
	// Valid, when set, says whether a decoded answer is really this report,
	// for reports without a kind.
	Valid func(R) error
	// Raw commands print no report (the host shell, the pod's pause): Run's
	// report is ignored and nothing is written to stdout.
	Raw bool
}

// Argv is this command's command line in a debug pod (see Argv).
func (c *Command[O, R]) Argv(o O) []string { return Argv(c.Name, o) }

// Decode reads one node's answer: the report, or why there is none. A run
// that failed keeps its own error (the pod did not start, the agent exited
// non-zero), unless the agent exited with a report by its Exit policy; an
// answer that is not this report is a NotReportError.
func (c *Command[O, R]) Decode(a Answer) (R, error) {
	var zero, r R
	if a.Err != nil && (c.Exit == nil || a.ExitCode <= ExitError) {
		return zero, a.Err
	}
	err := json.Unmarshal(a.Stdout, &r)
	if err == nil && c.Kind != "" {
		var k struct {
			Kind string `json:"kind"`
		}
		_ = json.Unmarshal(a.Stdout, &k) // it decoded as R just above
		if k.Kind != c.Kind {
			err = fmt.Errorf("kind %q, not %s", k.Kind, c.Kind)
		}
	}
	if err == nil && c.Valid != nil {
		err = c.Valid(r)
	}
	switch {
	case err == nil:
		return r, nil
	case a.Err != nil:
		return zero, a.Err
	default:
		return zero, &NotReportError{Command: c.Name, Why: err, Stdout: a.Stdout}
	}
}

// Info names a registered command.
func (c *Command[O, R]) Info() Info { return Info{Name: c.Name, Short: c.Short} }

// Bind adds the command's own flags to fs and returns how to run it once
// the flags are parsed: decode --options over the defaults, run, print.
func (c *Command[O, R]) Bind(fs *pflag.FlagSet) Runner {
	o := c.Defaults
	if c.Flags != nil {
		c.Flags(fs, &o)
	}
	return func(ctx context.Context, env Env, options string, out io.Writer) (int, error) {
		if options != "" {
			if err := json.Unmarshal([]byte(options), &o); err != nil {
				return ExitError, fmt.Errorf("--%s is not the JSON of agent %s's options: %v", OptionsFlag, c.Name, err)
			}
		}
		r, err := c.Run(ctx, env, o)
		switch {
		case err != nil:
			return ExitError, err
		case c.Raw:
			return 0, nil
		}
		if err := json.NewEncoder(out).Encode(r); err != nil {
			return ExitError, err
		}
		if c.Exit == nil {
			return 0, nil
		}
		return c.Exit(r), nil
	}
}

// Info is what the agent command needs to list a subcommand.
type Info struct {
	Name  string
	Short string
}

// Runner runs a bound command on env with the --options JSON, writes its
// report to out, and returns the agent's exit code.
type Runner func(ctx context.Context, env Env, options string, out io.Writer) (int, error)

// Declared is a Command of any options and report, as the registry holds it.
type Declared interface {
	Info() Info
	Bind(fs *pflag.FlagSet) Runner
}
