package fleet

import (
	"encoding/json"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// envelope is what a context's command prints under -o EnvelopeFormat.
func envelope(t *testing.T, result any, rows ...[]any) []byte {
	t.Helper()
	raw, err := json.Marshal(result)
	if err != nil {
		t.Fatal(err)
	}
	table := &metav1.Table{ColumnDefinitions: []metav1.TableColumnDefinition{{Name: "NAME"}, {Name: "STATUS"}, {Name: "DETAIL", Priority: 1}}}
	for _, r := range rows {
		table.Rows = append(table.Rows, metav1.TableRow{Cells: r})
	}
	b, err := json.Marshal(output.Envelope{Result: raw, Table: table})
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func thingList(names ...string) map[string]any {
	var items []any
	for _, n := range names {
		items = append(items, map[string]any{"apiVersion": output.APIVersion, "kind": "Thing", "metadata": map[string]any{"name": n}})
	}
	return map[string]any{"apiVersion": output.APIVersion, "kind": "ThingList", "items": items}
}

func TestMerge(t *testing.T) {
	outcomes := []Outcome{
		{Context: "a", Stdout: envelope(t, thingList("x", "y"), []any{"x", "ok", "1"}, []any{"y", "ok", "2"})},
		{Context: "b", Code: 3, Stdout: envelope(t, thingList("x"), []any{"x", "expiring", "3"})},
		{Context: "dead", Code: 1, Message: "cannot reach the Kubernetes API server at https://127.0.0.1:1 (connection refused)\nmore"},
	}
	a, err := Merge(outcomes, false)
	if err != nil {
		t.Fatal(err)
	}
	if a.Code != 1 {
		t.Errorf("code %d, want 1: a context failed", a.Code)
	}
	if a.List["kind"] != "ThingList" || a.List["apiVersion"] != output.APIVersion {
		t.Errorf("list %v %v", a.List["apiVersion"], a.List["kind"])
	}
	var got []string
	for _, it := range a.List["items"].([]any) {
		m := it.(map[string]any)
		md := m["metadata"].(map[string]any)
		got = append(got, md["annotations"].(map[string]any)[Annotation].(string)+"/"+m["kind"].(string)+"/"+md["name"].(string))
	}
	if want := "a/Thing/x a/Thing/y b/Thing/x dead/ContextError/dead"; strings.Join(got, " ") != want {
		t.Errorf("items %q, want %q", strings.Join(got, " "), want)
	}
	if cols := a.Table.ColumnDefinitions; len(cols) != 4 || cols[0].Name != "CONTEXT" || cols[3].Priority != 1 {
		t.Errorf("columns %+v", cols)
	}
	var rows []string
	for _, r := range a.Table.Rows {
		var cells []string
		for _, c := range r.Cells {
			cells = append(cells, c.(string))
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	want := []string{"a|x|ok|1", "a|y|ok|2", "b|x|expiring|3",
		"dead|<error>|cannot reach the Kubernetes API server at https://127.0.0.1:1 (connection refused)|"}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	// With -o wide the reason goes to the last column.
	a, _ = Merge(outcomes, true)
	if last := a.Table.Rows[3].Cells; last[3] == "" || last[2] != "" {
		t.Errorf("wide error row %q", last)
	}
}

func TestMergeCodes(t *testing.T) {
	empty := func(ctx string, code int) Outcome {
		return Outcome{Context: ctx, Code: code, Stdout: []byte(`{"result":{"apiVersion":"x","kind":"ThingList","items":null}}` + "\n")}
	}
	for _, c := range []struct {
		outcomes []Outcome
		want     int
	}{
		{[]Outcome{empty("a", 0), empty("b", 0)}, 0},
		{[]Outcome{empty("a", 0), empty("b", 3)}, 3},
		{[]Outcome{empty("a", 3), empty("b", 1)}, 1},
		{[]Outcome{empty("a", 130)}, 1},
	} {
		a, err := Merge(c.outcomes, false)
		if err != nil || a.Code != c.want {
			t.Errorf("%+v: code %d (%v), want %d", c.outcomes, a.Code, err, c.want)
		}
	}
	// A check that failed on some objects (exit 1, nothing more to say)
	// keeps its items and adds no error item: its items say what failed.
	a, _ := Merge([]Outcome{{Context: "a", Code: 1, Stdout: envelope(t, thingList("x"))}}, false)
	if items := a.List["items"].([]any); len(items) != 1 || a.Code != 1 {
		t.Errorf("silent failure: %d items, code %d", len(items), a.Code)
	}
	// No context printed anything: an empty List, and no table to print.
	a, _ = Merge([]Outcome{{Context: "a"}}, false)
	if a.List["kind"] != "List" || len(a.List["items"].([]any)) != 0 || a.Table != nil {
		t.Errorf("nothing printed: %+v", a)
	}
	// A single object (not a list) becomes one item of <Kind>List.
	one, _ := json.Marshal(map[string]any{"result": map[string]any{"apiVersion": "x", "kind": "Status", "metadata": map[string]any{"name": "p"}}})
	a, _ = Merge([]Outcome{{Context: "a", Stdout: one}}, false)
	if a.List["kind"] != "StatusList" || len(a.List["items"].([]any)) != 1 {
		t.Errorf("single object: %+v", a.List)
	}
	if _, err := Merge([]Outcome{{Context: "a", Stdout: []byte("not json")}}, false); err == nil || !strings.Contains(err.Error(), `context "a"`) {
		t.Errorf("garbage: %v", err)
	}
}
