package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
)

// -o json used to go the way of every cli-runtime printer: the result
// marshalled, decoded again into an unstructured map, deep-copied to drop
// managedFields, encoded from the map and indented — five passes over a list
// of thousands of leases, most of `leases list -o json`'s CPU. writeJSON
// writes the same bytes from the one marshalled form: it walks it once,
// sorts each object's keys as the map encoding does, renders numbers and
// escapes as the round trip through the map would, and indents as
// json.MarshalIndent does. What it cannot mirror exactly (a result without a
// kind, a list item that is not an object, a repeated key) it leaves to the
// printer: errFallback.

// errFallback: the result is one writeJSON does not render; print it the
// long way.
var errFallback = errors.New("not rendered by the direct JSON writer")

// jsonValue is one value of a marshalled result: an object (members), an
// array (elems) or a scalar already rendered as the printer would (raw).
type jsonValue struct {
	kind    byte // '{', '[' or 0 for a scalar
	raw     []byte
	members []jsonMember
	elems   []jsonValue
}

// jsonMember is one key of an object: key is the decoded key (the map
// encoding sorts by it; a slice of keyRaw unless the key has an escape),
// keyRaw its rendering.
type jsonMember struct {
	key    []byte
	keyRaw []byte
	val    jsonValue
}

// writeJSON writes result as the -o json printer would, omitting the
// managedFields of the result (each item of a list) unless showManaged.
func writeJSON(w io.Writer, result any, showManaged bool) error {
	raw, err := json.Marshal(result)
	if err != nil {
		return errFallback // the long way says what went wrong, its way
	}
	p := jsonParser{b: raw}
	v, err := p.value()
	if err != nil || p.skipSpace() != len(raw) {
		return errFallback
	}
	if err := v.asPrinted(showManaged); err != nil {
		return err
	}
	// Written as it is rendered: the indented text is half as big again as
	// what was marshalled, and need not be held whole.
	bw := bufio.NewWriterSize(w, 64<<10)
	v.writeIndented(bw, 0)
	_ = bw.WriteByte('\n')
	return bw.Flush()
}

// asPrinted applies to the top-level value what the conversion to
// unstructured and the managedFields printer do, or says errFallback.
func (v *jsonValue) asPrinted(showManaged bool) error {
	if v.kind != '{' || v.stringMember("kind") == "" {
		return errFallback // the printer's own error: no kind
	}
	items := v.member("items")
	if items == nil {
		if !showManaged {
			v.dropManagedFields()
		}
		return nil
	}
	// A list: items null reads as none; each item must be an object, and
	// one with neither kind nor apiVersion gets the list's, as the
	// unstructured list decoding does.
	switch items.kind {
	case '[':
	case 0:
		if string(items.raw) != "null" {
			return errFallback
		}
		*items = jsonValue{kind: '['}
	default:
		return errFallback
	}
	itemKind := strings.TrimSuffix(v.stringMember("kind"), "List")
	apiVersion := v.stringMember("apiVersion")
	for i := range items.elems {
		it := &items.elems[i]
		if it.kind != '{' {
			return errFallback
		}
		if it.stringMember("kind") == "" && it.stringMember("apiVersion") == "" {
			it.set("kind", itemKind)
			it.set("apiVersion", apiVersion)
		}
		if !showManaged {
			it.dropManagedFields()
		}
	}
	return nil
}

// member is the value of key in an object, or nil.
func (v *jsonValue) member(key string) *jsonValue {
	for i := range v.members {
		if string(v.members[i].key) == key {
			return &v.members[i].val
		}
	}
	return nil
}

// stringMember is the string value of key, "" when it is missing or not a
// string (as unstructured's getters read it).
func (v *jsonValue) stringMember(key string) string {
	m := v.member(key)
	if m == nil || m.kind != 0 || len(m.raw) == 0 || m.raw[0] != '"' {
		return ""
	}
	s, err := unquote(m.raw)
	if err != nil {
		return ""
	}
	return s
}

