package snapshot

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// The real API server's Manifest lists (testdata/README.md): every item takes
// the fast pass and decodes to exactly what akash.DecodeManifest makes of it;
// the continue token and the items kept for a backup are the list's own.
func TestReadManifestPageRealCaptures(t *testing.T) {
	for _, name := range []string{"manifests-page.json", "manifests-rich.json"} {
		t.Run(name, func(t *testing.T) {
			body := read(t, "testdata/"+name)
			var list struct {
				Metadata metav1.ListMeta   `json:"metadata"`
				Items    []json.RawMessage `json:"items"`
			}
			if err := json.Unmarshal(body, &list); err != nil {
				t.Fatal(err)
			}
			page, err := readManifestPage(bytes.NewReader(body), true)
			if err != nil {
				t.Fatal(err)
			}
			if page.cont != list.Metadata.Continue || len(page.errs) != 0 || len(page.raw) != len(list.Items) || len(page.manifests) != len(list.Items) {
				t.Fatalf("continue %q (want %q), %d errors, %d raw and %d manifests of %d items", page.cont, list.Metadata.Continue, len(page.errs), len(page.raw), len(page.manifests), len(list.Items))
			}
			for i, item := range list.Items {
				if !bytes.Equal(page.raw[i], item) {
					t.Errorf("item %d kept as %s, sent as %s", i, page.raw[i], item)
				}
				want, err := akash.DecodeManifest(item)
				if err != nil {
					t.Fatal(err)
				}
				got, ok := decodeManifestFast(item)
				if !ok {
					t.Fatalf("item %d left the fast pass", i)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("item %d:\n got %#v\nwant %#v", i, got, want)
				}
				if !reflect.DeepEqual(page.manifests[i], want) {
					t.Errorf("item %d of the page differs from DecodeManifest's", i)
				}
			}
			if name == "manifests-rich.json" && len(want(t, list.Items[0]).Spec.Group.Services[0].Expose[0].Hosts) == 0 {
				t.Fatal("the rich capture lost its hosts: not the data this test needs")
			}
			if page, _ := readManifestPage(bytes.NewReader(body), false); page.raw != nil {
				t.Error("the items were kept without a backup to write")
			}
		})
	}
}

