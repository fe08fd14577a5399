package leaseclose

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// maxInput bounds what -f reads: a lease list of a big provider is a few
// megabytes; anything far larger is not a lease list.
const maxInput = 64 << 20

// Input is what -f holds: its leases in order, each once, with those the
// command that produced the input decided not to act on marked as dropped.
type Input struct {
	Leases []InputLease
}

// InputLease is one lease of the input.
type InputLease struct {
	ID akash.LeaseID
	// Where is the lease's place in the input: "$.items[3]", "line 7".
	Where string
	// Dropped, when set, is the outcome the input recorded for the lease
	// that keeps it from being taken.
	Dropped *Verdict
}

// Verdict is an outcome an input object carries.
type Verdict struct {
	// Result is the result name (Skipped, Failed, ...).
	Result string
	// Message is the reason given with it, if any.
	Message string
}

// Results an input object may carry that let its lease be taken: the
// producing command planned to act on it (Planned, a rehearsal's DryRun)
// or did (Succeeded). Every other result name — Skipped, Refused, Unknown,
// Failed, Conflict, Forbidden, Invalid, NotFound, or one this version does
// not know — means it decided not to, or could not, and the lease is not
// taken. An object without any outcome (leases list, a Manifest, plain
// lines) is taken.
var takenResults = map[string]bool{"Planned": true, "DryRun": true, "Succeeded": true}

// knownResults are the result names a plain string .status is read as;
// any other string there (a helm release's "deployed") is not an outcome.
var knownResults = map[string]bool{
	"Planned": true, "DryRun": true, "Succeeded": true, "Skipped": true, "Refused": true, "Unknown": true,
	"NotFound": true, "Conflict": true, "Forbidden": true, "Invalid": true, "Failed": true,
}

// IDs are the leases to take, in input order.
func (in Input) IDs() []akash.LeaseID {
	var out []akash.LeaseID
	for _, l := range in.Leases {
		if l.Dropped == nil {
			out = append(out, l.ID)
		}
	}
	return out
}

// DroppedLeases are the leases not taken, in input order.
func (in Input) DroppedLeases() []InputLease {
	var out []InputLease
	for _, l := range in.Leases {
		if l.Dropped != nil {
			out = append(out, l)
		}
	}
	return out
}

// Reason says why a dropped lease is not taken, for its row and stderr.
func (l InputLease) Reason() string {
	if l.Dropped == nil {
		return ""
	}
	s := "the input records " + l.Dropped.Result
	if l.Dropped.Message != "" {
		s += " (" + l.Dropped.Message + ")"
	}
	return s
}

// Warn writes one line per dropped lease to w.
func (in Input) Warn(w io.Writer, name string) {
	for _, l := range in.DroppedLeases() {
		fmt.Fprintf(w, "warning: -f %s: %s: lease %s not taken: %s\n", name, l.Where, l.ID, l.Reason())
	}
}

// NothingLeft is the error of an input that leaves nothing to do because
// the leases in it failed or were refused where it came from: the operator
// most likely meant to retry them, and closing nothing must not look like
// success. An input whose leases were all deliberately Skipped (e.g.
// protected by --exclude-owner) leaves nothing to do and is no error.
func (in Input) NothingLeft(name string) error {
	if len(in.IDs()) > 0 {
		return nil
	}
	failed := 0
	for _, l := range in.DroppedLeases() {
		if l.Dropped.Result != "Skipped" {
			failed++
		}
	}
	if failed == 0 {
		return nil
	}
	return fmt.Errorf("-f %s: nothing to close: %d lease(s) failed or were refused in the command that produced the input (see the warnings); run that command again to plan them afresh", name, failed)
}