// set sets key to the string s, in its sorted place.
func (v *jsonValue) set(key, s string) {
	raw, _ := json.Marshal(s)
	if m := v.member(key); m != nil {
		*m = jsonValue{raw: raw}
		return
	}
	keyRaw, _ := json.Marshal(key)
	i, _ := slices.BinarySearchFunc(v.members, key, func(m jsonMember, k string) int { return strings.Compare(string(m.key), k) })
	v.members = slices.Insert(v.members, i, jsonMember{key: []byte(key), keyRaw: keyRaw, val: jsonValue{raw: raw}})
}

// dropManagedFields removes metadata.managedFields from an object.
func (v *jsonValue) dropManagedFields() {
	md := v.member("metadata")
	if md == nil || md.kind != '{' {
		return
	}
	md.members = slices.DeleteFunc(md.members, func(m jsonMember) bool { return string(m.key) == "managedFields" })
}

// writeIndented renders v as json.MarshalIndent(v, "", "    ") does; a
// write error is the Flush's.
func (v *jsonValue) writeIndented(w *bufio.Writer, depth int) {
	switch v.kind {
	case '{':
		writeSeq(w, depth, '{', '}', len(v.members), func(i int) {
			_, _ = w.Write(v.members[i].keyRaw)
			_, _ = w.WriteString(": ")
			v.members[i].val.writeIndented(w, depth+1)
		})
	case '[':
		writeSeq(w, depth, '[', ']', len(v.elems), func(i int) { v.elems[i].writeIndented(w, depth+1) })
	default:
		_, _ = w.Write(v.raw)
	}
}

// writeSeq writes the n members or elements of an object or array between
// open and closing, one per indented line, as json.MarshalIndent does; an
// empty one is written as the two brackets.
func writeSeq(w *bufio.Writer, depth int, open, closing byte, n int, item func(i int)) {
	_ = w.WriteByte(open)
	for i := range n {
		if i > 0 {
			_ = w.WriteByte(',')
		}
		newline(w, depth+1)
		item(i)
	}
	if n > 0 {
		newline(w, depth)
	}
	_ = w.WriteByte(closing)
}

func newline(w *bufio.Writer, depth int) {
	_ = w.WriteByte('\n')
	for range depth {
		_, _ = w.WriteString("    ")
	}
}

// jsonParser reads what json.Marshal wrote: valid, compact JSON. The
// members and elements of the objects and arrays being read pile up on
// members and elems, and each gets a slice of its exact size when it ends:
// a list of thousands of leases is read without growing a slice per object.
type jsonParser struct {
	b       []byte
	i       int
	members []jsonMember
	elems   []jsonValue
}

func (p *jsonParser) skipSpace() int {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\n' || p.b[p.i] == '\t' || p.b[p.i] == '\r') {
		p.i++
	}
	return p.i
}

func (p *jsonParser) value() (jsonValue, error) {
	if p.skipSpace() >= len(p.b) {
		return jsonValue{}, errFallback
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		raw, err := p.str()
		return jsonValue{raw: raw}, err
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.b[p.i:], []byte(lit)) {
				p.i += len(lit)
				return jsonValue{raw: []byte(lit)}, nil
			}
		}
		return jsonValue{}, errFallback
	default:
		return p.number()
	}
}

