package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"
)

// The real API server's answers (testdata/README.md), one page of one
// Deployment in protobuf and in JSON: each decodes to what apimachinery's
// own decoder makes of it, without the managedFields, and its continue token.
func TestDecodeListRealCaptures(t *testing.T) {
	for _, name := range []string{"deployments-page.pb", "deployments-page.json"} {
		t.Run(name, func(t *testing.T) {
			var want appsv1.DeploymentList
			body := decodeCapture(t, name, &want)
			if len(want.Items) != 1 || len(want.Items[0].ManagedFields) == 0 || want.Continue == "" {
				t.Fatalf("the capture is not what the test needs: %d items, continue %q", len(want.Items), want.Continue)
			}
			want.Items[0].ManagedFields = nil
			items, cont, err := decodeList[appsv1.Deployment](bufio.NewReader(bytes.NewReader(body)), true)
			if err != nil {
				t.Fatal(err)
			}
			if cont != want.Continue {
				t.Errorf("continue %q, want %q", cont, want.Continue)
			}
			if len(items) != 1 || !reflect.DeepEqual(items[0], want.Items[0]) {
				t.Errorf("decoded\n%+v\nwant\n%+v", items, want.Items)
			}
		})
	}
}

// Many items, encoded by apimachinery's own serializers: every item comes
// back in order, equal to what was sent but for managedFields.
func TestDecodeListManyItems(t *testing.T) {
	list := &corev1.PodList{TypeMeta: metav1.TypeMeta{Kind: "PodList", APIVersion: "v1"}}
	list.Continue = "next"
	for i := range 300 {
		list.Items = append(list.Items, corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", i), Namespace: "ns", Labels: map[string]string{"i": fmt.Sprint(i)},
				ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubelet", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:status":{}}`)}}}},
			Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: strings.Repeat("x", i)}}},
			Status: corev1.PodStatus{Phase: corev1.PodPending},
		})
	}
	want := make([]corev1.Pod, len(list.Items))
	for i := range list.Items {
		want[i] = *list.Items[i].DeepCopy()
		want[i].ManagedFields = nil
	}
	var pb, js bytes.Buffer
	if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(list, &pb); err != nil {
		t.Fatal(err)
	}
	if err := json.NewEncoder(&js).Encode(list); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"protobuf": pb.Bytes(), "json": js.Bytes()} {
		t.Run(name, func(t *testing.T) {
			items, cont, err := decodeList[corev1.Pod](bufio.NewReaderSize(bytes.NewReader(body), 16), true)
			if err != nil {
				t.Fatal(err)
			}
			if cont != "next" || !reflect.DeepEqual(items, want) {
				t.Errorf("continue %q, %d items; want next and %d equal items", cont, len(items), len(want))
			}
		})
	}
}

// What must not happen: a cut-off or foreign body decodes as a shorter
// list. It is an error.
func TestDecodeListBroken(t *testing.T) {
	pb := read(t, "testdata/deployments-page.pb")
	js := read(t, "testdata/deployments-page.json")
	for name, body := range map[string][]byte{
		"protobuf cut in an item": pb[:len(pb)/2],
		"protobuf cut in a tag":   pb[:5],
		"protobuf, no list":       {0x6b, 0x38, 0x73, 0x00},
		"json cut":                js[:len(js)/2],
		"json not a list":         []byte(`[1,2]`),
		"empty":                   nil,
	} {
		t.Run(name, func(t *testing.T) {
			if items, _, err := decodeList[appsv1.Deployment](bufio.NewReader(bytes.NewReader(body)), true); err == nil {
				t.Errorf("decoded %d items from a broken body", len(items))
			}
		})
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeCapture reads testdata/name, a LIST response in protobuf (.pb) or
// JSON, decodes it into want with apimachinery's own decoders (what the
// streamed decoders are held to) and returns the body.
func decodeCapture(t *testing.T, name string, want runtime.Object) []byte {
	t.Helper()
	body := read(t, "testdata/"+name)
	var err error
	if strings.HasSuffix(name, ".pb") {
		_, _, err = protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Decode(body, nil, want)
	} else {
		err = json.Unmarshal(body, want)
	}
	if err != nil {
		t.Fatal(err)
	}
	return body
}
