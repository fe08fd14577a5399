package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	jsoniter "github.com/json-iterator/go"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Manifests are a custom resource, so the API server sends them as JSON, and
// on a provider with thousands of leases decoding that JSON with
// encoding/json was most of manifests heal's CPU time: the list walked as
// tokens, each item copied out whole, scanned again to fill an ObjectMeta
// (managedFields and all), and its spec scanned a third time. Here each item
// is cut out of the stream once (the bytes a backup keeps) and the fields
// akash.Manifest holds are read from it in one more pass, everything else
// skipped without being decoded. Whatever that pass does not handle exactly
// as akash.DecodeManifest would — a null, an unexpected type, a key that
// matches a field only case-insensitively, a repeated key — sends the item to
// akash.DecodeManifest itself, so the result, errors included, is always the
// one DecodeManifest gives (manifestjson_test.go checks both on real
// captures).

// manifestPage is what one page of a Manifest LIST holds.
type manifestPage struct {
	manifests []*akash.Manifest
	errs      []error
	raw       []json.RawMessage // each item as sent, when kept
	cont      string
}

// readManifestPage reads a Manifest list ({"metadata":…,"items":[…]} in any
// key order) as it streams in. keepRaw keeps each item's JSON for a backup.
func readManifestPage(r io.Reader, keepRaw bool) (manifestPage, error) {
	var page manifestPage
	it := jsoniter.Parse(jsoniter.ConfigDefault, r, 64<<10)
	if it.WhatIsNext() != jsoniter.ObjectValue {
		return page, fmt.Errorf("not a list: %s", describeNext(it))
	}
	it.ReadObjectCB(func(it *jsoniter.Iterator, key string) bool {
		switch key {
		case "items":
			return it.ReadArrayCB(func(it *jsoniter.Iterator) bool {
				raw := bytes.TrimSpace(it.SkipAndReturnBytes())
				if it.Error != nil {
					return false
				}
				page.add(raw, keepRaw)
				return true
			})
		case "metadata":
			var meta metav1.ListMeta
			if err := json.Unmarshal(it.SkipAndReturnBytes(), &meta); err != nil {
				it.ReportError("metadata", err.Error())
				return false
			}
			page.cont = meta.Continue
		default:
			it.Skip()
		}
		return it.Error == nil
	})
	if it.Error != nil && it.Error != io.EOF {
		return manifestPage{}, it.Error
	}
	return page, nil
}

// add decodes one item into the page: by the fast pass when it can,
// otherwise by akash.DecodeManifest, whose error is the item's. A backup
// keeps every item, decoded or not.
func (p *manifestPage) add(raw []byte, keepRaw bool) {
	if keepRaw {
		p.raw = append(p.raw, raw)
	}
	m, ok := decodeManifestFast(raw)
	if !ok {
		var err error
		if m, err = akash.DecodeManifest(raw); err != nil {
			p.errs = append(p.errs, err)
			return
		}
	}
	p.manifests = append(p.manifests, m)
}

func describeNext(it *jsoniter.Iterator) string {
	if it.Error != nil {
		return it.Error.Error()
	}
	return "the body is not a JSON object"
}

// decodeManifestFast reads the fields akash.Manifest holds from one Manifest
// object; false when the item needs akash.DecodeManifest (see above).
func decodeManifestFast(raw []byte) (*akash.Manifest, bool) {
	it := jsoniter.ConfigDefault.BorrowIterator(raw)
	defer jsoniter.ConfigDefault.ReturnIterator(it)
	d := &fastDecoder{it: it, ok: true}
	m := &akash.Manifest{}
	d.object(topKeys, func(i int) {
		switch i {
		case 0:
			d.metadata(m)
		case 1:
			d.spec(&m.Spec)
		}
	})
	if !d.ok || (it.Error != nil && it.Error != io.EOF) {
		return nil, false
	}
	return m, true
}

