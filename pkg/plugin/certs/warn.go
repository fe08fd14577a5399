package certs

import (
	"fmt"
	"time"
)

// ParseWarn reads a warning window as operators write it (certs check's
// --warn, doctor's --cert-warn): a number of days ("30d") or a Go
// duration; "" and "0" are none.
func ParseWarn(s string) (time.Duration, error) {
	if s == "" || s == "0" {
		return 0, nil
	}
	var days int
	if n, err := fmt.Sscanf(s, "%dd", &days); err == nil && n == 1 && fmt.Sprintf("%dd", days) == s {
		if days < 0 {
			return 0, fmt.Errorf("--warn must not be negative, got %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--warn takes days (30d) or a duration (720h), got %q", s)
	}
	return d, nil
}