func (p *jsonParser) object() (jsonValue, error) {
	p.i++ // {
	v := jsonValue{kind: '{'}
	if p.closes('}') {
		return v, nil
	}
	mark := len(p.members)
	defer func() { p.members = p.members[:mark] }()
	for {
		if p.skipSpace() >= len(p.b) || p.b[p.i] != '"' {
			return v, errFallback
		}
		keyRaw, err := p.str()
		if err != nil {
			return v, err
		}
		key, err := unquoteBytes(keyRaw)
		if err != nil {
			return v, err
		}
		if p.skipSpace() >= len(p.b) || p.b[p.i] != ':' {
			return v, errFallback
		}
		p.i++
		val, err := p.value()
		if err != nil {
			return v, err
		}
		p.members = append(p.members, jsonMember{key: key, keyRaw: keyRaw, val: val})
		done, err := p.next('}')
		if err != nil {
			return v, err
		}
		if done {
			break
		}
	}
	v.members = slices.Clone(p.members[mark:])
	// The map encoding sorts keys; a key twice would have been one map
	// entry.
	slices.SortFunc(v.members, func(a, b jsonMember) int { return bytes.Compare(a.key, b.key) })
	for i := 1; i < len(v.members); i++ {
		if bytes.Equal(v.members[i].key, v.members[i-1].key) {
			return v, errFallback
		}
	}
	return v, nil
}

func (p *jsonParser) array() (jsonValue, error) {
	p.i++ // [
	v := jsonValue{kind: '['}
	if p.closes(']') {
		return v, nil
	}
	mark := len(p.elems)
	defer func() { p.elems = p.elems[:mark] }()
	for {
		el, err := p.value()
		if err != nil {
			return v, err
		}
		p.elems = append(p.elems, el)
		done, err := p.next(']')
		if err != nil {
			return v, err
		}
		if done {
			v.elems = slices.Clone(p.elems[mark:])
			return v, nil
		}
	}
}

// closes reads closing when it comes next: an empty object or array.
func (p *jsonParser) closes(closing byte) bool {
	if p.skipSpace() < len(p.b) && p.b[p.i] == closing {
		p.i++
		return true
	}
	return false
}

// next reads what follows a member or an element: a comma (false: another
// comes) or closing (true).
func (p *jsonParser) next(closing byte) (done bool, err error) {
	if p.skipSpace() >= len(p.b) {
		return false, errFallback
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		return false, nil
	case closing:
		p.i++
		return true, nil
	}
	return false, errFallback
}

// str reads a string and returns it as the map encoding writes it: as it
// is when it has no escape (json.Marshal wrote it, so it needs none), else
// decoded and encoded again (an invalid byte that Marshal wrote as \ufffd
// comes back as the character itself).
func (p *jsonParser) str() ([]byte, error) {
	start := p.i
	p.i++
	escaped := false
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case '\\':
			escaped = true
			p.i += 2
			continue
		case '"':
			p.i++
			raw := p.b[start:p.i]
			if !escaped {
				return raw, nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, errFallback
			}
			return json.Marshal(s)
		}
		p.i++
	}
	return nil, errFallback
}

// unquote decodes a string as str returned it: without an escape, it is
// its bytes.
func unquote(raw []byte) (string, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errFallback
	}
	return s, nil
}

// unquoteBytes is unquote without a copy when raw has no escape.
func unquoteBytes(raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], nil
	}
	s, err := unquote(raw)
	return []byte(s), err
}

// number reads a number and renders it as the unstructured decoding (an
// int64 when it is an integer that fits, else a float64) and the map
// encoding would.
func (p *jsonParser) number() (jsonValue, error) {
	start, digits := p.i, true
	for p.i < len(p.b) && strings.IndexByte("+-0123456789.eE", p.b[p.i]) >= 0 {
		digits = digits && '0' <= p.b[p.i] && p.b[p.i] <= '9'
		p.i++
	}
	if digits && p.i-start <= 18 {
		return jsonValue{raw: p.b[start:p.i]}, nil // a non-negative integer that fits an int64, spelt as JSON spells it
	}
	s := string(p.b[start:p.i])
	if !strings.Contains(s, ".") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if s == "-0" {
				return jsonValue{raw: strconv.AppendInt(nil, n, 10)}, nil
			}
			return jsonValue{raw: p.b[start:p.i]}, nil // JSON has no other spelling of an integer
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return jsonValue{}, errFallback
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return jsonValue{}, errFallback
	}
	return jsonValue{raw: raw}, nil
}