// The keys read at each level, in the order of the switch that reads them.
var (
	topKeys      = []string{"metadata", "spec"}
	metaKeys     = []string{"name", "namespace", "uid", "resourceVersion", "labels", "creationTimestamp"}
	specKeys     = []string{"lease_id", "group"}
	leaseIDKeys  = []string{"owner", "dseq", "gseq", "oseq", "provider"}
	groupKeys    = []string{"name", "services"}
	serviceKeys  = []string{"name", "image", "command", "args", "env", "resources", "count", "expose"}
	resourceKeys = []string{"id", "cpu", "gpu", "memory", "storage"}
	unitsKeys    = []string{"units"}
	sizeKeys     = []string{"size"}
	storageKeys  = []string{"name", "size"}
	exposeKeys   = []string{"port", "external_port", "proto", "service", "global", "hosts"}
)

// fastDecoder walks one object; ok turns false at the first thing it does
// not handle, and every read after that is a no-op.
type fastDecoder struct {
	it *jsoniter.Iterator
	ok bool
}

func (d *fastDecoder) fail() bool { d.ok = false; return false }

// expect checks the type of the next value; a null or another type fails.
func (d *fastDecoder) expect(t jsoniter.ValueType) bool {
	if !d.ok || d.it.WhatIsNext() != t {
		return d.fail()
	}
	return true
}

// object calls f with the index in keys of each key present, skipping the
// others. encoding/json matches keys case-insensitively and lets a repeated
// key merge into what came before: both fail here.
func (d *fastDecoder) object(keys []string, f func(i int)) {
	if !d.expect(jsoniter.ObjectValue) {
		return
	}
	var seen uint16
	d.it.ReadObjectCB(func(it *jsoniter.Iterator, key string) bool {
		i := index(keys, key)
		switch {
		case i >= 0 && seen&(1<<i) != 0:
			return d.fail()
		case i >= 0:
			seen |= 1 << i
			f(i)
		case foldsToOneOf(keys, key):
			return d.fail()
		default:
			it.Skip()
		}
		return d.ok && it.Error == nil
	})
}

// array calls f for each element; an empty array is still called for zero
// times (the caller makes the empty, non-nil slice encoding/json makes).
func (d *fastDecoder) array(f func()) {
	if !d.expect(jsoniter.ArrayValue) {
		return
	}
	d.it.ReadArrayCB(func(it *jsoniter.Iterator) bool {
		f()
		return d.ok && it.Error == nil
	})
}

func index(keys []string, key string) int {
	for i, k := range keys {
		if k == key {
			return i
		}
	}
	return -1
}

func foldsToOneOf(keys []string, key string) bool {
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// str reads a string. One that is not valid UTF-8, or holds the replacement
// character encoding/json would have put in for bad input, fails: the two
// decoders might differ there.
func (d *fastDecoder) str(s *string) {
	if !d.expect(jsoniter.StringValue) {
		return
	}
	v := d.it.ReadString()
	if !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError) {
		d.fail()
		return
	}
	*s = v
}

func (d *fastDecoder) strings(s *[]string) {
	out := []string{}
	d.array(func() {
		var v string
		d.str(&v)
		out = append(out, v)
	})
	if d.ok {
		*s = out
	}
}

// unmarshaler hands the value's JSON to the type's own UnmarshalJSON, as
// encoding/json does (akash.Uint takes a number or a string).
func (d *fastDecoder) unmarshaler(u json.Unmarshaler, types ...jsoniter.ValueType) {
	if !d.ok {
		return
	}
	next := d.it.WhatIsNext()
	if !containsType(types, next) {
		d.fail()
		return
	}
	raw := d.it.SkipAndReturnBytes()
	if d.it.Error != nil || u.UnmarshalJSON(bytes.TrimSpace(raw)) != nil {
		d.fail()
	}
}

func containsType(types []jsoniter.ValueType, t jsoniter.ValueType) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

func (d *fastDecoder) uint(u *akash.Uint) {
	d.unmarshaler(u, jsoniter.NumberValue, jsoniter.StringValue)
}

func (d *fastDecoder) metadata(m *akash.Manifest) {
	d.object(metaKeys, func(i int) {
		switch i {
		case 0:
			d.str(&m.Name)
		case 1:
			d.str(&m.Namespace)
		case 2:
			d.str(&m.UID)
		case 3:
			d.str(&m.ResourceVersion)
		case 4:
			d.labels(&m.Labels)
		case 5:
			d.unmarshaler(&m.Created, jsoniter.StringValue)
		}
	})
}

