package leaseclose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

func readInput(t *testing.T, in string) Input {
	t.Helper()
	got, err := ReadInput(strings.NewReader(in), "-")
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// closeItem is a LeaseClose item as -o json prints it, with one close-bid
// action whose outcome is result.
func closeItem(id akash.LeaseID, result, message string) string {
	it := newItem(id, 0)
	it.Status.Actions[0].Outcome = execute.Outcome{Result: execute.Result(result), Message: message}
	b, err := json.Marshal(it)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestReadInputDropsWhatTheProducerDidNotAct(t *testing.T) {
	var items []string
	want := map[string]bool{} // result -> taken
	for i, res := range []string{"Planned", "DryRun", "Succeeded", "Skipped", "Refused", "Unknown", "Failed", "Conflict", "Forbidden", "Invalid", "NotFound", "SomethingNew"} {
		id := akash.LeaseID{Owner: alice, DSeq: uint64(100 + i), GSeq: 1, OSeq: 1, Provider: provider}
		items = append(items, closeItem(id, res, "because "+res))
		want[res] = res == "Planned" || res == "DryRun" || res == "Succeeded"
	}
	// A Lease (leases list) carries no outcome at all: taken.
	items = append(items, fmt.Sprintf(`{"kind":"Lease","spec":{"leaseID":{"owner":%q,"dseq":"999","gseq":1,"oseq":1,"provider":%q}},"status":{"manifest":true,"namespace":true}}`, bob, provider))
	in := readInput(t, `{"kind":"LeaseCloseList","items":[`+strings.Join(items, ",")+`]}`)
	if len(in.Leases) != 13 {
		t.Fatalf("%d leases", len(in.Leases))
	}
	for i, l := range in.Leases[:12] {
		res := []string{"Planned", "DryRun", "Succeeded", "Skipped", "Refused", "Unknown", "Failed", "Conflict", "Forbidden", "Invalid", "NotFound", "SomethingNew"}[i]
		if taken := l.Dropped == nil; taken != want[res] {
			t.Errorf("%s: taken %v", res, taken)
		}
		if l.Dropped != nil && (l.Dropped.Result != res || l.Reason() != "the input records "+res+" (because "+res+")" || l.Where != fmt.Sprintf("$.items[%d].spec.leaseID", i)) {
			t.Errorf("%s: %+v %q %s", res, l.Dropped, l.Reason(), l.Where)
		}
	}
	if in.Leases[12].Dropped != nil {
		t.Errorf("a lease without outcome must be taken")
	}
	var w bytes.Buffer
	in.Warn(&w, "-")
	if n := strings.Count(w.String(), "\n"); n != 9 || !strings.Contains(w.String(), "warning: -f -: $.items[3].spec.leaseID: lease "+alice+"/103/1/1/"+provider+" not taken: the input records Skipped (because Skipped)") {
		t.Errorf("%d warnings:\n%s", n, w.String())
	}
	if err := in.NothingLeft("-"); err != nil {
		t.Errorf("leases are left: %v", err)
	}
}

func TestReadInputOutcomeShapes(t *testing.T) {
	id := fmt.Sprintf(`{"owner":%q,"dseq":"5","gseq":1,"oseq":1,"provider":%q}`, alice, provider)
	for name, c := range map[string]struct {
		in      string
		dropped string
	}{
		// DanglingLease: teardown deletes, one failed.
		"one failed action of several":                  {`{"items":[{"spec":{"leaseID":` + id + `},"status":{"actions":[{"verb":"delete","outcome":{"result":"Succeeded"}},{"verb":"delete","outcome":{"result":"Forbidden","message":"RBAC"}}]}}]}`, "Forbidden"},
		"no actions planned":                            {`{"items":[{"spec":{"leaseID":` + id + `},"status":{"actions":[]}}]}`, "Skipped"},
		"plain status":                                  {`[{"spec":{"leaseID":` + id + `},"status":"Skipped"}]`, "Skipped"},
		"status.result":                                 {`[{"spec":{"leaseID":` + id + `},"status":{"result":"Refused","message":"x"}}]`, "Refused"},
		"a status that is no outcome":                   {`[{"spec":{"leaseID":` + id + `},"status":"deployed"}]`, ""},
		"an inner Planned cannot lift an outer Skipped": {`[{"spec":{"leaseID":` + id + `},"status":"Skipped","nested":{"status":"Planned","leaseID":` + id + `}}]`, "Skipped"},
		"yaml": {"items:\n- spec:\n    leaseID: " + id + "\n  status:\n    actions:\n    - outcome: {result: Skipped, message: owner protected by --exclude-owner}\n", "Skipped"},
	} {
		in := readInput(t, c.in)
		if len(in.Leases) != 1 {
			t.Errorf("%s: %+v", name, in.Leases)
			continue
		}
		got := ""
		if d := in.Leases[0].Dropped; d != nil {
			got = d.Result
		}
		if got != c.dropped {
			t.Errorf("%s: dropped %q, want %q", name, got, c.dropped)
		}
	}
}

func TestReadInputDroppedAnywhereIsDropped(t *testing.T) {
	l := akash.LeaseID{Owner: alice, DSeq: 7, GSeq: 1, OSeq: 1, Provider: provider}
	in := readInput(t, "["+closeItem(l, "Planned", "")+","+closeItem(l, "Skipped", "protected")+"]")
	if len(in.Leases) != 1 || in.Leases[0].Dropped == nil || len(in.IDs()) != 0 {
		t.Fatalf("%+v", in.Leases)
	}
	if err := in.NothingLeft("-"); err != nil {
		t.Fatalf("only Skipped leases: nothing to do is no error: %v", err)
	}
	in = readInput(t, "["+closeItem(l, "Failed", "boom")+"]")
	if err := in.NothingLeft("-"); err == nil || !strings.Contains(err.Error(), "nothing to close: 1 lease(s) failed or were refused") {
		t.Fatalf("%v", err)
	}
	items := FromInput(in, nil, 0)
	if a := items[0].Status.Actions[0]; a.Result != execute.Skipped || a.Message != "not taken from -f: the input records Failed (boom)" {
		t.Fatalf("%+v", a)
	}
}

func TestReadInputExactNumbers(t *testing.T) {
	for _, dseq := range []uint64{9007199254740993, math.MaxUint64, 1<<53 + 1, 8438017} {
		for name, in := range map[string]string{
			"json number": fmt.Sprintf(`[{"owner":%q,"dseq":%d,"gseq":4294967295,"oseq":1,"provider":%q}]`, alice, dseq, provider),
			"json string": fmt.Sprintf(`[{"owner":%q,"dseq":"%d","gseq":4294967295,"oseq":1,"provider":%q}]`, alice, dseq, provider),
			"yaml":        fmt.Sprintf("- owner: %s\n  dseq: %d\n  gseq: 4294967295\n  oseq: 1\n  provider: %s\n", alice, dseq, provider),
			"json stream": fmt.Sprintf(`{"owner":%q,"dseq":%d,"gseq":4294967295,"oseq":1,"provider":%q} {"items":[]}`, alice, dseq, provider),
			"line":        fmt.Sprintf("%s/%d/4294967295/1/%s\n", alice, dseq, provider),
			"exponent ok": fmt.Sprintf(`[{"owner":%q,"dseq":%d.000,"gseq":4.294967295e9,"oseq":1e0,"provider":%q}]`, alice, dseq, provider),
		} {
			ids, err := read(t, in)
			if err != nil || len(ids) != 1 || ids[0].DSeq != dseq || ids[0].GSeq != math.MaxUint32 {
				t.Errorf("%s %d: %+v %v", name, dseq, ids, err)
			}
		}
	}
}

func TestReadInputNumberErrors(t *testing.T) {
	for v, want := range map[string]string{
		`-5`:                     "dseq -5 is negative",
		`7.5`:                    "dseq 7.5 is not a whole number",
		`1e-1`:                   "dseq 1e-1 is not a whole number",
		`18446744073709551616`:   "dseq 18446744073709551616 is out of range: at most 18446744073709551615",
		`1.8446744073709552e19`:  "dseq 1.8446744073709552e19 is out of range: at most 18446744073709551615",
		`1e999999999`:            "dseq 1e999999999 is out of range",
		`true`:                   "dseq is true: want a number or a decimal string",
		`null`:                   "dseq is null: want a number or a decimal string",
		`{"a":1}`:                "dseq is an object: want a number or a decimal string",
		`"12x"`:                  `dseq "12x" is not an unsigned decimal integer`,
		`"-1"`:                   `dseq "-1" is not an unsigned decimal integer`,
		`"99999999999999999999"`: "dseq 99999999999999999999 is out of range",
	} {
		_, err := ReadInput(strings.NewReader(fmt.Sprintf(`{"items":[{"spec":{"leaseID":{"owner":%q,"dseq":%s,"gseq":1,"oseq":1,"provider":%q}}}]}`, alice, v, provider)), "-")
		if err == nil || !strings.HasPrefix(err.Error(), "-f -: $.items[0].spec.leaseID: malformed lease ID: ") || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "map[") {
			t.Errorf("dseq %s: %v, want %q", v, err, want)
		}
	}
	_, err := ReadInput(strings.NewReader(fmt.Sprintf(`[{"owner":%q,"dseq":1,"gseq":4294967296,"oseq":1,"provider":%q}]`, alice, provider)), "-")
	if err == nil || !strings.Contains(err.Error(), "gseq 4294967296 is out of range: at most 4294967295") {
		t.Errorf("gseq: %v", err)
	}
	_, err = ReadInput(strings.NewReader(fmt.Sprintf(`[{"owner":5,"dseq":1,"gseq":1,"oseq":1,"provider":%q}]`, provider)), "-")
	if err == nil || !strings.Contains(err.Error(), "owner is 5: want an akash1... address") {
		t.Errorf("owner: %v", err)
	}
}

func TestReadInputNormalisesAddresses(t *testing.T) {
	upper := strings.ToUpper(alice)
	for name, in := range map[string]string{
		"json": fmt.Sprintf(`[{"owner":%q,"dseq":5,"gseq":1,"oseq":1,"provider":%q}]`, upper, strings.ToUpper(provider)),
		"line": fmt.Sprintf("%s/5/1/1/%s\n", upper, provider),
	} {
		ids, err := read(t, in)
		if err != nil || len(ids) != 1 || ids[0].Owner != alice || ids[0].Provider != provider || ids[0].Namespace() != (akash.LeaseID{Owner: alice, DSeq: 5, GSeq: 1, OSeq: 1, Provider: provider}).Namespace() {
			t.Errorf("%s: %+v %v", name, ids, err)
		}
	}
	// The same lease in two spellings is one lease.
	ids, err := read(t, fmt.Sprintf("%s/5/1/1/%s\n%s/5/1/1/%s\n", upper, provider, alice, provider))
	if err != nil || len(ids) != 1 {
		t.Errorf("%+v %v", ids, err)
	}
}

func TestExcludeIgnoresCase(t *testing.T) {
	items := ByID([]akash.LeaseID{l1, l2}, nil, 0)
	Exclude(items, []string{strings.ToUpper(bob)})
	if items[0].Status.Actions[0].Result != execute.Planned || items[1].Status.Actions[0].Result != execute.Skipped || items[1].Status.Actions[0].Message != ExcludedMessage {
		t.Fatalf("%+v %+v", items[0].Status.Actions[0], items[1].Status.Actions[0])
	}
}

// TestReadInputEmptyActionsAreNotTaken: a DanglingLease of unknown chain
// state, or one whose bid --min-age kept, lists no action: the producer
// decided not to act, so it is not closed either.
func TestReadInputEmptyActionsAreNotTaken(t *testing.T) {
	in := readInput(t, fmt.Sprintf(`{"kind":"DanglingLeaseList","items":[{"kind":"DanglingLease","spec":{"leaseID":{"owner":%q,"dseq":"7","gseq":1,"oseq":1,"provider":%q}},"status":{"actions":[],"note":"the chain state could not be read"}}]}`, alice, provider))
	if len(in.Leases) != 1 || in.Leases[0].Dropped == nil || in.Leases[0].Dropped.Result != "Skipped" || !strings.Contains(in.Leases[0].Reason(), "the chain state could not be read") {
		t.Fatalf("%+v", in.Leases)
	}
}
