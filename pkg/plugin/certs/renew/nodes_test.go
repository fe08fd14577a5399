package renew

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

func testNode(name string, age time.Duration, controlPlane bool) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{},
		CreationTimestamp: metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(-age))}}
	if controlPlane {
		n.Labels[certs.ControlPlaneLabel] = ""
	}
	return n
}

func names(nodes []Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.Name)
	}
	return out
}

func TestChooseOrdersTheControlPlaneOldestFirst(t *testing.T) {
	listed := []corev1.Node{testNode("cp-b", time.Hour, true), testNode("worker", 3*time.Hour, false),
		testNode("cp-c", 2*time.Hour, true), testNode("cp-a", time.Hour, true)}
	got, err := Choose(nil, listed)
	if err != nil || !reflect.DeepEqual(names(got), []string{"cp-c", "cp-a", "cp-b"}) {
		t.Fatalf("%v %v", names(got), err)
	}
	if got[0].API == nil || got[0].API.Name != "cp-c" {
		t.Fatalf("each node keeps what the API says of it: %+v", got[0])
	}
}

func TestChooseKeepsTheNamedOrderAndRefusesUnknownNodes(t *testing.T) {
	listed := []corev1.Node{testNode("cp-1", time.Hour, true), testNode("worker", 0, false)}
	got, err := Choose([]string{"worker", "cp-1"}, listed)
	if err != nil || !reflect.DeepEqual(names(got), []string{"worker", "cp-1"}) {
		t.Fatalf("%v %v", names(got), err)
	}
	if _, err := Choose([]string{"cp-1", "cp-9"}, listed); err == nil || err.Error() != `getting node cp-9: nodes "cp-9" not found` {
		t.Fatalf("an unknown node must stop the renewal before anything: %v", err)
	}
}

func TestChooseWithoutControlPlaneSaysHowToName(t *testing.T) {
	_, err := Choose(nil, []corev1.Node{testNode("worker", 0, false)})
	want := "no node is labelled node-role.kubernetes.io/control-plane: name the nodes as arguments (certs renew NODE...)"
	if err == nil || err.Error() != want {
		t.Fatalf("%v", err)
	}
}

func TestLocalIsThisMachineWhateverTheAPISays(t *testing.T) {
	if got := Local("host-1", nil); len(got) != 1 || got[0].Name != "host-1" || got[0].API != nil {
		t.Fatalf("%+v", got)
	}
	got := Local("host-1", []corev1.Node{testNode("other", 0, true), testNode("host-1", 0, true)})
	if got[0].API == nil || got[0].API.Name != "host-1" {
		t.Fatalf("%+v", got)
	}
}
