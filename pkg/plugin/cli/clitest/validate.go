// Package clitest holds what the Validate tests of every command share: a
// table of inputs and the exact sentence each must be refused with, run
// against Options built with empty Globals (no cluster, no flags parsed).
package clitest

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Case is one input of a Validate table: Set changes the defaults, Want is
// the exact error ("" for none).
type Case[O any] struct {
	Name string
	Set  func(o O)
	Want string
}

// ValidateTable runs Validate on options made by newOptions and changed by
// each case.
func ValidateTable[O interface{ Validate() error }](t *testing.T, newOptions func(*cli.Globals) O, cases []Case[O]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			o := newOptions(&cli.Globals{})
			tc.Set(o)
			WantError(t, o.Validate(), tc.Want)
		})
	}
}

// WantError fails t unless err is exactly want ("" for nil).
func WantError(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error; want %q", want)
	case want != "" && err.Error() != want:
		t.Fatalf("error:\n  %s\nwant:\n  %s", err, want)
	}
}
