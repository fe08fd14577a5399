package chain

import (
	"context"
	"errors"
	"testing"
)

// TestCLIFailuresAreErrorsNeverStates checks that only provider-services'
// own answer (it ran and said "not found") makes a lease NotFound: a pod
// that is gone, a missing binary or output that is not JSON are errors, and
// the lease stays unknown.
func TestCLIFailuresAreErrorsNeverStates(t *testing.T) {
	cases := map[string]*recorder{
		"runner fails":    {err: errors.New(`pods "akash-provider-0" not found`)},
		"binary missing":  {err: errors.New(`exec: "provider-services": executable file not found in $PATH`)},
		"not JSON":        {answers: []Output{{Stdout: "lease not found, maybe"}}},
		"other exit code": {answers: []Output{{ExitCode: 1, Stderr: "rpc error: connection refused"}}},
	}
	for name, r := range cases {
		src := &CLISource{Runner: r, Where: "here"}
		if st, err := src.Lease(context.Background(), lease); err == nil {
			t.Errorf("%s: state %q, want an error", name, st.State)
		}
	}
	src := &CLISource{Runner: &recorder{answers: []Output{{ExitCode: 1, Stderr: "Error: rpc error: code = NotFound desc = lease not found: key not found"}}}, Where: "here"}
	st, err := src.Lease(context.Background(), lease)
	if err != nil || st.State != StateNotFound || st.ID != lease {
		t.Fatalf("the CLI's own not found: %+v, %v", st, err)
	}
}

// TestCLIReclaimingOnOldChains checks that a chain that rejects the
// reclaiming state is listed without it, while output that merely fails
// to parse is an error.
func TestCLIReclaimingOnOldChains(t *testing.T) {
	empty := Output{Stdout: `{"leases":[],"pagination":{"next_key":null}}`}
	old := &recorder{answers: []Output{empty, empty, {ExitCode: 1, Stderr: "Error: invalid lease state: reclaiming"}}}
	if _, err := (&CLISource{Runner: old, Where: "here"}).OpenLeases(context.Background(), provider); err != nil {
		t.Fatalf("old chain: %v", err)
	}
	garbled := &recorder{answers: []Output{empty, empty, {Stdout: "invalid{"}}}
	if _, err := (&CLISource{Runner: garbled, Where: "here"}).OpenLeases(context.Background(), provider); err == nil {
		t.Fatal("garbled output for reclaiming passed as an old chain")
	}
}
