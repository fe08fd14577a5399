package cli

import (
	"errors"
	"fmt"
)

// Exit codes, documented in the README. Check commands use Findings so a
// CronJob or a monitor can tell "something to look at" from "the tool failed".
const (
	ExitOK       = 0 // success, nothing found
	ExitFailure  = 1 // the command failed, or an object's action failed
	ExitFindings = 3 // a check found something (dangling leases, zombies, expiring certificates, ...)
)

// ExitError is an error that carries the process exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit code %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Silent wraps a code with no message: the output already said everything
// (e.g. findings were printed, or per-object failures are in the table).
func Silent(code int) error { return &ExitError{Code: code} }

// CodeOf returns the exit code for err: 0 for nil, the carried code for an
// ExitError, ExitFailure otherwise.
func CodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitFailure
}

// Message returns what to print for err, or "" when nothing should be printed.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var e *ExitError
	if errors.As(err, &e) && e.Err == nil {
		return ""
	}
	return err.Error()
}
