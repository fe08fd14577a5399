package leaseclose

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// maxInput bounds what -f reads: a lease list of a big provider is a few
// megabytes; anything far larger is not a lease list.
const maxInput = 64 << 20

// ReadLeaseIDs reads the lease IDs of a -f input, in order and without
// duplicates. It accepts:
//
//   - the JSON or YAML output of any kubectl-akash command (`-o json|yaml`):
//     every object that has owner, dseq, gseq, oseq and provider is a lease
//     ID wherever it sits (.spec.leaseID of Lease and LeaseClose items, a
//     Manifest's spec.lease_id, a chain API's lease.id), so new result kinds
//     work without changes here;
//   - a JSON/YAML list of such objects, or of "owner/dseq/gseq/oseq/provider"
//     strings;
//   - plain lines of owner/dseq/gseq/oseq/provider (blank lines and # comments
//     skipped), e.g. from --jq.
//
// An empty list (`{"kind":"LeaseList","items":[]}`, `[]`) is zero leases,
// so a pipeline that finds nothing closes nothing and succeeds. Anything
// else without a lease ID is an error, as is any malformed lease ID: the
// whole input is refused, nothing is closed.
func ReadLeaseIDs(r io.Reader, name string) ([]akash.LeaseID, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("-f %s: %w", name, err)
	}
	if len(raw) > maxInput {
		return nil, fmt.Errorf("-f %s: more than %d MiB: not a lease list", name, maxInput>>20)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("-f %s: the input is empty: want the -o json|yaml output of a kubectl akash command, or lines of owner/dseq/gseq/oseq/provider", name)
	}
	var c collector
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err == nil && isStructured(doc) {
		docs, err := documents(raw)
		if err != nil {
			return nil, fmt.Errorf("-f %s: %w", name, err)
		}
		for _, d := range docs {
			if err := c.walk(d, "$"); err != nil {
				return nil, fmt.Errorf("-f %s: %w", name, err)
			}
		}
	} else if err := c.lines(raw); err != nil {
		return nil, fmt.Errorf("-f %s: %w", name, err)
	}
	if len(c.ids) == 0 && !c.emptyList {
		return nil, fmt.Errorf("-f %s: no lease IDs found: want the -o json|yaml output of a kubectl akash command (objects with .spec.leaseID), or lines of owner/dseq/gseq/oseq/provider", name)
	}
	return c.ids, nil
}

// isStructured is true for a map or a list; a plain-text input parses as
// a YAML string and is read as lines instead.
func isStructured(doc any) bool {
	switch doc.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// documents splits a YAML stream (`---` separated; JSON is one document).
// A document that does not parse refuses the whole input: closing the
// leases of the others would act on part of what the operator meant.
func documents(raw []byte) ([]any, error) {
	var out []any
	for i, part := range bytes.Split(raw, []byte("\n---")) {
		part = bytes.TrimPrefix(bytes.TrimSpace(part), []byte("---"))
		if len(bytes.TrimSpace(part)) == 0 {
			continue
		}
		var d any
		if err := yaml.Unmarshal(part, &d); err != nil {
			return nil, fmt.Errorf("YAML document %d: %w", i+1, err)
		}
		if d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

type collector struct {
	ids       []akash.LeaseID
	seen      map[string]bool
	emptyList bool
}

func (c *collector) add(id akash.LeaseID, where string) error {
	if err := id.Validate(); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	for _, a := range []string{id.Owner, id.Provider} {
		if err := akash.ValidateAddress(a); err != nil {
			return fmt.Errorf("%s: lease %s: %w", where, id, err)
		}
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if !c.seen[id.String()] {
		c.seen[id.String()] = true
		c.ids = append(c.ids, id)
	}
	return nil
}

// walk visits every value; an object shaped like a lease ID is one, and is
// not looked into further.
func (c *collector) walk(v any, where string) error {
	switch t := v.(type) {
	case map[string]any:
		if looksLikeLeaseID(t) {
			id, err := leaseIDFrom(t)
			if err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			return c.add(id, where)
		}
		if items, ok := t["items"].([]any); ok && len(items) == 0 {
			c.emptyList = true
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys) // map order is random; the plan's order must not be
		for _, k := range keys {
			if err := c.walk(t[k], where+"."+k); err != nil {
				return err
			}
		}
	case []any:
		if len(t) == 0 && where == "$" {
			c.emptyList = true
		}
		for i, child := range t {
			at := fmt.Sprintf("%s[%d]", where, i)
			if s, ok := child.(string); ok && where == "$" {
				id, err := akash.ParseLeaseID(s)
				if err != nil {
					return fmt.Errorf("%s: %w", at, err)
				}
				if err := c.add(id, at); err != nil {
					return err
				}
				continue
			}
			if err := c.walk(child, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// lines reads owner/dseq/gseq/oseq/provider, one per line.
func (c *collector) lines(raw []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64<<10), maxInput)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, err := akash.ParseLeaseID(strings.Trim(line, `"`))
		if err != nil {
			return fmt.Errorf("line %d is not a lease ID (%v): want the -o json|yaml output of a kubectl akash command, or lines of owner/dseq/gseq/oseq/provider", n, err)
		}
		if err := c.add(id, fmt.Sprintf("line %d", n)); err != nil {
			return err
		}
	}
	return sc.Err()
}

var leaseIDKeys = []string{"owner", "dseq", "gseq", "oseq", "provider"}

func looksLikeLeaseID(m map[string]any) bool {
	for _, k := range leaseIDKeys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// leaseIDFrom decodes a lease-ID object through akash.LeaseID's own JSON
// rules, accepting dseq/gseq/oseq as numbers or decimal strings (the chain
// API quotes dseq; YAML may quote anything).
func leaseIDFrom(m map[string]any) (akash.LeaseID, error) {
	var raw akash.ManifestLeaseID
	b, err := yaml.Marshal(m)
	if err == nil {
		err = yaml.Unmarshal(b, &raw)
	}
	if err != nil {
		return akash.LeaseID{}, fmt.Errorf("malformed lease ID %v: %w", m, err)
	}
	return raw.LeaseID()
}
