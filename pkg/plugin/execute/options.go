package execute

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/util/term"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/interrupt"
)

// DefaultFieldManager is recorded in managedFields of what the plugin changes.
const DefaultFieldManager = "kubectl-akash"

// Options are the flags every mutating command shares.
type Options struct {
	// Yes acts without asking.
	Yes bool
	// FieldManager names the plugin in managedFields.
	FieldManager string
	// DryRun is parsed from --dry-run by kubectl's own helper.
	DryRun cmdutil.DryRunStrategy
	// IsTerminal reports whether in is an interactive terminal; tests replace it.
	IsTerminal func(in io.Reader) bool
}

// NewOptions returns the defaults: ask before acting, no dry run.
func NewOptions() *Options {
	return &Options{
		FieldManager: DefaultFieldManager,
		IsTerminal:   func(in io.Reader) bool { return term.TTY{In: in}.IsTerminalIn() },
	}
}

// AddFlags binds --yes and --dry-run.
func (o *Options) AddFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Act without asking for confirmation (required when stdin is not a terminal).")
	cmdutil.AddDryRunFlag(cmd)
}

// AddFieldManagerFlag binds --field-manager, for the commands whose changes
// record a field manager (patches); a delete records none, so commands that
// only delete do not offer it.
func (o *Options) AddFieldManagerFlag(cmd *cobra.Command) {
	cmdutil.AddFieldManagerFlagVar(cmd, &o.FieldManager, DefaultFieldManager)
}

// Complete parses --dry-run: none, client or server. kubectl still takes a
// bare --dry-run or a boolean with a deprecation warning; here a rehearsal
// is always named, so those are refused.
func (o *Options) Complete(cmd *cobra.Command) error {
	f := cmd.Flags().Lookup("dry-run")
	if f == nil {
		return nil
	}
	switch v := f.Value.String(); v {
	case "none":
		o.DryRun = cmdutil.DryRunNone
	case "client":
		o.DryRun = cmdutil.DryRunClient
	case "server":
		o.DryRun = cmdutil.DryRunServer
	case f.NoOptDefVal:
		return errors.New("--dry-run needs a value: --dry-run=client (print what would be done) or --dry-run=server (the API server checks it, nothing is kept)")
	default:
		return fmt.Errorf("--dry-run=%s: want none, client or server", v)
	}
	return nil
}

// Validate checks the flags without I/O.
func (o *Options) Validate() error {
	if strings.TrimSpace(o.FieldManager) == "" {
		return errors.New("--field-manager must not be empty")
	}
	return nil
}

// DryRunName is "none", "client" or "server".
func (o *Options) DryRunName() string {
	switch o.DryRun {
	case cmdutil.DryRunClient:
		return "client"
	case cmdutil.DryRunServer:
		return "server"
	}
	return "none"
}

// ErrAborted is returned when the operator answers anything but y.
var ErrAborted = errors.New("aborted: nothing was changed")

// ErrNeedYes is returned when confirmation is needed but stdin is not a
// terminal (cron, CI, a pipe).
var ErrNeedYes = errors.New("refusing to change anything without confirmation: stdin is not a terminal, so pass --yes (or --dry-run=client|server to rehearse)")

// NeedsConfirmation reports whether Confirm will ask.
func (o *Options) NeedsConfirmation() bool {
	return o.DryRun == cmdutil.DryRunNone && !o.Yes
}

// ErrInterruptedAtPrompt is returned when Ctrl-C comes while the prompt
// waits for an answer.
var ErrInterruptedAtPrompt = &cli.ExitError{Code: interrupt.ExitCode, Err: errors.New("interrupted at the confirmation prompt: nothing was changed")}

// Confirm asks "Do you want to continue? (y/N)" on ErrOut and reads the
// answer from In, like `kubectl delete -i`. A dry run or --yes needs no
// answer; without a terminal it refuses. Ctrl-C while it waits aborts
// with nothing done (the read is abandoned, not waited for).
func (o *Options) Confirm(ctx context.Context, streams genericiooptions.IOStreams, question string) error {
	if !o.NeedsConfirmation() {
		return nil
	}
	if o.IsTerminal == nil || !o.IsTerminal(streams.In) {
		return ErrNeedYes
	}
	fmt.Fprintf(streams.ErrOut, "%s Do you want to continue? (y/N) ", question)
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(streams.In).ReadString('\n')
		ch <- answer{line, err}
	}()
	var a answer
	select {
	case <-ctx.Done():
		fmt.Fprintln(streams.ErrOut)
		return ErrInterruptedAtPrompt
	case a = <-ch:
	}
	if ctx.Err() != nil {
		return ErrInterruptedAtPrompt
	}
	if a.err != nil && a.line == "" {
		return ErrAborted
	}
	switch strings.ToLower(strings.TrimSpace(a.line)) {
	case "y", "yes":
		return nil
	}
	return ErrAborted
}
