package snapshot

import (
	"context"
	"encoding/binary"
	"sync"

	appsv1 "k8s.io/api/apps/v1"

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

// nsGate hands the namespaces one read found to the reads waiting for them
// (the pods' to the workloads', the Deployments' to the ReplicaSets'): one
// per filtered read of a Spec.Reads, closed exactly once.
type nsGate struct {
	done chan struct{}
	once sync.Once
	ns   namespaces // nil when the read failed: keep everything
}

func newGate() *nsGate { return &nsGate{done: make(chan struct{})} }

// set hands over the namespaces found; a failed read (nil) lets the
// waiting reads keep everything, so that nothing is lost to a filter
// without its input (Load fails on the read's error anyway; LoadEach
// reports it).
func (g *nsGate) set(ns namespaces) {
	g.once.Do(func() {
		g.ns = ns
		close(g.done)
	})
}

// wait returns the namespaces to keep, once they are known; nil (keep
// everything) for a nil g.
func (g *nsGate) wait(ctx context.Context) (namespaces, error) {
	if g == nil {
		return nil, nil
	}
	select {
	case <-g.done:
		return g.ns, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// loadFunc is a Read's load.
type loadFunc = func(context.Context, *cli.Clients, Spec, Read) (func(*Snapshot), error)

// recording wraps a read's load: once it returns, pick's namespaces of what
// it read go to the reads waiting at g, or, when it failed, word that they
// are to read everything. The gate is set however the load ends.
func (g *nsGate) recording(load loadFunc, pick func(*Snapshot) namespaces) loadFunc {
	return func(ctx context.Context, c *cli.Clients, spec Spec, r Read) (func(*Snapshot), error) {
		var ns namespaces
		defer func() { g.set(ns) }()
		set, err := load(ctx, c, spec, r)
		if err != nil {
			return nil, err
		}
		var read Snapshot // the setter only assigns: this reads what it sets
		set(&read)
		ns = pick(&read)
		return set, nil
	}
}

// podsNamespaces are the namespaces of the lease pods read.
func podsNamespaces(s *Snapshot) namespaces {
	ns := namespaces{}
	for i := range s.Pods {
		ns[s.Pods[i].Namespace] = struct{}{}
	}
	return ns
}

// deploymentNamespaces are the namespaces of the Deployments read that
// want says true of.
func deploymentNamespaces(want func(*appsv1.Deployment) bool) func(*Snapshot) namespaces {
	return func(s *Snapshot) namespaces {
		ns := namespaces{}
		for i := range s.Deployments {
			if want(&s.Deployments[i]) {
				ns[s.Deployments[i].Namespace] = struct{}{}
			}
		}
		return ns
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
// protobuf message, stepping over the others by fieldLen (prune.go).
func protoField(msg []byte, want uint64) ([]byte, bool) {
	for len(msg) > 0 {
		tag, k := binary.Uvarint(msg)
		if k <= 0 {
			return nil, false
		}
		n, err := fieldLen(msg[k:], tag&7)
		if err != nil {
			return nil, false
		}
		body := msg[k : k+n]
		msg = msg[k+n:]
		if tag&7 == 2 && tag>>3 == want {
			_, lk := binary.Uvarint(body) // fieldLen checked the length
			return body[lk:], true
		}
	}
	return nil, false
}
