package output

import (
	"encoding/json"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"
)

// TableFunc builds the human view of a result; it is called only when a
// table is printed.
type TableFunc func() *Table

// Print writes result (a result object or list with TypeMeta set) to w in the
// format chosen by the flags. Validate must have been called.
func (f *Flags) Print(w io.Writer, result any, table TableFunc) error {
	if f.envelope {
		return printEnvelope(w, result, table)
	}
	if f.jq == nil && f.printer == nil {
		return f.PrintTable(w, table)
	}
	if f.jq != nil && f.sorter == nil {
		return f.jq.Run(w, result)
	}
	if f.jq == nil && f.sorter == nil && f.Format() == "json" {
		if err := writeJSON(w, result, f.showManagedFields()); err != errFallback {
			return err
		}
	}
	obj, err := ToUnstructured(result)
	if err != nil {
		return err
	}
	if l, ok := obj.(*unstructured.UnstructuredList); ok && f.sorter != nil {
		if err := f.sorter.sortList(l); err != nil {
			return err
		}
	}
	if f.jq != nil {
		return f.jq.Run(w, obj.(runtime.Unstructured).UnstructuredContent())
	}
	return f.printer.PrintObj(obj, w)
}

// showManagedFields is --show-managed-fields.
func (f *Flags) showManagedFields() bool {
	return f.PrintFlags.JSONYamlPrintFlags != nil && f.PrintFlags.JSONYamlPrintFlags.ShowManagedFields
}

// PrintTable writes the human table whatever -o says: plans shown before a
// confirmation prompt go to stderr as a table even when stdout is JSON.
func (f *Flags) PrintTable(w io.Writer, table TableFunc) error {
	t := table().Table()
	if f.sorter != nil {
		if err := f.sorter.sortRows(t); err != nil {
			return err
		}
	}
	return printers.NewTablePrinter(printers.PrintOptions{
		Wide:       f.Format() == "wide",
		NoHeaders:  f.NoHeaders,
		ShowLabels: f.ShowLabels,
	}).PrintObj(t, w)
}

// ToUnstructured converts a result into *unstructured.Unstructured, or
// *unstructured.UnstructuredList when it has items, which every cli-runtime
// printer understands (name, jsonpath and custom-columns iterate lists).
func ToUnstructured(result any) (runtime.Object, error) {
	raw, err := json.Marshal(result)
	if err != nil {
		return nil, fmt.Errorf("encoding result: %w", err)
	}
	obj, _, err := unstructured.UnstructuredJSONScheme.Decode(raw, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("encoding result: %w", err)
	}
	if l, ok := obj.(*unstructured.UnstructuredList); ok && l.Items == nil {
		l.Items = []unstructured.Unstructured{}
	}
	return obj, nil
}

// Age renders a duration since t the way kubectl does (3m, 5h, 12d).
func Age(t metav1.Time, now func() metav1.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return humanDuration(now().Sub(t.Time))
}
