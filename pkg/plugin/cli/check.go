package cli

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/labels"
)

// FirstError runs flag checks in order and returns the first failure: most
// commands check the same flag groups (output, execution, chain) before any
// API call.
func FirstError(checks ...func() error) error {
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// ValidSelector checks a -l selector before any API call.
func ValidSelector(sel string) error {
	if _, err := labels.Parse(sel); err != nil {
		return fmt.Errorf("-l %q is not a valid label selector: %w", sel, err)
	}
	return nil
}

// SelectorCheck is ValidSelector as one of FirstError's checks.
func SelectorCheck(sel string) func() error {
	return func() error { return ValidSelector(sel) }
}

// NotNegative is one of FirstError's checks: a duration flag (an age, a
// window) that must not be negative.
func NotNegative(flag string, d time.Duration) func() error {
	return func() error {
		if d < 0 {
			return fmt.Errorf("%s must not be negative, got %s", flag, d)
		}
		return nil
	}
}

// CountTrue counts how many of bs hold: how many of several exclusive ways
// (of choosing nodes, say) were used.
func CountTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
