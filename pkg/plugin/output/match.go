package output

import (
	"encoding/json"
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
)

// Keep returns the items (result objects) that -l and --field-selector
// select, in order. The selectors apply to the result objects themselves,
// in memory: what was LISTed stays the same, however narrow the selection.
func Keep[T any](l *ListFlags, items []T) ([]T, error) {
	if l.LabelSelector.Empty() && l.Fields.Empty() {
		return items, nil
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		ok, err := l.Matches(it)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// Matches reports whether obj's labels and fields match the selectors.
func (l *ListFlags) Matches(obj any) (bool, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return false, fmt.Errorf("encoding result: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return false, fmt.Errorf("encoding result: %w", err)
	}
	lbls := labels.Set{}
	if md, ok := m["metadata"].(map[string]any); ok {
		if ls, ok := md["labels"].(map[string]any); ok {
			for k, v := range ls {
				lbls[k] = fmt.Sprint(v)
			}
		}
	}
	return l.LabelSelector.Matches(lbls) && l.Fields.Matches(FieldSet(m)), nil
}

// FieldSet flattens an object's scalar fields into dotted paths
// (metadata.name, spec.leaseID.owner, status.manifest), the names
// --field-selector uses. Lists and the labels and annotations maps are left
// out: a field selector names one value.
func FieldSet(obj map[string]any) fields.Set {
	set := fields.Set{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if prefix == "metadata.labels" || prefix == "metadata.annotations" {
				return
			}
			for k, e := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, e)
			}
		case []any:
		case string:
			set[prefix] = x
		case bool:
			set[prefix] = strconv.FormatBool(x)
		case float64:
			set[prefix] = strconv.FormatFloat(x, 'f', -1, 64)
		case nil:
			set[prefix] = ""
		}
	}
	walk("", obj)
	return set
}
