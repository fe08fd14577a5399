package fleet

import (
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Print prints the fleet's answer and returns its exit status: with out
// (the operator's -o), the merged list or table; without (a command that
// has no -o), each context's text behind its name.
func Print(stdout, stderr io.Writer, out *output.Flags, outcomes []Outcome) error {
	if out == nil {
		return PrintText(stdout, outcomes)
	}
	answer, err := Merge(outcomes, out.Format() == "wide")
	if err != nil {
		return err
	}
	if !out.Human() {
		PrintFailures(stderr, outcomes)
	}
	switch {
	case out.Human() && answer.Table == nil:
		fmt.Fprintf(stderr, "Nothing found in %d context(s).\n", len(outcomes))
	case out.Human():
		if err := out.PrintTable(stdout, func() *output.Table { return output.FromTable(answer.Table) }); err != nil {
			return err
		}
	default:
		if err := out.Print(stdout, answer.List, nil); err != nil {
			return err
		}
	}
	return exit(answer.Code)
}

// PrintFailures names each failed context and why on stderr (a table shows
// them as rows instead).
func PrintFailures(w io.Writer, outcomes []Outcome) {
	for _, o := range outcomes {
		if o.Failed() && o.Message != "" {
			fmt.Fprintf(w, "error: context %s: %s\n", o.Context, Reason(o))
		}
	}
}

// PrintText prints what commands without -o printed, each line behind its
// context (as kubectl foreach does), and returns the fleet's exit status.
func PrintText(w io.Writer, outcomes []Outcome) error {
	code := cli.ExitOK
	for _, o := range outcomes {
		prefixLines(w, o.Stdout, o.Context+" | ")
		switch {
		case o.Failed():
			fmt.Fprintf(w, "%s | error: %s\n", o.Context, Reason(o))
			code = cli.ExitFailure
		case o.Code == cli.ExitFindings && code == cli.ExitOK:
			code = cli.ExitFindings
		}
	}
	return exit(code)
}

// prefixLines copies text to w, each non-empty line behind prefix.
func prefixLines(w io.Writer, text []byte, prefix string) {
	for _, line := range strings.Split(strings.TrimRight(string(text), "\n"), "\n") {
		if line != "" {
			fmt.Fprintf(w, "%s%s\n", prefix, line)
		}
	}
}

// exit is the error that ends the command with code (nil for success):
// what went wrong is printed already.
func exit(code int) error {
	if code == cli.ExitOK {
		return nil
	}
	return cli.Silent(code)
}
