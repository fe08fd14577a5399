package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Manifests are a custom resource, so the API server sends them as JSON, and
// on a provider with thousands of leases decoding that JSON with
// encoding/json was most of manifests heal's CPU time: the list walked as
// tokens, each item copied out whole, scanned again to fill an ObjectMeta
// (managedFields and all), and its spec scanned a third time. Here each item
// is cut out of the stream once by its brackets (the bytes a backup keeps)
// and the fields akash.Manifest holds are read from it in one more pass
// (jsonscan.go), everything else walked over, checked but not decoded.
// Whatever that pass does not handle exactly as akash.DecodeManifest would —
// a null, an unexpected type, a key that matches a field only
// case-insensitively or has an escape, a repeated key, text with the
// replacement character, JSON that is not valid — sends the item to
// akash.DecodeManifest itself, so the result, errors included, is always the
// one DecodeManifest gives (manifestjson_test.go checks both on real
// captures). An item that is not JSON at all is that item's error, as one
// whose spec does not decode; a list that is not JSON is the read's.

// manifestPage is what one page of a Manifest LIST holds.
type manifestPage struct {
	manifests []*akash.Manifest
	errs      []error
	raw       []json.RawMessage // each item as sent, when kept
	cont      string
}

// readManifestPage reads a Manifest list ({"metadata":…,"items":[…]} in any
// key order) as it streams in. keepRaw keeps each item's JSON for a backup.
func readManifestPage(body io.Reader, keepRaw bool) (manifestPage, error) {
	var page manifestPage
	r := bufio.NewReaderSize(body, 64<<10)
	if _, err := expectByte(r, "{"); err != nil {
		return page, fmt.Errorf("not a list: %w", err)
	}
	var buf []byte // one key or value, reused: the items are copied out
	for {
		if c, _ := skipSpace(r); c == '}' {
			_, _ = r.ReadByte()
			break
		}
		var err error
		if buf, err = captureValue(r, buf[:0]); err != nil {
			return page, err
		}
		var key string
		if err := json.Unmarshal(buf, &key); err != nil {
			return page, fmt.Errorf("not a list: %w", err)
		}
		if _, err := expectByte(r, ":"); err != nil {
			return page, err
		}
		switch key {
		case "items":
			if buf, err = page.readItems(r, buf[:0], keepRaw); err != nil {
				return page, err
			}
		case "metadata":
			if buf, err = captureValue(r, buf[:0]); err != nil {
				return page, err
			}
			var meta metav1.ListMeta
			if err := json.Unmarshal(buf, &meta); err != nil {
				return page, err
			}
			page.cont = meta.Continue
		default:
			if buf, err = captureValue(r, buf[:0]); err != nil {
				return page, err
			}
		}
		if c, err := expectByte(r, ",}"); err != nil {
			return page, err
		} else if c == '}' {
			break
		}
	}
	return page, nil
}

