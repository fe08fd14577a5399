package snapshot

import (
	"context"
	"encoding/binary"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// force-new looks for rollouts stuck on a Pending pod, and a rollout is
// stuck only on a pod of its own namespace: on a provider with thousands of
// running leases and a handful of Pending pods, all but a few of the
// Deployments and ReplicaSets it read were decoded, kept and collected for
// nothing — most of its CPU and memory, growing with every lease. With
// Spec.WorkloadsNearPods the workload LISTs are still sent at once, with the
// pods' (the API server encodes them all in parallel, as before), but their
// bodies are decoded only once the pods are read, and each workload outside
// the pods' namespaces is skipped by its namespace alone, read from its
// bytes, before anything of it is decoded. What is kept then grows with the
// Pending pods, not with the leases.

// namespaces is a set of namespace names; nil stands for every namespace.
type namespaces map[string]struct{}

// has says whether ns is in the set (every namespace is in a nil set).
func (n namespaces) has(ns string) bool {
	if n == nil {
		return true
	}
	_, ok := n[ns]
	return ok
}

// podNamespaces hands the namespaces of the pods read to the workload reads
// waiting for them: once per Spec.Reads, closed exactly once.
type podNamespaces struct {
	done chan struct{}
	once sync.Once
	ns   namespaces // nil when the pods could not be read: keep everything
}

func newPodNamespaces() *podNamespaces { return &podNamespaces{done: make(chan struct{})} }

// set records the pods read; a failed read (nil pods and ok false) lets the
// workloads be read whole, so that nothing is lost to a filter without
// its input (Load fails on the pods' error anyway; LoadEach reports it).
func (p *podNamespaces) set(pods []corev1.Pod, ok bool) {
	p.once.Do(func() {
		if ok {
			p.ns = namespaces{}
			for i := range pods {
				p.ns[pods[i].Namespace] = struct{}{}
			}
		}
		close(p.done)
	})
}

// wait returns the namespaces to keep, once the pods are read; nil (keep
// everything) for a nil p.
func (p *podNamespaces) wait(ctx context.Context) (namespaces, error) {
	if p == nil {
		return nil, nil
	}
	select {
	case <-p.done:
		return p.ns, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// recording wraps the lease pods' load: once it returns, the namespaces of
// its pods go to the workload reads waiting for them, or, when it failed,
// word that they are to be read whole.
func (p *podNamespaces) recording(load func(context.Context, *cli.Clients, Spec, Read) (func(*Snapshot), error)) func(context.Context, *cli.Clients, Spec, Read) (func(*Snapshot), error) {
	return func(ctx context.Context, c *cli.Clients, spec Spec, r Read) (func(*Snapshot), error) {
		set, err := load(ctx, c, spec, r)
		if err != nil {
			p.set(nil, false)
			return nil, err
		}
		var read Snapshot // the setter only assigns: this reads what it sets
		set(&read)
		p.set(read.Pods, true)
		return set, nil
	}
}

// itemNamespace reads an object's metadata.namespace (ObjectMeta's field 3,
// in the object's field 1) from its protobuf bytes without decoding them;
// ok is false when the bytes do not hold it where the API server puts it,
// and the item is then decoded to be asked.
func itemNamespace(item []byte) (ns []byte, ok bool) {
	meta, ok := protoField(item, fieldMetadata)
	if !ok {
		return nil, false
	}
	return protoField(meta, fieldNamespace)
}

// fieldNamespace is ObjectMeta.namespace (k8s.io/apimachinery's
// generated.proto).
const fieldNamespace = 3

// protoField returns the first length-delimited field number want of a
// protobuf message, walking over fields of every wire type but groups.
func protoField(msg []byte, want uint64) ([]byte, bool) {
	for len(msg) > 0 {
		tag, n := binary.Uvarint(msg)
		if n <= 0 {
			return nil, false
		}
		msg = msg[n:]
		switch tag & 7 {
		case 0: // varint
			if _, n = binary.Uvarint(msg); n <= 0 {
				return nil, false
			}
			msg = msg[n:]
		case 1: // fixed64
			if len(msg) < 8 {
				return nil, false
			}
			msg = msg[8:]
		case 5: // fixed32
			if len(msg) < 4 {
				return nil, false
			}
			msg = msg[4:]
		case 2:
			size, n := binary.Uvarint(msg)
			if n <= 0 || uint64(len(msg)-n) < size {
				return nil, false
			}
			if tag>>3 == want {
				return msg[n : n+int(size)], true
			}
			msg = msg[n+int(size):]
		default:
			return nil, false
		}
	}
	return nil, false
}