// ReadInput reads the leases of a -f input. It accepts:
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
// A lease inside an object whose .status records an outcome other than
// Planned, DryRun or Succeeded (see takenResults) is returned as dropped:
// the command that produced it decided not to act on it. A lease that
// appears more than once is dropped if any appearance is.
//
// Numbers are read exactly (a dseq is a 64-bit block height, beyond what a
// float holds) and addresses are lower-cased.
//
// An empty list (`{"kind":"LeaseList","items":[]}`, `[]`) is zero leases,
// so a pipeline that finds nothing closes nothing and succeeds. Anything
// else without a lease ID is an error, as is any malformed lease ID: the
// whole input is refused, nothing is closed.
func ReadInput(r io.Reader, name string) (Input, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return Input{}, fmt.Errorf("-f %s: %w", name, err)
	}
	if len(raw) > maxInput {
		return Input{}, fmt.Errorf("-f %s: more than %d MiB: not a lease list", name, maxInput>>20)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return Input{}, fmt.Errorf("-f %s: the input is empty: want the -o json|yaml output of a kubectl akash command, or lines of owner/dseq/gseq/oseq/provider", name)
	}
	var c collector
	docs, structured, notYAML, err := decode(raw)
	switch {
	case err != nil:
		return Input{}, fmt.Errorf("-f %s: %w", name, err)
	case structured:
		for _, d := range docs {
			if err := c.walk(d, "$", nil); err != nil {
				return Input{}, fmt.Errorf("-f %s: %w", name, err)
			}
		}
	default:
		if err := c.lines(raw); err != nil {
			// Input that breaks the YAML parser and whose lines before
			// the bad one were no lease IDs was meant as YAML: its
			// syntax error is the one to fix.
			if notYAML != nil && len(c.leases) == 0 {
				return Input{}, fmt.Errorf("-f %s: not valid YAML (%v), nor lines of owner/dseq/gseq/oseq/provider", name, notYAML)
			}
			return Input{}, fmt.Errorf("-f %s: %w", name, err)
		}
	}
	if len(c.leases) == 0 && !c.emptyList {
		return Input{}, fmt.Errorf("-f %s: no lease IDs found: want the -o json|yaml output of a kubectl akash command (objects with .spec.leaseID), or lines of owner/dseq/gseq/oseq/provider", name)
	}
	return Input{Leases: c.leases}, nil
}

// decode parses a JSON stream (one or more values) or a YAML stream
// (`---` separated) into values whose numbers are json.Number, so that no
// integer passes through a float. structured is false for input that is
// neither (plain lines), which is then read line by line; notYAML is then
// why its first document did not parse as YAML, if it did not, for
// ReadInput to report when the lines are not lease IDs either.
func decode(raw []byte) (docs []any, structured bool, notYAML, err error) {
	if docs, ok := decodeJSON(raw); ok {
		return docs, allStructured(docs), nil, nil
	}
	parts := bytes.Split(raw, []byte("\n---"))
	before := 0 // newlines of raw before parts[i]
	for i, part := range parts {
		start := before
		before += bytes.Count(part, []byte("\n")) + 1
		if len(bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(part), []byte("---")))) == 0 {
			continue
		}
		// The newlines before the document keep the parser's line
		// numbers those of the whole input.
		d, err := decodeYAML(append(bytes.Repeat([]byte("\n"), start), part...))
		if err != nil {
			if len(docs) == 0 {
				return nil, false, err, nil // perhaps plain lines
			}
			// A document that does not parse refuses the whole input:
			// closing the leases of the others would act on part of what
			// the operator meant.
			return nil, false, nil, fmt.Errorf("YAML document %d is not valid YAML: %w", i+1, err)
		}
		if d == nil {
			continue
		}
		if len(docs) == 0 && !allStructured([]any{d}) {
			return nil, false, nil, nil // a YAML scalar: plain lines
		}
		docs = append(docs, d)
	}
	return docs, len(docs) > 0, nil, nil
}

// decodeJSON reads raw as a stream of JSON values; ok is false when it is
// not one.
func decodeJSON(raw []byte) ([]any, bool) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var docs []any
	for {
		var d any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs, true
		}
		if err != nil {
			return nil, false
		}
		docs = append(docs, d)
	}
}

// decodeYAML converts one YAML document to JSON (integers stay integers)
// and reads that with exact numbers. Its error is the parser's, which
// names the line ("yaml: line 4: mapping values are not allowed in this
// context"), without the converter's prefix.
func decodeYAML(doc []byte) (any, error) {
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "error converting YAML to JSON: "))
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var d any
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	return d, nil
}

// allStructured is true when every document is a map or a list; a
// plain-text input parses as a string and is read as lines instead.
func allStructured(docs []any) bool {
	for _, d := range docs {
		switch d.(type) {
		case map[string]any, []any:
		default:
			return false
		}
	}
	return len(docs) > 0
}

