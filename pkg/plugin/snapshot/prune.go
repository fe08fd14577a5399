package snapshot

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Trimming a decoded object (trim.go) bounds what is kept, but the decoding
// itself still allocates every field first: a Deployment's managedFields
// (raw JSON copied per entry) and its pod template's env, resources, probes
// and volumes are most of the allocations and of the client's CPU on a big
// provider. Pruning the protobuf bytes of each item before they are decoded
// skips them: the decoder never sees what the trim would drop. The trim still
// runs afterwards, so the objects are exactly what they were without pruning.

// fields says how to cut a protobuf message: field number → its cut, and
// others for every field not named. A nil cut drops the field, whole keeps
// it as it is, any other cuts the field's message in turn.
type fields struct {
	by     map[int]*fields
	others *fields
}

// whole keeps a field as it is.
var whole = &fields{}

// Field numbers, from the generated.proto files of k8s.io/api and
// k8s.io/apimachinery.
const (
	fieldMetadata      = 1  // every object's ObjectMeta
	fieldSpec          = 2  // every object's spec; PodTemplateSpec's too
	fieldManagedFields = 17 // ObjectMeta.managedFields
	fieldSelector      = 2  // DeploymentSpec, ReplicaSetSpec, StatefulSetSpec
	fieldTemplate      = 3  // the same specs' pod template
	fieldClaims        = 4  // StatefulSetSpec.volumeClaimTemplates
	fieldContainers    = 2  // PodSpec.containers
)

var (
	// objectCut keeps an object whole but its metadata's managedFields.
	objectCut = &fields{others: whole, by: map[int]*fields{
		fieldMetadata: {others: whole, by: map[int]*fields{fieldManagedFields: nil}},
	}}
	// templateCut keeps of a pod template its containers' name, image,
	// command and args (trimTemplate's cut).
	templateCut = &fields{by: map[int]*fields{
		fieldSpec: {by: map[int]*fields{
			fieldContainers: {by: map[int]*fields{1: whole, 2: whole, 3: whole, 4: whole}},
		}},
	}}
	// deploymentCut and replicaSetCut are trimObject's cut of a Deployment
	// and a ReplicaSet: no selector, the template cut; statefulSetCut drops
	// the volume claim templates too.
	deploymentCut  = workloadCut(fieldSelector)
	replicaSetCut  = deploymentCut
	statefulSetCut = workloadCut(fieldSelector, fieldClaims)
)

// workloadCut is objectCut with the spec's template cut and drop dropped.
func workloadCut(drop ...int) *fields {
	spec := &fields{others: whole, by: map[int]*fields{fieldTemplate: templateCut}}
	for _, f := range drop {
		spec.by[f] = nil
	}
	return &fields{others: whole, by: map[int]*fields{fieldMetadata: objectCut.by[fieldMetadata], fieldSpec: spec}}
}

// pruner rewrites messages, reusing one buffer per nesting level.
type pruner struct {
	levels [][]byte
}

// prune returns msg without the fields f drops. The result is valid until
// the next call.
func (p *pruner) prune(msg []byte, f *fields) ([]byte, error) {
	return p.level(0, msg, f)
}

func (p *pruner) level(depth int, msg []byte, f *fields) ([]byte, error) {
	if len(p.levels) <= depth {
		p.levels = append(p.levels, nil)
	}
	out := p.levels[depth][:0]
	for len(msg) > 0 {
		tag, k := binary.Uvarint(msg)
		if k <= 0 {
			return nil, errors.New("a truncated protobuf tag")
		}
		n, err := fieldLen(msg[k:], tag&7)
		if err != nil {
			return nil, err
		}
		raw := msg[:k+n]
		body := msg[k:][:n]
		msg = msg[k+n:]
		num := int(tag >> 3)
		sub, ok := f.by[num]
		if !ok {
			sub = f.others
		}
		if sub == nil {
			continue
		}
		if sub == whole || tag&7 != 2 {
			out = append(out, raw...)
			continue
		}
		// A length-delimited field: its length prefix, then the message.
		l, lk := binary.Uvarint(body)
		if lk <= 0 || uint64(len(body)-lk) != l {
			return nil, errors.New("a truncated protobuf field")
		}
		pruned, err := p.level(depth+1, body[lk:], sub)
		if err != nil {
			return nil, err
		}
		out = binary.AppendUvarint(out, tag)
		out = binary.AppendUvarint(out, uint64(len(pruned)))
		out = append(out, pruned...)
	}
	p.levels[depth] = out
	return out, nil
}

// fieldLen is the length of a field's body of wire type wt at the start of
// b, with a length-delimited field's length prefix counted in.
func fieldLen(b []byte, wt uint64) (int, error) {
	switch wt {
	case 0: // varint
		_, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, errors.New("a truncated protobuf varint")
		}
		return k, nil
	case 1: // fixed64
		if len(b) < 8 {
			return 0, errors.New("a truncated protobuf fixed64")
		}
		return 8, nil
	case 2:
		l, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < l {
			return 0, errors.New("a truncated protobuf field")
		}
		return k + int(l), nil
	case 5: // fixed32
		if len(b) < 4 {
			return 0, errors.New("a truncated protobuf fixed32")
		}
		return 4, nil
	}
	return 0, fmt.Errorf("unexpected protobuf wire type %d", wt)
}
