package plugins

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/itchyny/gojq"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Row is one row a plugin produced, as a result object: the jq row is its
// spec. metadata.name is the row's "name" field when it has one, else the
// first column's value (so -o name prints something meaningful), and
// metadata.namespace its "namespace" field.
type Row struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              map[string]any `json:"spec"`

	cells []any
}

// RowList is what a plugin command prints: <Kind>List with the rows as items.
type RowList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []Row `json:"items"`

	columns []Column
}

// build evaluates every column on every row, once: a column whose path fails
// on a row is an error naming the entry and the column.
func (e *Entry) build(rows []map[string]any) (*RowList, error) {
	l := &RowList{TypeMeta: output.ListMeta(e.Kind), Items: []Row{}, columns: e.Columns}
	for i, spec := range rows {
		r := Row{TypeMeta: output.TypeMeta(e.Kind), Spec: spec}
		for j, c := range e.Columns {
			v, err := first(c.code, spec)
			if err != nil {
				return nil, e.problem(fmt.Sprintf("columns[%d].path", j), "row %d: %v", i, err)
			}
			r.cells = append(r.cells, Cell(v))
		}
		if name, ok := spec["name"].(string); ok && name != "" {
			r.Name = name
		} else if len(r.cells) > 0 {
			r.Name = fmt.Sprint(r.cells[0])
		}
		if ns, ok := spec["namespace"].(string); ok {
			r.Namespace = ns
		}
		l.Items = append(l.Items, r)
	}
	return l, nil
}

// Table is the human view: the entry's columns, wide ones only with -o wide.
func (l *RowList) Table() *output.Table {
	cols := make([]output.Column, len(l.columns))
	for i, c := range l.columns {
		cols[i] = output.Column{Name: c.Name, Wide: c.Wide}
	}
	t := output.NewTable(cols...)
	for _, r := range l.Items {
		t.AddObjectRow(r, r.cells...)
	}
	return t
}

// first returns the first value a column path yields on a row (nil if none).
func first(code *gojq.Code, row map[string]any) (any, error) {
	iter := code.Run(row)
	v, ok := iter.Next()
	if !ok {
		return nil, nil
	}
	if err, isErr := v.(error); isErr {
		return nil, err
	}
	return v, nil
}

// Cell renders a jq value for a table cell: strings as they are, nothing as
// <none>, lists of scalars comma-separated, objects as compact JSON.
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "<none>"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		if len(x) == 0 {
			return "<none>"
		}
		parts := make([]string, 0, len(x))
		for _, e := range x {
			switch e.(type) {
			case map[string]any, []any:
				b, _ := gojq.Marshal(x)
				return string(b)
			}
			parts = append(parts, Cell(e))
		}
		return strings.Join(parts, ",")
	}
	b, err := gojq.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
