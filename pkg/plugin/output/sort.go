package output

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/util/jsonpath"
	"k8s.io/kubectl/pkg/cmd/get"
)

// Sorter orders result objects by a JSONPath, like kubectl's --sort-by:
// numbers by value (also those the API writes as strings, as a dseq is, so
// 999 comes before 1000), RFC 3339 times by time, everything else as text,
// and objects without the field first. The order of equal keys is kept.
type Sorter struct {
	expr string
	jp   *jsonpath.JSONPath
}

// NewSorter compiles a --sort-by expression ('.metadata.name' or
// '{.metadata.name}').
func NewSorter(expr string) (*Sorter, error) {
	relaxed, err := get.RelaxedJSONPathExpression(expr)
	if err != nil {
		return nil, fmt.Errorf("--sort-by %q: %v", expr, err)
	}
	jp := jsonpath.New("sort-by").AllowMissingKeys(true)
	if err := jp.Parse(relaxed); err != nil {
		return nil, fmt.Errorf("--sort-by %q is not a JSONPath: %v", expr, err)
	}
	return &Sorter{expr: expr, jp: jp}, nil
}

// key is the value expr finds in obj (JSON data), or nil.
func (s *Sorter) key(obj any) (any, error) {
	vals, err := s.jp.FindResults(obj)
	if err != nil {
		return nil, fmt.Errorf("--sort-by %q: %v", s.expr, err)
	}
	if len(vals) == 0 || len(vals[0]) == 0 {
		return nil, nil
	}
	if len(vals) > 1 || len(vals[0]) > 1 {
		return nil, fmt.Errorf("--sort-by %q finds more than one value in an object: sort by a single field", s.expr)
	}
	return vals[0][0].Interface(), nil
}

// Order returns the indexes of objects (JSON data: what json.Unmarshal
// gives) in sorted order.
func (s *Sorter) Order(objects []any) ([]int, error) {
	keys := make([]any, len(objects))
	for i, o := range objects {
		k, err := s.key(o)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	idx := make([]int, len(objects))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return less(keys[idx[a]], keys[idx[b]]) })
	return idx, nil
}

// less compares two keys: missing first, then numbers, times, text.
func less(a, b any) bool {
	switch {
	case a == nil:
		return b != nil
	case b == nil:
		return false
	}
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x < y
		}
	}
	sa, sb := text(a), text(b)
	if ta, err := time.Parse(time.RFC3339, sa); err == nil {
		if tb, err := time.Parse(time.RFC3339, sb); err == nil {
			return ta.Before(tb)
		}
	}
	return sa < sb
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// sortRows orders a table's rows by the objects they were made from.
func (s *Sorter) sortRows(t *metav1.Table) error {
	objs := make([]any, len(t.Rows))
	for i, r := range t.Rows {
		u, ok := r.Object.Object.(*unstructured.Unstructured)
		if !ok {
			return fmt.Errorf("--sort-by: this table's rows carry no object to sort by: this is a bug")
		}
		objs[i] = u.Object
	}
	idx, err := s.Order(objs)
	if err != nil {
		return err
	}
	t.Rows = permute(t.Rows, idx)
	return nil
}

// sortList orders a list's items, for every output that is not a table.
func (s *Sorter) sortList(l *unstructured.UnstructuredList) error {
	objs := make([]any, len(l.Items))
	for i := range l.Items {
		objs[i] = l.Items[i].Object
	}
	idx, err := s.Order(objs)
	if err != nil {
		return err
	}
	l.Items = permute(l.Items, idx)
	return nil
}

// permute returns xs in the order of idx.
func permute[T any](xs []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}