func want(t *testing.T, raw []byte) *akash.Manifest {
	t.Helper()
	m, err := akash.DecodeManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Whatever the fast pass does not read exactly as encoding/json would, it
// leaves to akash.DecodeManifest: the page holds DecodeManifest's result, or
// its error word for word, and still every item for the backup.
func TestReadManifestPageFallsBackToDecodeManifest(t *testing.T) {
	const meta = `"metadata":{"name":"m","namespace":"lease","uid":"u1","resourceVersion":"7","labels":{"akash.network":"true"},"creationTimestamp":"2026-01-02T03:04:05Z"}`
	svc := func(s string) string {
		return `{` + meta + `,"spec":{"lease_id":{"owner":"o","dseq":"5","gseq":1,"oseq":1,"provider":"p"},"group":{"name":"g","services":[` + s + `]}}}`
	}
	cases := map[string]struct {
		item string
		fast bool // the fast pass reads it itself
	}{
		"plain":                      {svc(`{"name":"web","image":"nginx","count":1}`), true},
		"numbers as strings":         {svc(`{"name":"web","count":"2","resources":{"id":"1","cpu":{"units":"500"}}}`), true},
		"a whole float":              {svc(`{"name":"web","count":2.0}`), true},
		"unknown fields":             {svc(`{"name":"web","params":{"storage":[{"name":"x","mount":"/d"}]},"credentials":null}`), true},
		"a negative count":           {svc(`{"name":"web","count":-1}`), false},
		"a fractional count":         {svc(`{"name":"web","count":1.5}`), false},
		"a null command":             {svc(`{"name":"web","command":null}`), false},
		"a null count":               {svc(`{"name":"web","count":null}`), false},
		"a number in env":            {svc(`{"name":"web","env":[1]}`), false},
		"global as a string":         {svc(`{"name":"web","expose":[{"port":80,"global":"yes"}]}`), false},
		"a key in another case":      {svc(`{"Name":"web","IMAGE":"nginx"}`), false},
		"a repeated key":             {svc(`{"name":"web","name":"api"}`), false},
		"a repeated list":            {svc(`{"name":"web","args":["a","b"],"args":["c"]}`), false},
		"a lone surrogate":           {svc(`{"name":"web","image":"\ud800"}`), false},
		"invalid UTF-8":              {svc("{\"name\":\"web\",\"image\":\"\xff\"}"), false},
		"a null spec":                {`{` + meta + `,"spec":null}`, false},
		"no spec":                    {`{` + meta + `}`, true},
		"null labels":                {`{"metadata":{"name":"m","labels":null}}`, false},
		"a label that is a number":   {`{"metadata":{"name":"m","labels":{"a":1}}}`, false},
		"a bad creationTimestamp":    {`{"metadata":{"name":"m","creationTimestamp":"yesterday"}}`, false},
		"metadata in another case":   {`{"Metadata":{"name":"m"}}`, false},
		"services that are a string": {`{` + meta + `,"spec":{"group":{"services":"web"}}}`, false},
		"an escaped key":             {svc(`{"na\u006de":"web"}`), false},
		"an escaped label key":       {`{"metadata":{"name":"m","labels":{"a\u002fb":"c"}}}`, true},
		"escapes in a value":         {svc(`{"name":"web","env":["A=\"q\"\n","B=\u00e9"]}`), true},
		"deep unknown nesting":       {svc(`{"name":"web","params":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`), false},
		"invalid JSON: a number":     {svc(`{"name":"web","params":01}`), false},
		"invalid JSON: a literal":    {svc(`{"name":"web","params":tru}`), false},
		"invalid JSON: a control":    {svc("{\"name\":\"web\",\"params\":\"a\tb\"}"), false},
		"invalid JSON: a comma":      {svc(`{"name":"web",}`), false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if !json.Valid([]byte(c.item)) && !strings.Contains(name, "UTF-8") && !strings.HasPrefix(name, "invalid JSON") {
				t.Fatalf("not JSON: %s", c.item)
			}
			if _, ok := decodeManifestFast([]byte(c.item)); ok != c.fast {
				t.Errorf("fast pass taken: %v, want %v", ok, c.fast)
			}
			page, err := readManifestPage(strings.NewReader(`{"kind":"ManifestList","items":[`+c.item+`],"metadata":{"continue":"next"}}`), true)
			if err != nil {
				t.Fatal(err)
			}
			if page.cont != "next" || len(page.raw) != 1 || string(page.raw[0]) != c.item {
				t.Fatalf("continue %q, raw %q", page.cont, page.raw)
			}
			m, err := akash.DecodeManifest([]byte(c.item))
			if err != nil {
				if len(page.errs) != 1 || page.errs[0].Error() != err.Error() || len(page.manifests) != 0 {
					t.Fatalf("errors %v, want [%v]", page.errs, err)
				}
				return
			}
			if len(page.errs) != 0 || len(page.manifests) != 1 || !reflect.DeepEqual(page.manifests[0], m) {
				t.Fatalf("got %#v (errors %v)\nwant %#v", page.manifests, page.errs, m)
			}
		})
	}
}

// The fast pass reads one object and nothing after it.
func TestDecodeManifestFastTrailingBytes(t *testing.T) {
	if _, ok := decodeManifestFast([]byte(`{"metadata":{"name":"m"}} x`)); ok {
		t.Error("bytes after the object were ignored")
	}
	if _, ok := decodeManifestFast([]byte(` {"metadata":{"name":"m"}} `)); !ok {
		t.Error("white space around the object was refused")
	}
}

// A body that is not a Manifest list is one error for the whole read; an
// empty or null list is no Manifest and no error.
func TestReadManifestPageBodies(t *testing.T) {
	for _, body := range []string{`[]`, `"x"`, `{"items":[{"metadata":{}}`, `{"items":[{]}`, ``} {
		if _, err := readManifestPage(strings.NewReader(body), true); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
	for _, body := range []string{`{"items":null}`, `{"items":[]}`, `{"apiVersion":"v1"}`} {
		page, err := readManifestPage(strings.NewReader(body), true)
		if err != nil || len(page.manifests) != 0 || len(page.raw) != 0 || len(page.errs) != 0 {
			t.Errorf("%q: %+v, %v", body, page, err)
		}
	}
}
