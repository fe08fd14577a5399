package snapshot

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// A LIST response of thousands of Deployments is tens of megabytes, and
// client-go's typed List reads all of it into memory, decodes all of it, and
// only then hands the items over: the peak is the body plus every decoded
// object with its managedFields. Reading the body as a stream instead, one
// item at a time, and dropping what no analysis reads (managedFields) before
// the next item is decoded, bounds memory by what is kept — with the same one
// request per resource type.

// protoItem is a built-in object that decodes itself from protobuf (every
// generated Kubernetes type does) and has object metadata.
type protoItem[T any] interface {
	*T
	Unmarshal([]byte) error
	metav1.Object
}

// acceptProtobuf asks for protobuf and takes JSON from a server that has no
// protobuf for the type.
const acceptProtobuf = "application/vnd.kubernetes.protobuf, application/json"

// protoMagic starts every Kubernetes protobuf message (runtime.Unknown).
var protoMagic = []byte{0x6b, 0x38, 0x73, 0x00}

// maxItemBytes bounds one object of a LIST response: etcd refuses objects
// above 1.5 MiB, so anything far bigger is a broken stream, not an object.
const maxItemBytes = 64 << 20

// listStream performs one LIST request of resource in namespace ns ("" for
// all namespaces or a cluster-scoped resource) and decodes the items as they
// arrive, trimmed. It returns the continue token of the page. With near, the
// body is decoded once the read near waits on has handed over its
// namespaces, and only the items in them are kept (nearpods.go).
func listStream[T any, P protoItem[T]](ctx context.Context, rc rest.Interface, ns, resource string, opts metav1.ListOptions, full bool, near *nsGate) ([]T, string, error) {
	body, err := rc.Get().
		NamespaceIfScoped(ns, ns != "").
		Resource(resource).
		VersionedParams(&opts, scheme.ParameterCodec).
		SetHeader("Accept", acceptProtobuf).
		Stream(ctx)
	if err != nil {
		return nil, "", err
	}
	defer body.Close()
	keep, err := near.wait(ctx)
	if err != nil {
		return nil, "", err
	}
	items, cont, err := decodeListIn[T, P](bufio.NewReaderSize(body, 64<<10), full, keep)
	if err != nil {
		return nil, "", fmt.Errorf("reading the %s list: %w", resource, err)
	}
	return items, cont, nil
}

// decodeList decodes a LIST response body, protobuf or JSON (told apart by
// the protobuf magic), item by item, each trimmed (trimObject) as it comes.
func decodeList[T any, P protoItem[T]](r *bufio.Reader, full bool) ([]T, string, error) {
	return decodeListIn[T, P](r, full, nil)
}

// decodeListIn is decodeList keeping only the items in the namespaces of
// keep (nil: every item).
func decodeListIn[T any, P protoItem[T]](r *bufio.Reader, full bool, keep namespaces) ([]T, string, error) {
	head, err := r.Peek(len(protoMagic))
	if err == nil && bytes.Equal(head, protoMagic) {
		_, _ = r.Discard(len(protoMagic))
		return decodeProtoList[T, P](r, full, keep)
	}
	return decodeJSONList[T, P](r, full, keep)
}

// decodeProtoList reads a runtime.Unknown envelope whose raw field (2) is the
// list message: ListMeta in field 1, items in field 2. An item whose bytes
// name a namespace outside keep is skipped undecoded.
func decodeProtoList[T any, P protoItem[T]](r *bufio.Reader, full bool, keep namespaces) ([]T, string, error) {
	var (
		items []T
		cont  string
		found bool
		cut   = cutOf(P(new(T)), full)
		p     pruner
	)
	err := eachField(r, -1, func(field int, n int64) error {
		if field != 2 {
			_, err := r.Discard(int(n))
			return err
		}
		found = true
		var buf []byte
		listBytes := n
		return eachField(r, n, func(field int, n int64) error {
			if n > maxItemBytes {
				return fmt.Errorf("an item of %d bytes", n)
			}
			switch field {
			case 1, 2:
				if int64(cap(buf)) < n {
					buf = make([]byte, n)
				}
				buf = buf[:n]
				if _, err := io.ReadFull(r, buf); err != nil {
					return err
				}
				if field == 1 {
					var meta metav1.ListMeta
					if err := meta.Unmarshal(buf); err != nil {
						return err
					}
					cont = meta.Continue
					return nil
				}
				if keep != nil {
					if ns, ok := itemNamespace(buf); ok && !keep.has(string(ns)) {
						return nil
					}
				}
				pruned, err := p.prune(buf, cut)
				if err != nil {
					return err
				}
				// Decoded in place: a workload's struct is over a kilobyte,
				// and a copy of each into the list was most of the decoding's
				// memory traffic. A filtered list keeps a few of many: it
				// grows by append.
				if items == nil && keep == nil {
					items = make([]T, 0, estimateItems(listBytes, n))
				}
				items = append(items, *new(T))
				// The cut left exactly what trimObject keeps (prune_test.go):
				// trimming again would only copy the containers anew.
				item := P(&items[len(items)-1])
				if err := item.Unmarshal(pruned); err != nil {
					return err
				}
				if !keep.has(item.GetNamespace()) { // bytes that did not say
					items = items[:len(items)-1]
				}
				return nil
			default:
				_, err := r.Discard(int(n))
				return err
			}
		})
	})
	if err == nil && !found {
		err = errors.New("a protobuf response without a list")
	}
	return items, cont, err
}

