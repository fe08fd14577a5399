package snapshot

import (
	"bufio"
	"bytes"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The real API server's page of lease pods (testdata/README.md), in
// protobuf and in JSON: read for their phases, the pods are what
// apimachinery's own decoder makes of them with the spec, the status but
// its phase, and the managedFields dropped — no more, no less.
func TestDecodePodPhasesRealCaptures(t *testing.T) {
	for _, name := range []string{"pods-page.pb", "pods-page.json"} {
		t.Run(name, func(t *testing.T) {
			var want corev1.PodList
			body := decodeCapture(t, name, &want)
			if len(want.Items) != 2 || len(want.Items[0].ManagedFields) == 0 || len(want.Items[0].Spec.Containers) == 0 ||
				len(want.Items[0].Status.Conditions) == 0 || want.Items[0].Status.Phase == "" || want.Continue == "" {
				t.Fatalf("the capture is not what the test needs: %+v", want)
			}
			for i := range want.Items {
				p := &want.Items[i]
				p.ManagedFields, p.Spec, p.Status = nil, corev1.PodSpec{}, corev1.PodStatus{Phase: p.Status.Phase}
			}
			items, cont, err := decodeList[phasePod](bufio.NewReader(bytes.NewReader(body)), false)
			if err != nil {
				t.Fatal(err)
			}
			if cont != want.Continue {
				t.Errorf("continue %q, want %q", cont, want.Continue)
			}
			if got := unwrapPods(items); !reflect.DeepEqual(got, want.Items) {
				t.Errorf("decoded\n%+v\nwant\n%+v", got, want.Items)
			}
		})
	}
}

// Only the spec that asks for phases gets them: every other read of pods
// keeps the whole pod.
func TestPodPhasesOnlyIsAskedFor(t *testing.T) {
	body := read(t, "testdata/pods-page.pb")
	items, _, err := decodeList[corev1.Pod](bufio.NewReader(bytes.NewReader(body)), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || len(items[0].Spec.Containers) == 0 || len(items[0].Status.Conditions) == 0 {
		t.Fatalf("a pod read whole lost its spec or status: %+v", items)
	}
}
