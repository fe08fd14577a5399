package chain

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/bounded"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/interrupt"
)

// Output is what one CLI invocation printed and how it exited.
type Output struct {
	Stdout   string
	Stderr   string
	ExitCode int
}

// Runner runs one provider-services command line where the provider's key
// is. Run returns an error only when the command could not be run at all
// (exec refused, pod gone, binary missing); a command that ran and exited
// non-zero is an Output with its ExitCode, because its stderr says why.
type Runner interface {
	Run(ctx context.Context, argv []string) (Output, error)
	// CommandLine is argv as the exact command an operator would type to do
	// the same by hand; --dry-run=client prints it.
	CommandLine(argv []string) string
}

// LocalRunner runs a provider-services binary on this machine, with this
// process's environment (AKASH_NODE, AKASH_FROM, AKASH_KEYRING_BACKEND, ...):
// the --via-cli path, for operators who keep the provider key off-cluster.
type LocalRunner struct {
	// Binary replaces argv[0] (a path or a name looked up in PATH).
	Binary string
}

// Run executes the binary and captures its output.
func (r LocalRunner) Run(ctx context.Context, argv []string) (Output, error) {
	if len(argv) == 0 {
		return Output{}, errors.New("no command to run")
	}
	cmd := exec.CommandContext(ctx, r.binary(argv), argv[1:]...)
	stdout, stderr := bounded.NewBuffer(Program+"'s output", bounded.Output), bounded.NewBuffer(Program+"'s error output", bounded.Output)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Its own process group: a Ctrl-C typed on the terminal must not kill a
	// transaction the first Ctrl-C lets finish (package interrupt).
	err := interrupt.Run(ctx, cmd)
	out := Output{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() >= 0 {
		out.ExitCode = exitErr.ExitCode()
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("running %s: %w", r.binary(argv), err)
	}
	return out, nil
}

// CommandLine is the local command line.
func (r LocalRunner) CommandLine(argv []string) string {
	if len(argv) == 0 {
		return ""
	}
	return shellJoin(append([]string{r.binary(argv)}, argv[1:]...))
}

func (r LocalRunner) binary(argv []string) string {
	if r.Binary != "" {
		return r.Binary
	}
	return argv[0]
}

// shellJoin quotes each word for a POSIX shell when it needs it, so a
// printed command line can be pasted as is.
func shellJoin(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	return strings.Join(quoted, " ")
}

func shellQuote(w string) string {
	if w == "" {
		return "''"
	}
	safe := true
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,@%+", r)) {
			safe = false
			break
		}
	}
	if safe {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
