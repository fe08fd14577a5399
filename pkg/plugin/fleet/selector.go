package fleet

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// selector is one parsed context pattern.
type selector struct {
	exclude bool
	name    string         // exact name, when re is nil
	re      *regexp.Regexp // /PATTERN/
}

// parseSelector reads NAME, /PATTERN/, ^NAME or ^/PATTERN/.
func parseSelector(s string) (selector, error) {
	var sel selector
	body := s
	if rest, ok := strings.CutPrefix(body, "^"); ok {
		sel.exclude, body = true, rest
	}
	if body == "" {
		return sel, fmt.Errorf("--contexts %q: want a context name, /regex/, ^name or ^/regex/", s)
	}
	if len(body) >= 2 && strings.HasPrefix(body, "/") && strings.HasSuffix(body, "/") {
		expr := body[1 : len(body)-1]
		if expr == "" {
			return sel, fmt.Errorf("--contexts %q: the regular expression between the slashes is empty", s)
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return sel, fmt.Errorf("--contexts %q is not a valid regular expression: %w", s, err)
		}
		sel.re = re
		return sel, nil
	}
	if strings.HasPrefix(body, "/") {
		return sel, fmt.Errorf("--contexts %q: a regular expression is written /PATTERN/, with both slashes", s)
	}
	sel.name = body
	return sel, nil
}

func (s selector) matches(name string) bool {
	if s.re != nil {
		return s.re.MatchString(name)
	}
	return s.name == name
}

// Select returns the contexts the patterns choose, in the order the patterns
// name them (a regular expression adds its matches in the order of known).
// Without any including pattern every known context is the start, so
// "^dev" alone means every context but dev. An exact name that is not known
// is kept: the run of that context reports it, as one failed context among
// the others. A selection of nothing is an error.
func Select(known []string, patterns []string) ([]string, error) {
	var sels []selector
	includes := false
	for _, p := range patterns {
		s, err := parseSelector(p)
		if err != nil {
			return nil, err
		}
		sels = append(sels, s)
		includes = includes || !s.exclude
	}
	var out []string
	add := func(name string) {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if !includes {
		for _, k := range known {
			add(k)
		}
	}
	for _, s := range sels {
		switch {
		case s.exclude:
		case s.re != nil:
			for _, k := range known {
				if s.matches(k) {
					add(k)
				}
			}
		default:
			add(s.name)
		}
	}
	out = slices.DeleteFunc(out, func(name string) bool {
		return slices.ContainsFunc(sels, func(s selector) bool { return s.exclude && s.matches(name) })
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("--contexts %s selects no context (the kubeconfig has: %s)", strings.Join(patterns, ","), orNone(known))
	}
	return out, nil
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
