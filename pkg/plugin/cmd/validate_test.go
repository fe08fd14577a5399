package cmd

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// validateCase is one input of a Validate table of Options still built
// from cmd's Globals (clitest.Case).
type validateCase[O any] = clitest.Case[O]

// validateTable is clitest.ValidateTable for Options built from cmd's
// Globals, with no cluster and no flags parsed.
func validateTable[O interface{ Validate() error }](t *testing.T, newOptions func(*Globals) O, cases []validateCase[O]) {
	t.Helper()
	clitest.ValidateTable(t, func(*cli.Globals) O { return newOptions(&Globals{}) }, cases)
}
