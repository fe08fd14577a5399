package output

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Column describes one table column. Wide columns appear only with -o wide
// (kubectl's Priority > 0 rule, applied by printers.NewTablePrinter).
type Column struct {
	Name string
	Wide bool
	// Description is shown nowhere yet but documents the column in code.
	Description string
}

// Table is a metav1.Table under construction.
type Table struct {
	t *metav1.Table
}

// NewTable starts a table with the given columns.
func NewTable(cols ...Column) *Table {
	t := &metav1.Table{}
	for _, c := range cols {
		def := metav1.TableColumnDefinition{Name: c.Name, Type: "string", Description: c.Description}
		if c.Wide {
			def.Priority = 1
		}
		t.ColumnDefinitions = append(t.ColumnDefinitions, def)
	}
	return &Table{t: t}
}

// AddRow appends a row; cells are in column order.
func (t *Table) AddRow(cells ...any) {
	t.t.Rows = append(t.t.Rows, metav1.TableRow{Cells: cells})
}

// AddObjectRow appends a row made from obj (a result object): the row
// carries it, so --sort-by can order rows by any of its fields and
// --show-labels can print its labels. Result objects always encode; one
// that did not would make --sort-by say so.
func (t *Table) AddObjectRow(obj any, cells ...any) {
	row := metav1.TableRow{Cells: cells}
	if u, err := ToUnstructured(obj); err == nil {
		row.Object = runtime.RawExtension{Object: u}
	}
	t.t.Rows = append(t.t.Rows, row)
}

// Len is the number of rows.
func (t *Table) Len() int { return len(t.t.Rows) }

// Table returns the finished metav1.Table.
func (t *Table) Table() *metav1.Table { return t.t }

// None is kubectl's placeholder for an empty cell.
const None = "<none>"

// Or returns s, or placeholder when s is empty: a table cell is never blank,
// so columns stay aligned for people and for awk.
func Or(s, placeholder string) string {
	if s == "" {
		return placeholder
	}
	return s
}

// FromTable wraps a finished metav1.Table (a fleet's merged one) so it
// prints like any other.
func FromTable(t *metav1.Table) *Table { return &Table{t: t} }
