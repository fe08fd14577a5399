package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Annotation is the annotation every merged item carries: the kubeconfig
// context it came from.
const Annotation = output.Group + "/context"

// ErrorKind is the kind of the item that stands for a context that failed.
const ErrorKind = "ContextError"

// Answer is the merged answer of a fleet run.
type Answer struct {
	// List is one list (apiVersion, kind, items) of every context's items,
	// each stamped with Annotation, followed by one ErrorKind item per
	// failed context.
	List map[string]any
	// Table is every context's rows behind a CONTEXT column, and one row per
	// failed context; nil when no context printed a table and none failed.
	Table *metav1.Table
	// Code is the exit code: 1 when a context failed, else 3 when one had
	// findings, else 0.
	Code int
}

// Merge builds the answer from the outcomes, in their order. Each outcome's
// stdout holds the Envelopes its command printed (the last one counts: a
// command that prints its plan and then its outcomes ends with the latter).
// wide says whether the table is printed with -o wide: an error row puts
// its reason in the last column shown, so it never widens another.
func Merge(outcomes []Outcome, wide bool) (*Answer, error) {
	a := &Answer{}
	var items []any
	kind := ""
	var columns []metav1.TableColumnDefinition
	type rows struct {
		ctx   string
		rows  []metav1.TableRow
		cols  int
		error string
	}
	var all []rows
	for _, o := range outcomes {
		env, err := lastEnvelope(o.Stdout)
		if err != nil {
			return nil, fmt.Errorf("context %q: %w", o.Context, err)
		}
		r := rows{ctx: o.Context}
		if env != nil {
			got, k, err := resultItems(env.Result)
			if err != nil {
				return nil, fmt.Errorf("context %q: %w", o.Context, err)
			}
			if kind == "" {
				kind = k
			}
			for _, it := range got {
				stamp(it, o.Context)
				items = append(items, it)
			}
			if env.Table != nil {
				if columns == nil {
					columns = env.Table.ColumnDefinitions
				}
				r.rows, r.cols = env.Table.Rows, len(env.Table.ColumnDefinitions)
			}
		}
		if o.Failed() && (o.Message != "" || env == nil) {
			r.error = Reason(o)
		}
		all = append(all, r)
		switch {
		case o.Failed():
			a.Code = cli.ExitFailure
		case o.Code == cli.ExitFindings && a.Code == cli.ExitOK:
			a.Code = cli.ExitFindings
		}
	}
	for _, r := range all {
		if r.error != "" {
			items = append(items, errorItem(r.ctx, r.error))
		}
	}
	if kind == "" {
		kind = "List"
	}
	if items == nil {
		items = []any{}
	}
	a.List = map[string]any{"apiVersion": output.APIVersion, "kind": kind, "metadata": map[string]any{}, "items": items}

	failed := false
	for _, r := range all {
		failed = failed || r.error != ""
	}
	if columns == nil && !failed {
		return a, nil
	}
	if columns == nil {
		columns = []metav1.TableColumnDefinition{{Name: "ERROR", Type: "string"}}
	}
	t := &metav1.Table{ColumnDefinitions: append([]metav1.TableColumnDefinition{{Name: "CONTEXT", Type: "string"}}, columns...)}
	reasonAt := len(columns) - 1
	if !wide {
		reasonAt = lastNarrowColumn(columns)
	}
	for _, r := range all {
		for _, row := range r.rows {
			cells := make([]any, len(columns))
			for i := range cells {
				cells[i] = output.None
				if i < len(row.Cells) {
					cells[i] = row.Cells[i]
				}
			}
			t.Rows = append(t.Rows, metav1.TableRow{Cells: append([]any{r.ctx}, cells...)})
		}
		if r.error != "" {
			cells := make([]any, len(columns))
			for i := range cells {
				cells[i] = ""
			}
			cells[0] = "<error>"
			cells[reasonAt] = r.error
			t.Rows = append(t.Rows, metav1.TableRow{Cells: append([]any{r.ctx}, cells...)})
		}
	}
	a.Table = t
	return a, nil
}

// Reason is one line saying why a context failed.
func Reason(o Outcome) string {
	if o.Message != "" {
		return firstLine(o.Message)
	}
	lines := strings.Split(strings.TrimSpace(string(o.Stderr)), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return last
	}
	return fmt.Sprintf("exit code %d", o.Code)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// lastNarrowColumn is where an error row puts its reason: the last column a
// table without -o wide shows, so the reason never widens another column.
func lastNarrowColumn(cols []metav1.TableColumnDefinition) int {
	for i := len(cols) - 1; i >= 0; i-- {
		if cols[i].Priority == 0 {
			return i
		}
	}
	return 0
}

// LastResult is the result of the last envelope a context's command
// printed (nil when it printed none): for a command whose answer is merged
// its own way (doctor's fleet report).
func LastResult(stdout []byte) (json.RawMessage, error) {
	env, err := lastEnvelope(stdout)
	if err != nil || env == nil {
		return nil, err
	}
	return env.Result, nil
}

// lastEnvelope decodes the envelopes in stdout and returns the last one (nil
// when there is none).
func lastEnvelope(stdout []byte) (*output.Envelope, error) {
	dec := json.NewDecoder(bytes.NewReader(stdout))
	dec.UseNumber()
	var last *output.Envelope
	for {
		var env output.Envelope
		err := dec.Decode(&env)
		if errors.Is(err, io.EOF) {
			return last, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading what the command printed: %w", err)
		}
		last = &env
	}
}

// resultItems returns the items of a list result (and its kind), or the
// result itself as the one item (and "<Kind>List").
func resultItems(raw json.RawMessage) ([]map[string]any, string, error) {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, "", fmt.Errorf("reading the result: %w", err)
	}
	kind, _ := obj["kind"].(string)
	list, isList := obj["items"].([]any)
	if !isList {
		if _, hasItems := obj["items"]; hasItems || strings.HasSuffix(kind, "List") {
			return nil, kind, nil // an empty list (items: null)
		}
		if kind != "" {
			kind += "List"
		}
		return []map[string]any{obj}, kind, nil
	}
	out := make([]map[string]any, 0, len(list))
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, "", fmt.Errorf("reading the result: an item is not an object")
		}
		out = append(out, m)
	}
	return out, kind, nil
}

// stamp sets the context annotation on an item.
func stamp(item map[string]any, ctx string) {
	md, _ := item["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		item["metadata"] = md
	}
	ann, _ := md["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
		md["annotations"] = ann
	}
	ann[Annotation] = ctx
}

// ErrorItem is the item of a failed context: kind ErrorKind, stamped with
// the context, its reason in status.
func ErrorItem(ctx, reason string) map[string]any { return errorItem(ctx, reason) }

// errorItem is the item of a failed context.
func errorItem(ctx, reason string) map[string]any {
	return map[string]any{
		"apiVersion": output.APIVersion,
		"kind":       ErrorKind,
		"metadata":   map[string]any{"name": ctx, "annotations": map[string]any{Annotation: ctx}},
		"status":     map[string]any{"context": ctx, "reason": reason},
	}
}
