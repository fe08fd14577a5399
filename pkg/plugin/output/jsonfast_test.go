package output

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// jsonFlags are the output flags of -o json and args, validated.
func jsonFlags(t *testing.T, args ...string) *Flags {
	t.Helper()
	f := NewFlags()
	cmd := &cobra.Command{Use: "x"}
	f.AddFlags(cmd)
	if err := cmd.ParseFlags(append([]string{"-o", "json"}, args...)); err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	return f
}

// printedLongWay is what -o json printed before writeJSON: the result
// through unstructured and cli-runtime's printer.
func printedLongWay(t *testing.T, result any, args ...string) (string, error) {
	t.Helper()
	f := jsonFlags(t, args...)
	obj, err := ToUnstructured(result)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = f.printer.PrintObj(obj, &buf)
	return buf.String(), err
}

// printed is what -o json prints now.
func printed(t *testing.T, result any, args ...string) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	err := jsonFlags(t, args...).Print(&buf, result, nil)
	return buf.String(), err
}

// odd is a result with what a round trip through a map changes: keys out
// of order, numbers beyond int64 and floats, escapes, an invalid byte,
// HTML characters, empty and null values, managedFields.
type odd struct {
	Kind       string         `json:"kind,omitempty"`
	APIVersion string         `json:"apiVersion,omitempty"`
	Metadata   map[string]any `json:"metadata,omitempty"`
	Zeta       string         `json:"zeta"`
	Alpha      []any          `json:"alpha"`
	Big        uint64         `json:"big"`
	Neg        int64          `json:"neg"`
	F64        float64        `json:"f64"`
	F32        float32        `json:"f32"`
	Tiny       float64        `json:"tiny"`
	Huge       float64        `json:"huge"`
	Empty      struct{}       `json:"empty"`
	Nil        []string       `json:"nil"`
	Map        map[string]int `json:"map"`
	Items      *[]any         `json:"items,omitempty"`
}

func oddOne(kind string) odd {
	return odd{
		Kind: kind, APIVersion: "v1",
		Metadata: map[string]any{"name": "x", "managedFields": []any{map[string]any{"manager": "m"}}, "labels": map[string]string{"b": "2", "a": "1"}},
		Zeta:     "<a href=\"x\">&amp;</a> \u2028 \u2029 \t\n\x01 é 日本 \xff\xfe end \\ /",
		Alpha:    []any{1, "two", nil, true, false, []any{}, map[string]any{}, 3.25, -0.0},
		Big:      math.MaxUint64, Neg: math.MinInt64,
		F64: 0.1, F32: 0.1, Tiny: 1.5e-7, Huge: 1e21,
		Map: map[string]int{"z": 1, "Z": 2, "aa": 3, "a": 4, "ä": 5, "a b": 6},
	}
}

func TestWriteJSONPrintsWhatThePrinterPrinted(t *testing.T) {
	lease := sample()
	emptyItems := []any{}
	noKindItems := []any{oddOne(""), map[string]any{"kind": "", "apiVersion": 5}, map[string]any{"apiVersion": "x/v1"}}
	oddItems := []any{oddOne("Odd"), oddOne("Odd")}
	withItems := func(o odd, items *[]any) odd { o.Items = items; return o }

	cases := map[string]any{
		"list":                    lease,
		"nil items":               itemList{TypeMeta: ListMeta("Thing")},
		"one object":              lease.Items[0],
		"odd object":              oddOne("Odd"),
		"odd list":                withItems(oddOne("OddList"), &oddItems),
		"empty list":              withItems(oddOne("OddList"), &emptyItems),
		"items without kinds":     withItems(oddOne("ThingList"), &noKindItems),
		"list not named List":     withItems(oddOne("Things"), &noKindItems),
		"list without apiVersion": withItems(odd{Kind: "ThingList"}, &noKindItems),
		"item with labels only":   itemList{TypeMeta: ListMeta("Thing"), Items: []item{{ObjectMeta: metav1.ObjectMeta{Name: "n", Labels: map[string]string{"<": ">"}}}}},
	}
	for name, result := range cases {
		for _, args := range [][]string{nil, {"--show-managed-fields"}} {
			t.Run(name+strings.Join(args, ""), func(t *testing.T) {
				want, werr := printedLongWay(t, result, args...)
				got, gerr := printed(t, result, args...)
				if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
					t.Fatalf("error %v, the printer's %v", gerr, werr)
				}
				if got != want {
					t.Fatalf("printed\n%s\nthe printer printed\n%s", got, want)
				}
				if err := writeJSON(&bytes.Buffer{}, result, len(args) > 0); err != nil {
					t.Fatalf("left to the printer: %v", err)
				}
			})
		}
	}
}

// What writeJSON leaves to the printer is still printed, or refused, the
// printer's way.
func TestWriteJSONLeavesTheOddToThePrinter(t *testing.T) {
	notObject := []any{1}
	for name, result := range map[string]any{
		"no kind":             odd{},
		"an item not object":  odd{Kind: "XList", Items: &notObject},
		"not an object":       []int{1, 2},
		"a string":            "x",
		"items not a list":    map[string]any{"kind": "X", "items": 3},
		"items null":          map[string]any{"kind": "XList", "items": nil},
		"kind not a string":   map[string]any{"kind": 3},
		"apiVersion repeated": map[string]any{"kind": "K", "apiVersion": "v1", "metadata": map[string]any{"managedFields": 1}},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			fast := writeJSON(&buf, result, false)
			want, werr := printedLongWay(t, result)
			got, gerr := printed(t, result)
			if (werr == nil) != (gerr == nil) || got != want {
				t.Fatalf("printed %q (%v), the printer %q (%v); writeJSON said %v", got, gerr, want, werr, fast)
			}
		})
	}
}
