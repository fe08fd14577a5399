package output

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// item and itemList stand in for a command's result types.
type item struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		DSeq  uint64 `json:"dseq,string"`
		Count int64  `json:"count"`
		Image string `json:"image"`
	} `json:"spec"`
}

type itemList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []item `json:"items"`
}

func sample() itemList {
	l := itemList{TypeMeta: ListMeta("Thing")}
	for i, img := range []string{"nginx:1.25", "ghcr.io/acme/web:2"} {
		it := item{TypeMeta: TypeMeta("Thing"), ObjectMeta: metav1.ObjectMeta{Name: []string{"alpha", "beta"}[i]}}
		it.Spec.DSeq = 18446744073709551615 - uint64(i)
		it.Spec.Count = int64(i + 2)
		it.Spec.Image = img
		l.Items = append(l.Items, it)
	}
	return l
}

func sampleTable(l itemList) TableFunc {
	return func() *Table {
		t := NewTable(Column{Name: "NAME"}, Column{Name: "IMAGE"}, Column{Name: "COUNT", Wide: true})
		for _, it := range l.Items {
			t.AddRow(it.Name, it.Spec.Image, it.Spec.Count)
		}
		return t
	}
}

// run parses args the way cobra would and prints the sample.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	f := NewFlags()
	cmd := &cobra.Command{Use: "x"}
	f.AddFlags(cmd)
	if err := cmd.ParseFlags(args); err != nil {
		return "", err
	}
	if err := f.Validate(); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	l := sample()
	err := f.Print(&buf, l, sampleTable(l))
	return buf.String(), err
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestTableFormats(t *testing.T) {
	for name, args := range map[string][]string{
		"table.txt":           nil,
		"wide.txt":            {"-o", "wide"},
		"table-noheaders.txt": {"--no-headers"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := run(t, args...)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, got)
		})
	}
}

func TestWideShowsWideColumnsOnly(t *testing.T) {
	plain, _ := run(t)
	wide, _ := run(t, "-o", "wide")
	if strings.Contains(plain, "COUNT") || !strings.Contains(wide, "COUNT") {
		t.Fatalf("COUNT must appear only in wide output:\n%s\n%s", plain, wide)
	}
}

func TestJSONIsAListOfTypedItems(t *testing.T) {
	got, err := run(t, "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		APIVersion, Kind string
		Items            []map[string]any
	}
	if err := json.Unmarshal([]byte(got), &l); err != nil {
		t.Fatal(err)
	}
	if l.APIVersion != APIVersion || l.Kind != "ThingList" || len(l.Items) != 2 || l.Items[0]["kind"] != "Thing" {
		t.Fatalf("unexpected list: %+v", l)
	}
}

func TestStructuredFormats(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-o", "yaml"}, "kind: ThingList"},
		{[]string{"-o", "name"}, "thing.kubectl-akash.akash.network/alpha\nthing.kubectl-akash.akash.network/beta\n"},
		{[]string{"-o", "jsonpath={.items[*].metadata.name}"}, "alpha beta"},
		{[]string{"-o", "jsonpath-as-json={.items[0].spec.dseq}"}, `"18446744073709551615"`},
		{[]string{"-o", `go-template={{range .items}}{{.spec.image}};{{end}}`}, "nginx:1.25;ghcr.io/acme/web:2;"},
		{[]string{"-o", "custom-columns=N:.metadata.name,C:.spec.count"}, "N       C\nalpha   2\nbeta    3\n"},
		{[]string{"-o", "custom-columns=N:.metadata.name", "--no-headers"}, "alpha\nbeta\n"},
		{[]string{"--jq", ".items[].metadata.name"}, "alpha\nbeta\n"},
		{[]string{"--jq", ".items[0].spec.count + 1"}, "3\n"},
		{[]string{"--jq", ".items | length"}, "2\n"},
		{[]string{"--jq", ".items[1].spec | {image}"}, "{\n  \"image\": \"ghcr.io/acme/web:2\"\n}\n"},
		{[]string{"-o", "json", "--jq", ".kind"}, "ThingList\n"},
	}
	for _, c := range cases {
		got, err := run(t, c.args...)
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%v:\n got %q\nwant %q", c.args, got, c.want)
		}
	}
}

func TestBadFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-o", "bogus"}, `unknown output format "bogus"`},
		{[]string{"--jq", ".items[", "-o", "json"}, "invalid --jq expression at line 1, column 8"},
		{[]string{"--jq", "."}, ""},
		{[]string{"--jq", ".", "-o", "yaml"}, "cannot be combined with -o yaml"},
		{[]string{"--jq", "nosuchfunc(1)"}, "invalid --jq expression"},
		{[]string{"-o", "custom-columns="}, "custom-columns"},
		{[]string{"-o", "jsonpath={.items[}"}, "-o jsonpath"},
		{[]string{"-o", "go-template={{.x"}, "-o go-template"},
	}
	for _, c := range cases {
		_, err := run(t, c.args...)
		if c.want == "" {
			if err != nil {
				t.Errorf("%v: unexpected error %v", c.args, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to contain %q", c.args, err, c.want)
		}
	}
}

func TestJQCaretPointsAtBadToken(t *testing.T) {
	_, err := CompileJQ(".a |\n  .b | ]")
	if err == nil {
		t.Fatal("want a parse error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "line 2, column 8") || !strings.Contains(msg, "  .b | ]\n           ^") {
		t.Fatalf("caret or position wrong:\n%s", msg)
	}
}

func TestJQRuntimeError(t *testing.T) {
	jq, err := CompileJQ(".items[0] + 1")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jq.Run(&buf, sample()); err == nil || !strings.HasPrefix(err.Error(), "--jq:") {
		t.Fatalf("want a --jq runtime error, got %v", err)
	}
}

func TestEmptyListPrintsItemsArray(t *testing.T) {
	f := NewFlags()
	*f.PrintFlags.OutputFormat = "json"
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Print(&buf, itemList{TypeMeta: ListMeta("Thing")}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"items": []`) {
		t.Fatalf("empty list must print items: []:\n%s", buf.String())
	}
}

// TestEnvelope: the hidden fleet format carries the result exactly as -o
// json has it, and the table with its wide columns.
func TestEnvelope(t *testing.T) {
	got, err := run(t, "-o", EnvelopeFormat)
	if err != nil {
		t.Fatal(err)
	}
	var env Envelope
	if err := json.Unmarshal([]byte(got), &env); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	asJSON, _ := run(t, "-o", "json")
	var a, b any
	_ = json.Unmarshal(env.Result, &a)
	_ = json.Unmarshal([]byte(asJSON), &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("result %s\nwant %s", env.Result, asJSON)
	}
	if env.Table == nil || len(env.Table.Rows) != 2 || len(env.Table.ColumnDefinitions) != 3 || env.Table.ColumnDefinitions[2].Priority != 1 {
		t.Errorf("table %+v", env.Table)
	}
	if slices.Contains(NewFlags().AllowedFormats(), EnvelopeFormat) {
		t.Error("the fleet's format is offered to users")
	}
}
