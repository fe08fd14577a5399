package cmd

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// validateCase is one input of a Validate table of Options still built
// from cmd's Globals: set changes the defaults, want is the exact error
// ("" for none).
type validateCase[O any] struct {
	name string
	set  func(o O)
	want string
}

// validateTable is clitest.ValidateTable for Options built from cmd's
// Globals, with no cluster and no flags parsed.
func validateTable[O interface{ Validate() error }](t *testing.T, newOptions func(*Globals) O, cases []validateCase[O]) {
	t.Helper()
	table := make([]clitest.Case[O], len(cases))
	for i, c := range cases {
		table[i] = clitest.Case[O]{Name: c.name, Set: c.set, Want: c.want}
	}
	clitest.ValidateTable(t, func(*cli.Globals) O { return newOptions(&Globals{}) }, table)
}