type collector struct {
	leases    []InputLease
	index     map[akash.LeaseID]int
	emptyList bool
}

func (c *collector) add(id akash.LeaseID, where string, v *Verdict) error {
	if err := id.Validate(); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if c.index == nil {
		c.index = map[akash.LeaseID]int{}
	}
	if i, ok := c.index[id]; ok {
		if c.leases[i].Dropped == nil && v != nil {
			c.leases[i].Dropped, c.leases[i].Where = v, where
		}
		return nil
	}
	c.index[id] = len(c.leases)
	c.leases = append(c.leases, InputLease{ID: id, Where: where, Dropped: v})
	return nil
}

// walk visits every value; an object shaped like a lease ID is one, and is
// not looked into further. dropped is the verdict of the nearest enclosing
// object that records an outcome keeping its leases from being taken.
func (c *collector) walk(v any, where string, dropped *Verdict) error {
	switch t := v.(type) {
	case map[string]any:
		if looksLikeLeaseID(t) {
			id, err := leaseIDFrom(t)
			if err != nil {
				return fmt.Errorf("%s: malformed lease ID: %w", where, err)
			}
			return c.add(id, where, dropped)
		}
		if verdict, ok := outcomeOf(t); ok && !takenResults[verdict.Result] {
			dropped = &verdict // an outer verdict is never lifted by an inner one
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
			if err := c.walk(t[k], where+"."+k, dropped); err != nil {
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
				id, err := parseLine(s)
				if err != nil {
					return fmt.Errorf("%s: %w", at, err)
				}
				if err := c.add(id, at, dropped); err != nil {
					return err
				}
				continue
			}
			if err := c.walk(child, at, dropped); err != nil {
				return err
			}
		}
	}
	return nil
}

// outcomeOf reads the outcome an object's .status records, if any:
//   - .status.actions[].outcome.result (execute.Action): the first action
//     whose result does not let the lease be taken decides; otherwise the
//     object was planned or done;
//   - an empty .status.actions: the producer planned nothing (Skipped, with
//     its .status.note as the reason);
//   - .status.result, or .status itself when it is a plain result name.
func outcomeOf(obj map[string]any) (Verdict, bool) {
	switch st := obj["status"].(type) {
	case string:
		if knownResults[st] {
			return Verdict{Result: st}, true
		}
	case map[string]any:
		if r, ok := st["result"].(string); ok {
			m, _ := st["message"].(string)
			return Verdict{Result: r, Message: m}, true
		}
		actions, ok := st["actions"].([]any)
		if !ok {
			return Verdict{}, false
		}
		if len(actions) == 0 {
			// The producer listed what it would do, and it was nothing
			// (a dangling lease of unknown chain state, a bid kept by
			// --min-age): it decided not to act.
			m, _ := st["note"].(string)
			if m == "" {
				m = "the command that produced it planned nothing for it"
			}
			return Verdict{Result: string(execute.Skipped), Message: m}, true
		}
		var first *Verdict
		for _, a := range actions {
			am, _ := a.(map[string]any)
			if am == nil {
				continue
			}
			out := am
			if o, ok := am["outcome"].(map[string]any); ok {
				out = o
			}
			r, ok := out["result"].(string)
			if !ok {
				continue
			}
			m, _ := out["message"].(string)
			v := Verdict{Result: r, Message: m}
			if !takenResults[r] {
				return v, true
			}
			if first == nil {
				first = &v
			}
		}
		if first != nil {
			return *first, true
		}
	}
	return Verdict{}, false
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
		id, err := parseLine(strings.Trim(line, `"`))
		if err != nil {
			return fmt.Errorf("line %d is not a lease ID (%v): want the -o json|yaml output of a kubectl akash command, or lines of owner/dseq/gseq/oseq/provider", n, err)
		}
		if err := c.add(id, fmt.Sprintf("line %d", n), nil); err != nil {
			return err
		}
	}
	return sc.Err()
}

// parseLine reads owner/dseq/gseq/oseq/provider and normalises its
// addresses.
func parseLine(s string) (akash.LeaseID, error) {
	id, err := akash.ParseLeaseID(s)
	if err != nil {
		return akash.LeaseID{}, err
	}
	return normalize(id)
}

