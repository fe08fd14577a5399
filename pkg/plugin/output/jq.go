package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/itchyny/gojq"
)

// JQ is a compiled --jq program. It is compiled once, when flags are
// validated, so a typo is reported before any API call is made.
type JQ struct {
	code *gojq.Code
}

// CompileJQ parses and compiles expr. A parse error names the line and column
// and shows the expression with a caret under the offending token.
func CompileJQ(expr string) (*JQ, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, jqParseError(expr, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("invalid --jq expression: %w", err)
	}
	return &JQ{code: code}, nil
}

// jqParseError renders gojq's parse error with the position it carries.
func jqParseError(expr string, err error) error {
	var perr *gojq.ParseError
	if !errors.As(err, &perr) {
		return fmt.Errorf("invalid --jq expression: %w", err)
	}
	offset := perr.Offset - len(perr.Token)
	if perr.Token == "" { // unexpected end of input: point just past it
		offset = len(expr)
	}
	if offset < 0 {
		offset = 0
	}
	if offset > len(expr) {
		offset = len(expr)
	}
	line := 1 + strings.Count(expr[:offset], "\n")
	lineStart := strings.LastIndex(expr[:offset], "\n") + 1
	lineEnd := strings.IndexByte(expr[offset:], '\n')
	if lineEnd < 0 {
		lineEnd = len(expr)
	} else {
		lineEnd += offset
	}
	col := offset - lineStart + 1
	return fmt.Errorf("invalid --jq expression at line %d, column %d: %v\n    %s\n    %s^",
		line, col, perr, expr[lineStart:lineEnd], strings.Repeat(" ", col-1))
}

// Run evaluates the program over v (any JSON-marshalable value) and writes
// each result: strings raw, other scalars as JSON, objects and arrays as
// indented JSON, one per line, like `jq -r` (and gh --jq).
func (j *JQ) Run(w io.Writer, v any) error {
	in, err := jqValue(v)
	if err != nil {
		return err
	}
	iter := j.code.Run(in)
	for {
		out, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := out.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil
			}
			return fmt.Errorf("--jq: %w", err)
		}
		if err := writeJQResult(w, out); err != nil {
			return err
		}
	}
}

func writeJQResult(w io.Writer, out any) error {
	switch v := out.(type) {
	case string:
		_, err := fmt.Fprintln(w, v)
		return err
	case map[string]any, []any:
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	default:
		b, err := gojq.Marshal(v)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
}

// jqValue converts v into the value types gojq accepts (map[string]any,
// []any, string, bool, nil, int, float64): it marshals to JSON and decodes
// numbers as int when they are integers, float64 otherwise. Unstructured
// objects hold int64, which gojq rejects, hence the round trip.
func jqValue(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return normalizeNumbers(out), nil
}

func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
		return x
	case json.Number:
		if i, err := x.Int64(); err == nil && int64(int(i)) == i {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	default:
		return v
	}
}
