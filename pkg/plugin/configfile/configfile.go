// Package configfile is what the operator's YAML files (plugins.yaml,
// config.yaml) share: where they live, how they are decoded, and how a
// problem names the shape it found.
package configfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Path is $XDG_CONFIG_HOME/kubectl-akash/<name>, with XDG's default of
// ~/.config on every platform ("" without a home directory).
func Path(name string) string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "kubectl-akash", name)
}

// Decode reads YAML into the generic JSON shapes (map[string]any, []any,
// string, bool, json.Number, nil); numbers stay json.Number, so a problem
// can quote them as written.
func Decode(data []byte) (any, error) {
	raw, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	var top any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	return top, nil
}

// SortedKeys are a mapping's keys in order, so problems come in a stable
// order.
func SortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TypeName names a decoded value's shape for a problem: "a list", "a number".
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

// UnknownKeys are the keys of m that known does not hold, in order.
func UnknownKeys(m map[string]any, known []string) []string {
	var out []string
	for _, k := range SortedKeys(m) {
		if !slices.Contains(known, k) {
			out = append(out, k)
		}
	}
	return out
}

// Problem formats one problem of a file the way every config file's
// problems read: "FILE: NOUN "NAME" (LIST[INDEX]): FIELD: MSG", leaving out
// the entry when index is -1 (the whole file), the name when it is unknown
// and the field when there is none.
func Problem(file, noun, list, name string, index int, field, msg string) string {
	var b strings.Builder
	b.WriteString(file)
	if index >= 0 {
		if name != "" {
			fmt.Fprintf(&b, ": %s %q (%s[%d])", noun, name, list, index)
		} else {
			fmt.Fprintf(&b, ": %s[%d]", list, index)
		}
	}
	if field != "" {
		b.WriteString(": " + field)
	}
	b.WriteString(": " + msg)
	return b.String()
}

// ReadError is why a file could not be read, without the path that the
// message around it already names ("permission denied", "is a directory").
func ReadError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