func normalize(id akash.LeaseID) (akash.LeaseID, error) {
	var err error
	if id.Owner, err = akash.NormalizeAddress(id.Owner); err != nil {
		return akash.LeaseID{}, fmt.Errorf("owner: %w", err)
	}
	if id.Provider, err = akash.NormalizeAddress(id.Provider); err != nil {
		return akash.LeaseID{}, fmt.Errorf("provider: %w", err)
	}
	return id, nil
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

// leaseIDFrom reads a lease-ID object: owner and provider are addresses,
// dseq/gseq/oseq are numbers or decimal strings (the chain API quotes
// dseq; YAML may quote anything). Each error names the field and says
// what is wrong with it.
func leaseIDFrom(m map[string]any) (akash.LeaseID, error) {
	var id akash.LeaseID
	for _, f := range []struct {
		name string
		dst  *string
	}{{"owner", &id.Owner}, {"provider", &id.Provider}} {
		s, ok := m[f.name].(string)
		if !ok {
			return akash.LeaseID{}, fmt.Errorf("%s is %s: want an akash1... address", f.name, describe(m[f.name]))
		}
		*f.dst = s
	}
	dseq, err := sequence("dseq", m["dseq"], 64)
	if err != nil {
		return akash.LeaseID{}, err
	}
	gseq, err := sequence("gseq", m["gseq"], 32)
	if err != nil {
		return akash.LeaseID{}, err
	}
	oseq, err := sequence("oseq", m["oseq"], 32)
	if err != nil {
		return akash.LeaseID{}, err
	}
	id.DSeq, id.GSeq, id.OSeq = dseq, uint32(gseq), uint32(oseq)
	if id.Owner == "" || id.Provider == "" {
		return id, id.Validate()
	}
	return normalize(id)
}

// sequence reads one of dseq/gseq/oseq exactly: a JSON integer of the
// given width, or a decimal string. 12.0 and 1.2e1 are 12; 12.5, -1 and
// anything beyond the width are refused with the reason.
func sequence(field string, v any, bits int) (uint64, error) {
	limit := uint64(math.MaxUint64) >> (64 - bits)
	var text string
	switch t := v.(type) {
	case json.Number:
		text = t.String()
	case string:
		u, err := strconv.ParseUint(t, 10, bits)
		switch {
		case err == nil:
			return u, nil
		case errors.Is(err, strconv.ErrRange):
			return 0, fmt.Errorf("%s %s is out of range: at most %d", field, t, limit)
		}
		return 0, fmt.Errorf("%s %q is not an unsigned decimal integer", field, t)
	default:
		return 0, fmt.Errorf("%s is %s: want a number or a decimal string", field, describe(v))
	}
	if u, err := strconv.ParseUint(text, 10, bits); err == nil {
		return u, nil
	}
	if strings.HasPrefix(text, "-") && strings.Trim(text, "-0.eE+") != "" {
		return 0, fmt.Errorf("%s %s is negative", field, text)
	}
	// Exponent and fraction forms: exact rational arithmetic, after
	// bounding the exponent so that 1e999999999 cannot exhaust memory.
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		if exp, err := strconv.Atoi(text[i+1:]); err != nil || exp > 40 || exp < -40 {
			return 0, fmt.Errorf("%s %s is out of range: at most %d", field, text, limit)
		}
	}
	r, ok := new(big.Rat).SetString(text)
	switch {
	case !ok:
		return 0, fmt.Errorf("%s %s is not a number", field, text)
	case !r.IsInt():
		return 0, fmt.Errorf("%s %s is not a whole number", field, text)
	case r.Sign() < 0:
		return 0, fmt.Errorf("%s %s is negative", field, text)
	case !r.Num().IsUint64() || r.Num().Uint64() > limit:
		return 0, fmt.Errorf("%s %s is out of range: at most %d", field, text, limit)
	}
	return r.Num().Uint64(), nil
}

// describe names a decoded JSON value for an error sentence without
// dumping it: numbers, booleans and null as they are, strings quoted,
// objects and lists by kind.
func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case string:
		return strconv.Quote(t)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("a %T", v)
}
