package version

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestResult: version -o json keeps its field names, and the table its
// columns (PLATFORM only with -o wide).
func TestResult(t *testing.T) {
	r := NewResult()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"apiVersion", "kind", "metadata", "version", "commit", "goVersion", "platform"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, data)
		}
	}
	if m["kind"] != "Version" || !strings.Contains(string(data), `"name":"kubectl-akash"`) {
		t.Errorf("%s", data)
	}
	tb := r.Table().Table()
	if len(tb.ColumnDefinitions) != 4 || tb.ColumnDefinitions[3].Name != "PLATFORM" || tb.ColumnDefinitions[3].Priority != 1 ||
		len(tb.Rows) != 1 || tb.Rows[0].Cells[0] != r.Version {
		t.Errorf("table %+v", tb)
	}
}