// readItems reads the items array (or null) one item at a time.
func (p *manifestPage) readItems(r *bufio.Reader, buf []byte, keepRaw bool) ([]byte, error) {
	c, err := skipSpace(r)
	if err != nil {
		return buf, err
	}
	if c == 'n' {
		buf, err = captureValue(r, buf)
		if err == nil && string(buf) != "null" {
			err = fmt.Errorf("not a list: items is %s", buf)
		}
		return buf, err
	}
	if _, err := expectByte(r, "["); err != nil {
		return buf, fmt.Errorf("not a list: %w", err)
	}
	if c, _ := skipSpace(r); c == ']' {
		_, _ = r.ReadByte()
		return buf, nil
	}
	for {
		if buf, err = captureValue(r, buf[:0]); err != nil {
			return buf, err
		}
		p.add(append([]byte(nil), buf...), keepRaw)
		if c, err := expectByte(r, ",]"); err != nil || c == ']' {
			return buf, err
		}
	}
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

// decodeManifestFast reads the fields akash.Manifest holds from one Manifest
// object; false when the item needs akash.DecodeManifest (see above).
func decodeManifestFast(raw []byte) (*akash.Manifest, bool) {
	d := &fastDecoder{scanner{b: raw, ok: true}}
	m := &akash.Manifest{}
	d.fields(topKeys, func(i int) {
		switch i {
		case 0:
			d.metadata(m)
		case 1:
			d.spec(&m.Spec)
		}
	})
	if d.ws(); d.i != len(d.b) {
		d.fail()
	}
	if !d.ok {
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

// fastDecoder reads the typed view; ok turns false at the first thing it
// does not handle, and every read after that is a no-op.
type fastDecoder struct{ scanner }

// fields calls f with the index in keys of each key present, skipping the
// others. encoding/json matches keys case-insensitively and lets a repeated
// key merge into what came before: both fail here, as does a key with an
// escape (read only by encoding/json).
func (d *fastDecoder) fields(keys []string, f func(i int)) {
	var seen uint16
	d.object(func(key []byte, plain bool) {
		if !plain {
			d.fail()
			return
		}
		i := index(keys, key)
		switch {
		case i >= 0 && seen&(1<<i) != 0:
			d.fail()
		case i >= 0:
			seen |= 1 << i
			f(i)
		case foldsToOneOf(keys, key):
			d.fail()
		default:
			d.skip()
		}
	})
}

func index(keys []string, key []byte) int {
	for i, k := range keys {
		if k == string(key) {
			return i
		}
	}
	return -1
}

func foldsToOneOf(keys []string, key []byte) bool {
	for _, k := range keys {
		if bytes.EqualFold([]byte(k), key) {
			return true
		}
	}
	return false
}

// string reads a string; a null or another type fails. One holding the
// replacement character fails too: encoding/json puts it in for invalid
// input, and the two readers might differ there.
func (d *fastDecoder) string(s *string) {
	v := d.str()
	if d.ok && strings.ContainsRune(v, utf8.RuneError) {
		d.fail()
		return
	}
	*s = v
}

func (d *fastDecoder) strings(s *[]string) {
	out := []string{}
	d.array(func() {
		var v string
		d.string(&v)
		out = append(out, v)
	})
	if d.ok {
		*s = out
	}
}

// uint hands a number or a string to akash.Uint's own UnmarshalJSON, as
// encoding/json does.
func (d *fastDecoder) uint(u *akash.Uint) {
	var raw []byte
	switch c := d.next(); {
	case c == '"':
		// A string of digits only reads as the number it spells, without
		// encoding/json's unquoting; any other string goes through it.
		var plain bool
		if raw, plain = d.rawString(); plain && allDigits(raw[1:len(raw)-1]) {
			raw = raw[1 : len(raw)-1]
		}
	case c == '-' || (c >= '0' && c <= '9'):
		raw = d.number()
	default:
		d.fail()
	}
	if d.ok && u.UnmarshalJSON(raw) != nil {
		d.fail()
	}
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

func (d *fastDecoder) metadata(m *akash.Manifest) {
	d.fields(metaKeys, func(i int) {
		switch i {
		case 0:
			d.string(&m.Name)
		case 1:
			d.string(&m.Namespace)
		case 2:
			d.string(&m.UID)
		case 3:
			d.string(&m.ResourceVersion)
		case 4:
			d.labels(&m.Labels)
		case 5:
			raw, _ := d.rawString()
			if d.ok && m.Created.UnmarshalJSON(raw) != nil {
				d.fail()
			}
		}
	})
}

// labels reads a map of strings; a key repeated keeps the last value, as in
// encoding/json.
func (d *fastDecoder) labels(out *map[string]string) {
	m := map[string]string{}
	d.object(func(key []byte, plain bool) {
		k := string(key)
		if !plain {
			var err error
			if k, err = unquote(key); err != nil || strings.ContainsRune(k, utf8.RuneError) {
				d.fail()
				return
			}
		}
		var v string
		d.string(&v)
		m[k] = v
	})
	if d.ok {
		*out = m
	}
}

// unquote reads the text of a key with escapes, as encoding/json does.
func unquote(key []byte) (string, error) {
	var s string
	err := json.Unmarshal(append(append([]byte{'"'}, key...), '"'), &s)
	return s, err
}
func (d *fastDecoder) spec(s *akash.ManifestSpec) {
	d.fields(specKeys, func(i int) {
		switch i {
		case 0:
			d.leaseID(&s.LeaseID)
		case 1:
			d.group(&s.Group)
		}
	})
}

func (d *fastDecoder) leaseID(l *akash.ManifestLeaseID) {
	d.fields(leaseIDKeys, func(i int) {
		switch i {
		case 0:
			d.string(&l.Owner)
		case 1:
			d.uint(&l.DSeq)
		case 2:
			d.uint(&l.GSeq)
		case 3:
			d.uint(&l.OSeq)
		case 4:
			d.string(&l.Provider)
		}
	})
}

func (d *fastDecoder) group(g *akash.ManifestGroup) {
	d.fields(groupKeys, func(i int) {
		switch i {
		case 0:
			d.string(&g.Name)
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
	d.fields(serviceKeys, func(i int) {
		switch i {
		case 0:
			d.string(&s.Name)
		case 1:
			d.string(&s.Image)
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
	d.fields(resourceKeys, func(i int) {
		switch i {
		case 0:
			d.uint(&r.ID)
		case 1:
			d.fields(unitsKeys, func(int) { d.uint(&r.CPU.Units) })
		case 2:
			d.fields(unitsKeys, func(int) { d.uint(&r.GPU.Units) })
		case 3:
			d.fields(sizeKeys, func(int) { d.uint(&r.Memory.Size) })
		case 4:
			storage := emptyLike(r.Storage) // of the anonymous element type
			d.array(func() {
				st, e := grow(storage)
				storage = st
				d.fields(storageKeys, func(i int) {
					if i == 0 {
						d.string(&e.Name)
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
	d.fields(exposeKeys, func(i int) {
		switch i {
		case 0:
			d.uint(&e.Port)
		case 1:
			d.uint(&e.ExternalPort)
		case 2:
			d.string(&e.Proto)
		case 3:
			d.string(&e.Service)
		case 4:
			switch d.next() {
			case 't':
				d.literal("true")
				e.Global = true
			case 'f':
				d.literal("false")
				e.Global = false
			default:
				d.fail()
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