// estimateItems guesses how many items a list message of listBytes holds
// from the size of its first item: the items of one kind on one provider are
// alike, and the list grown by append instead would hold up to twice the
// memory (and copy all of it) at every doubling — a workload's struct is over
// a kilobyte before anything it points to. A fifth more than the guess
// absorbs items a little bigger than the first; a list far off the guess
// still grows by append.
func estimateItems(listBytes, firstItem int64) int {
	per := firstItem + 4 // the item's tag and length prefix
	return int(min(listBytes/per+listBytes/per/5+8, maxEstimate))
}

// maxEstimate caps the guess, whatever a broken length says; a bigger list
// grows by append.
const maxEstimate = 1 << 16

// eachField walks the length-delimited fields of a protobuf message of size
// bytes (-1: until the end of r), calling f with each field's number and
// length; f must consume exactly that many bytes. Other wire types do not
// occur at the two levels read here and are an error.
func eachField(r *bufio.Reader, size int64, f func(field int, n int64) error) error {
	cr := &countingReader{r: r}
	for size < 0 || cr.n < size {
		tag, err := binary.ReadUvarint(cr)
		if err == io.EOF && size < 0 {
			return nil // the end of the response, between two fields
		}
		if err != nil {
			return err
		}
		if tag&7 != 2 {
			return fmt.Errorf("unexpected protobuf wire type %d", tag&7)
		}
		n, err := binary.ReadUvarint(cr)
		if err != nil {
			return err
		}
		if size >= 0 && cr.n+int64(n) > size {
			return errors.New("a protobuf field longer than its message")
		}
		if err := f(int(tag>>3), int64(n)); err != nil {
			return err
		}
		cr.n += int64(n)
	}
	return nil
}

// countingReader counts the bytes of varints read through it (field bodies
// are counted by eachField itself, since f reads them from the bufio.Reader).
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// decodeJSONList reads a JSON list ({"metadata":{…},"items":[…]} in any key
// order) one item at a time.
func decodeJSONList[T any, P protoItem[T]](r io.Reader, full bool, keep namespaces) ([]T, string, error) {
	var items []T
	cont, err := eachJSONItem(r, func(dec *json.Decoder) error {
		var item T
		if err := dec.Decode(&item); err != nil {
			return err
		}
		if !keep.has(P(&item).GetNamespace()) {
			return nil
		}
		trimObject(P(&item), full)
		items = append(items, item)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return items, cont, nil
}

// eachJSONItem walks a JSON list as it streams in, calling item with the
// decoder positioned at each element of items (item must decode exactly
// one value), and returns the list's continue token.
func eachJSONItem(r io.Reader, item func(*json.Decoder) error) (string, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return "", err
	}
	var cont string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch key {
		case "items":
			t, err := dec.Token()
			if err != nil {
				return "", err
			}
			if t == nil {
				continue // "items": null, an empty list
			}
			if d, ok := t.(json.Delim); !ok || d != '[' {
				return "", fmt.Errorf("not a list: items is %v", t)
			}
			for dec.More() {
				if err := item(dec); err != nil {
					return "", err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return "", err
			}
		case "metadata":
			var meta metav1.ListMeta
			if err := dec.Decode(&meta); err != nil {
				return "", err
			}
			cont = meta.Continue
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return "", err
			}
		}
	}
	return cont, expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("not a list: %v where %q was expected", t, want)
	}
	return nil
}
