package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronField is one field of a standard five-field cron expression.
type cronField struct {
	name     string
	min, max int
	names    []string // JAN.. or SUN..: names[i] is the value i+nameBase
	nameBase int
}

var cronFields = []cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}, nameBase: 1},
	{name: "day of week", min: 0, max: 6, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

var cronDescriptors = map[string]bool{
	"@yearly": true, "@annually": true, "@monthly": true, "@weekly": true, "@daily": true, "@midnight": true, "@hourly": true,
}

// ValidateCron checks a CronJob schedule the way the API server reads it
// (standard five fields: minute hour day-of-month month day-of-week, with
// *, ranges, steps, lists, month and weekday names, ? (as *),
// and the @hourly/@daily/... and @every <duration> descriptors), so a typo is reported before any
// manifest is printed instead of when it is applied. Time zones belong in
// the CronJob's timeZone field, not in the expression.
func ValidateCron(expr string) error {
	e := strings.TrimSpace(expr)
	if e == "" {
		return fmt.Errorf("--schedule needs a cron expression, e.g. '*/5 * * * *'")
	}
	if strings.HasPrefix(e, "TZ=") || strings.HasPrefix(e, "CRON_TZ=") {
		return fmt.Errorf("--schedule %q: a time zone is not part of the expression (the CronJob runs in the controller-manager's time zone)", expr)
	}
	if strings.HasPrefix(e, "@") {
		if cronDescriptors[e] {
			return nil
		}
		if d, ok := strings.CutPrefix(e, "@every "); ok {
			if v, err := time.ParseDuration(strings.TrimSpace(d)); err != nil || v <= 0 {
				return fmt.Errorf("--schedule %q: @every needs a positive duration such as 5m", expr)
			}
			return nil
		}
		return fmt.Errorf("--schedule %q: unknown descriptor (want @hourly, @daily, @weekly, @monthly, @yearly or five fields)", expr)
	}
	fields := strings.Fields(e)
	if len(fields) != 5 {
		return fmt.Errorf("--schedule %q: want 5 fields (minute hour day-of-month month day-of-week), got %d", expr, len(fields))
	}
	for i, f := range fields {
		if err := cronFields[i].validate(f); err != nil {
			return fmt.Errorf("--schedule %q: %s field %q: %v", expr, cronFields[i].name, f, err)
		}
	}
	return nil
}

func (c cronField) validate(field string) error {
	for _, part := range strings.Split(field, ",") {
		if err := c.validatePart(part); err != nil {
			return err
		}
	}
	return nil
}

// validatePart checks one list element: *, ?, N, A-B, each optionally /STEP.
func (c cronField) validatePart(part string) error {
	rng, step, hasStep := strings.Cut(part, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n <= 0 {
			return fmt.Errorf("step %q must be a positive integer", step)
		}
	}
	switch rng {
	case "*", "?": // the API server's parser takes ? as * in any field
		return nil
	case "":
		return fmt.Errorf("empty value")
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	a, err := c.value(lo)
	if err != nil {
		return err
	}
	if !isRange {
		return nil
	}
	b, err := c.value(hi)
	if err != nil {
		return err
	}
	if a > b {
		return fmt.Errorf("range %s starts after it ends", rng)
	}
	return nil
}

func (c cronField) value(s string) (int, error) {
	for i, n := range c.names {
		if strings.EqualFold(s, n) {
			return i + c.nameBase, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if v < c.min || v > c.max {
		return 0, fmt.Errorf("%d is outside %d-%d", v, c.min, c.max)
	}
	return v, nil
}
