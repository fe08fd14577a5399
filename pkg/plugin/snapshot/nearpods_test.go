package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

// workload is a lease Deployment as the provider labels it, with what the
// namespace peek must walk over before metadata.namespace: a name, and
// after it varints (generation) and managedFields.
func workload(ns, name string) appsv1.Deployment {
	return appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Generation: 3, UID: types.UID("uid-" + ns + "-" + name),
			Labels:        map[string]string{akash.LabelManaged: "true", akash.LabelManifestService: name},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "akash-provider", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{}}`)}}}},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: "nginx"}}}}},
	}
}

// leaseWorkloads are, in each namespace, a web Deployment and two
// ReplicaSets it owns (an old and a new revision).
func leaseWorkloads(namespaces ...string) []runtime.Object {
	var objs []runtime.Object
	for _, ns := range namespaces {
		d := workload(ns, "web")
		objs = append(objs, &d)
		for _, rs := range []string{"web-old", "web-new"} {
			objs = append(objs, &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: rs, Namespace: ns, Labels: d.Labels,
				OwnerReferences: []metav1.OwnerReference{{Kind: "Deployment", Name: "web", UID: d.UID}}}})
		}
	}
	return objs
}

// The namespace is read from an item's bytes as its own decoding reads it;
// bytes that do not hold it say so rather than guess.
func TestItemNamespace(t *testing.T) {
	d := workload("lease-a", "web")
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if ns, ok := itemNamespace(b); !ok || string(ns) != "lease-a" {
		t.Errorf("itemNamespace = %q, %v; want lease-a", ns, ok)
	}
	// The generated code writes an empty namespace too: it reads as "".
	noNS := workload("", "web")
	if b, err := noNS.Marshal(); err != nil {
		t.Fatal(err)
	} else if ns, ok := itemNamespace(b); !ok || len(ns) != 0 {
		t.Errorf("empty namespace: itemNamespace = %q, %v", ns, ok)
	}
	// No metadata at all (a spec alone): nothing to say.
	spec, err := d.Spec.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if ns, ok := itemNamespace(append([]byte{0x12, byte(len(spec))}, spec...)); ok {
		t.Errorf("no metadata: itemNamespace = %q, true", ns)
	}
	for _, cut := range []int{1, 3, len(b) / 3} {
		if ns, ok := itemNamespace(b[:cut]); ok && string(ns) != "lease-a" {
			t.Errorf("cut at %d: %q", cut, ns)
		}
	}
}

// A list filtered by namespace holds exactly the items of those namespaces,
// in order, each as the unfiltered decoding gives it — in protobuf, where
// the others are skipped undecoded, and in JSON.
func TestDecodeListInNamespaces(t *testing.T) {
	list := &appsv1.DeploymentList{TypeMeta: metav1.TypeMeta{Kind: "DeploymentList", APIVersion: "apps/v1"}}
	for _, ns := range []string{"lease-a", "lease-b", "lease-c", "lease-d"} {
		list.Items = append(list.Items, workload(ns, "web"), workload(ns, "api"))
	}
	var pb, js bytes.Buffer
	if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(list, &pb); err != nil {
		t.Fatal(err)
	}
	if err := json.NewEncoder(&js).Encode(list); err != nil {
		t.Fatal(err)
	}
	keep := namespaces{"lease-b": {}, "lease-d": {}, "lease-gone": {}}
	for name, body := range map[string][]byte{"protobuf": pb.Bytes(), "json": js.Bytes()} {
		t.Run(name, func(t *testing.T) {
			all, _, err := decodeList[appsv1.Deployment](bufio.NewReader(bytes.NewReader(body)), false)
			if err != nil {
				t.Fatal(err)
			}
			var want []appsv1.Deployment
			for _, d := range all {
				if keep.has(d.Namespace) {
					want = append(want, d)
				}
			}
			got, _, err := decodeListIn[appsv1.Deployment](bufio.NewReader(bytes.NewReader(body)), false, keep)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) != 4 || !reflect.DeepEqual(got, want) {
				t.Errorf("kept %d items %v, want the 4 of lease-b and lease-d", len(got), names(got))
			}
			none, _, err := decodeListIn[appsv1.Deployment](bufio.NewReader(bytes.NewReader(body)), false, namespaces{})
			if err != nil || len(none) != 0 {
				t.Errorf("no namespace to keep: %d items, %v", len(none), err)
			}
		})
	}
}

func names(ds []appsv1.Deployment) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Namespace+"/"+d.Name)
	}
	return out
}

// force-new's read: the workloads of the namespaces with a Pending lease pod
// are all there, with every ReplicaSet (the old ones are what it deletes);
// those of the other namespaces are not kept. When the pods cannot be read,
// the workloads are read whole rather than filtered by nothing.
func TestLoadWorkloadsNearPods(t *testing.T) {
	managed := map[string]string{akash.LabelManaged: "true"}
	pending := pod("lease-stuck", "web-new-1", "", managed)
	pending.Status.Phase = corev1.PodPending
	running := pod("lease-fine", "web-1", "n1", managed)
	running.Status.Phase = corev1.PodRunning
	objs := append([]runtime.Object{pending, running}, leaseWorkloads("lease-stuck", "lease-fine")...)
	spec := Spec{Deployments: true, ReplicaSets: true, Pods: true, PodPhase: corev1.PodPending, WorkloadsNearPods: true}

	c := snapshottest.New(objs...)
	s, err := Load(t.Context(), c.Clients(t), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pods) != 1 || len(s.Deployments) != 1 || s.Deployments[0].Namespace != "lease-stuck" || len(s.ReplicaSets) != 2 ||
		s.ReplicaSets[0].Namespace != "lease-stuck" || s.ReplicaSets[1].Namespace != "lease-stuck" {
		t.Errorf("pods %d, deployments %v, replicasets %d: want lease-stuck's workloads only, every ReplicaSet of them", len(s.Pods), names(s.Deployments), len(s.ReplicaSets))
	}
	if got := len(c.Requests()); got != 3 {
		t.Errorf("%d requests, want one LIST each: %v", got, c.Requests())
	}

	c = snapshottest.New(objs...).Fail("pods", apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", nil))
	s, errs := LoadEach(t.Context(), c.Clients(t), spec)
	if len(errs) != 1 || len(s.Deployments) != 2 || len(s.ReplicaSets) != 4 {
		t.Errorf("pods forbidden: errors %v, %d deployments, %d replicasets; want the pods' error only and every workload", errs, len(s.Deployments), len(s.ReplicaSets))
	}
}

// heal's read: the ReplicaSets of the namespaces where ReplicaSetsOf is true
// of a Deployment read, every Deployment still kept; when the Deployments
// cannot be read, the ReplicaSets are read whole.
func TestLoadReplicaSetsOfDeployments(t *testing.T) {
	objs := leaseWorkloads("lease-updating", "lease-done")
	spec := Spec{Deployments: true, ReplicaSets: true, ReplicaSetsOf: func(d *appsv1.Deployment) bool { return d.Namespace == "lease-updating" }}
	s, err := Load(t.Context(), snapshottest.New(objs...).Clients(t), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Deployments) != 2 || len(s.ReplicaSets) != 2 || s.ReplicaSets[0].Namespace != "lease-updating" || s.ReplicaSets[1].Namespace != "lease-updating" {
		t.Errorf("deployments %v, %d replicasets: want both Deployments and lease-updating's two ReplicaSets", names(s.Deployments), len(s.ReplicaSets))
	}

	c := snapshottest.New(objs...).Fail("deployments", apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "deployments"}, "", nil))
	s, errs := LoadEach(t.Context(), c.Clients(t), spec)
	if len(errs) != 1 || len(s.ReplicaSets) != 4 {
		t.Errorf("deployments forbidden: errors %v, %d replicasets; want the Deployments' error only and every ReplicaSet", errs, len(s.ReplicaSets))
	}
}
