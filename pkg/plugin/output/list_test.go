package output

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type labelled struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Owner string `json:"owner"`
		DSeq  uint64 `json:"dseq"`
		Seq   uint64 `json:"seq,string"`
		Ready bool   `json:"ready"`
	} `json:"spec"`
}

func objs() []labelled {
	mk := func(name, owner string, dseq uint64, created string, lbls map[string]string) labelled {
		l := labelled{TypeMeta: TypeMeta("Thing"), ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls}}
		l.Spec.Owner, l.Spec.DSeq, l.Spec.Seq = owner, dseq, dseq
		ts, _ := time.Parse(time.RFC3339, created)
		l.CreationTimestamp = metav1.NewTime(ts)
		return l
	}
	return []labelled{
		mk("c", "akash1b", 100, "2026-01-03T00:00:00Z", map[string]string{"tier": "gpu"}),
		mk("a", "akash1a", 9, "2026-01-01T00:00:00Z", map[string]string{"tier": "cpu"}),
		mk("b", "akash1a", 20, "2026-01-02T00:00:00Z", nil),
	}
}

func names(items []labelled) string {
	var out []string
	for _, i := range items {
		out = append(out, i.Name)
	}
	return strings.Join(out, ",")
}

func TestKeepSelectsOnLabelsAndFieldsOfResults(t *testing.T) {
	for _, tc := range []struct{ selector, fields, want string }{
		{"", "", "c,a,b"},
		{"tier=gpu", "", "c"},
		{"tier", "", "c,a"},
		{"!tier", "", "b"},
		{"tier in (cpu,gpu)", "spec.owner=akash1a", "a"},
		{"", "spec.owner!=akash1a", "c"},
		{"", "metadata.name=b", "b"},
		{"", "spec.dseq=100,spec.ready=false", "c"},
		{"", "spec.nosuchfield=x", ""},
	} {
		l := NewListFlags()
		l.Selector, l.FieldSelector = tc.selector, tc.fields
		if err := l.Validate(); err != nil {
			t.Fatalf("%q %q: %v", tc.selector, tc.fields, err)
		}
		got, err := Keep(l, objs())
		if err != nil {
			t.Fatal(err)
		}
		if names(got) != tc.want {
			t.Errorf("-l %q --field-selector %q kept %q, want %q", tc.selector, tc.fields, names(got), tc.want)
		}
	}
}

func TestListFlagsRefuseBadInputBeforeIO(t *testing.T) {
	for _, tc := range []struct {
		l    ListFlags
		want string
	}{
		{ListFlags{Selector: "x in ("}, `-l/--selector "x in (" is not a label selector`},
		{ListFlags{FieldSelector: "a~b"}, `--field-selector "a~b" is not a field selector`},
		{ListFlags{ChunkSize: -1}, "--chunk-size must be 0 or positive, got -1"},
	} {
		err := tc.l.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
}

// --sort-by orders the table's rows and every other output's items alike:
// numbers as numbers (9 < 20 < 100), times as times, missing values first.
func TestSortByOrdersTablesAndLists(t *testing.T) {
	items := objs()
	list := struct {
		metav1.TypeMeta `json:",inline"`
		Items           []labelled `json:"items"`
	}{TypeMeta: ListMeta("Thing"), Items: items}
	table := func() *Table {
		t := NewTable(Column{Name: "NAME"}, Column{Name: "DSEQ"})
		for _, i := range items {
			t.AddObjectRow(i, i.Name, i.Spec.DSeq)
		}
		return t
	}
	for _, tc := range []struct{ by, want string }{
		{".spec.dseq", "a b c"},
		{".spec.seq", "a b c"}, // "9" < "20" < "100": numbers written as strings
		{"{.metadata.creationTimestamp}", "a b c"},
		{".metadata.name", "a b c"},
		{".metadata.labels.tier", "b a c"},
		{".spec.owner", "a b c"},
	} {
		for _, format := range []string{"", "name", "json-jq"} {
			f := NewFlags()
			f.Sortable = true
			cmd := &cobra.Command{Use: "x"}
			f.AddFlags(cmd)
			args := []string{"--sort-by", tc.by}
			switch format {
			case "name":
				args = append(args, "-o", "name")
			case "json-jq":
				args = append(args, "--jq", ".items[].metadata.name")
			}
			if err := cmd.ParseFlags(args); err != nil {
				t.Fatal(err)
			}
			if err := f.Validate(); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Print(&buf, list, table); err != nil {
				t.Fatalf("%s %s: %v", tc.by, format, err)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				fields := strings.Fields(line)
				if len(fields) == 0 || fields[0] == "NAME" {
					continue
				}
				got = append(got, strings.TrimPrefix(fields[0], "thing.kubectl-akash.akash.network/"))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("--sort-by %s (%q output): %q, want %q", tc.by, format, strings.Join(got, " "), tc.want)
			}
		}
	}
	f := NewFlags()
	f.SortBy = "{.spec[}"
	if err := f.Validate(); err == nil || !strings.Contains(err.Error(), "--sort-by") {
		t.Fatalf("a bad JSONPath: %v", err)
	}
}

func TestShowLabelsAddsTheLabelsColumn(t *testing.T) {
	f := NewFlags()
	f.Labelled = true
	cmd := &cobra.Command{Use: "x"}
	f.AddFlags(cmd)
	if err := cmd.ParseFlags([]string{"--show-labels"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err := f.PrintTable(&buf, func() *Table {
		t := NewTable(Column{Name: "NAME"})
		for _, i := range objs() {
			t.AddObjectRow(i, i.Name)
		}
		return t
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := [][]string{{"NAME", "LABELS"}, {"c", "tier=gpu"}, {"a", "tier=cpu"}, {"b", "<none>"}}
	for i, w := range want {
		if got := strings.Fields(lines[i]); strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("line %d: %q, want %q", i, lines[i], w)
		}
	}
	if NewFlags().PrintFlags == nil || cmd.Flags().Lookup("sort-by") != nil {
		t.Fatal("--sort-by is offered only where Sortable is set")
	}
}