// labels reads a map of strings; a key repeated keeps the last value, as in
// encoding/json.
func (d *fastDecoder) labels(out *map[string]string) {
	if !d.expect(jsoniter.ObjectValue) {
		return
	}
	m := map[string]string{}
	d.it.ReadObjectCB(func(it *jsoniter.Iterator, key string) bool {
		if !utf8.ValidString(key) || strings.ContainsRune(key, utf8.RuneError) {
			return d.fail()
		}
		var v string
		d.str(&v)
		m[key] = v
		return d.ok && it.Error == nil
	})
	if d.ok {
		*out = m
	}
}

func (d *fastDecoder) spec(s *akash.ManifestSpec) {
	d.object(specKeys, func(i int) {
		switch i {
		case 0:
			d.leaseID(&s.LeaseID)
		case 1:
			d.group(&s.Group)
		}
	})
}

func (d *fastDecoder) leaseID(l *akash.ManifestLeaseID) {
	d.object(leaseIDKeys, func(i int) {
		switch i {
		case 0:
			d.str(&l.Owner)
		case 1:
			d.uint(&l.DSeq)
		case 2:
			d.uint(&l.GSeq)
		case 3:
			d.uint(&l.OSeq)
		case 4:
			d.str(&l.Provider)
		}
	})
}

func (d *fastDecoder) group(g *akash.ManifestGroup) {
	d.object(groupKeys, func(i int) {
		switch i {
		case 0:
			d.str(&g.Name)
		case 1:
			services := []akash.ManifestService{}
			d.array(func() {
				var svc *akash.ManifestService
				services, svc = grow(services)
				d.service(svc)
			})
			g.Services = services
		}
	})
}

func (d *fastDecoder) service(s *akash.ManifestService) {
	d.object(serviceKeys, func(i int) {
		switch i {
		case 0:
			d.str(&s.Name)
		case 1:
			d.str(&s.Image)
		case 2:
			d.strings(&s.Command)
		case 3:
			d.strings(&s.Args)
		case 4:
			d.strings(&s.Env)
		case 5:
			d.resources(&s.Resources)
		case 6:
			d.uint(&s.Count)
		case 7:
			expose := []akash.ServiceExpose{}
			d.array(func() {
				var e *akash.ServiceExpose
				expose, e = grow(expose)
				d.expose(e)
			})
			s.Expose = expose
		}
	})
}

func (d *fastDecoder) resources(r *akash.ServiceResources) {
	d.object(resourceKeys, func(i int) {
		switch i {
		case 0:
			d.uint(&r.ID)
		case 1:
			d.object(unitsKeys, func(int) { d.uint(&r.CPU.Units) })
		case 2:
			d.object(unitsKeys, func(int) { d.uint(&r.GPU.Units) })
		case 3:
			d.object(sizeKeys, func(int) { d.uint(&r.Memory.Size) })
		case 4:
			storage := emptyLike(r.Storage) // of the anonymous element type
			d.array(func() {
				st, e := grow(storage)
				storage = st
				d.object(storageKeys, func(i int) {
					if i == 0 {
						d.str(&e.Name)
					} else {
						d.uint(&e.Size)
					}
				})
			})
			r.Storage = storage
		}
	})
}

func (d *fastDecoder) expose(e *akash.ServiceExpose) {
	d.object(exposeKeys, func(i int) {
		switch i {
		case 0:
			d.uint(&e.Port)
		case 1:
			d.uint(&e.ExternalPort)
		case 2:
			d.str(&e.Proto)
		case 3:
			d.str(&e.Service)
		case 4:
			if d.expect(jsoniter.BoolValue) {
				e.Global = d.it.ReadBool()
			}
		case 5:
			d.strings(&e.Hosts)
		}
	})
}

// emptyLike is an empty, non-nil slice of the type of s: what encoding/json
// makes of [].
func emptyLike[S ~[]E, E any](S) S { return make(S, 0) }

// grow appends a zero element and returns a pointer to it.
func grow[S ~[]E, E any](s S) (S, *E) {
	var zero E
	s = append(s, zero)
	return s, &s[len(s)-1]
}
