package nodedebug

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

func node(name string, ready corev1.ConditionStatus) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if ready != "" {
		n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready, Reason: "KubeletNotReady"}}
	}
	return n
}

func TestPodForIsTheIssuesSpec(t *testing.T) {
	p := PodFor(Options{Namespace: "kube-system", Image: "img:1", PodTimeout: time.Minute}, "node-a")
	s := p.Spec
	if s.NodeName != "node-a" || !s.HostPID || !s.HostNetwork || !s.HostIPC || s.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("spec: %+v", s)
	}
	if s.AutomountServiceAccountToken == nil || *s.AutomountServiceAccountToken {
		t.Error("the service-account token is mounted")
	}
	if s.ActiveDeadlineSeconds == nil || *s.ActiveDeadlineSeconds < int64((16*time.Minute).Seconds()) {
		t.Errorf("activeDeadlineSeconds %v", s.ActiveDeadlineSeconds)
	}
	if len(s.Tolerations) != 1 || s.Tolerations[0].Operator != corev1.TolerationOpExists || s.Tolerations[0].Key != "" {
		t.Errorf("tolerations %+v: want tolerate everything", s.Tolerations)
	}
	c := s.Containers[0]
	if c.SecurityContext == nil || !*c.SecurityContext.Privileged || c.ImagePullPolicy != corev1.PullIfNotPresent || c.Image != "img:1" {
		t.Errorf("container %+v", c)
	}
	if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/host" || s.Volumes[0].HostPath.Path != "/" {
		t.Errorf("host root not at /host: %+v %+v", c.VolumeMounts, s.Volumes)
	}
	if p.Labels[LabelManagedBy] != "kubectl-akash" || p.Labels[LabelNode] != "node-a" || !strings.HasPrefix(p.GenerateName, "node-debug-node-a-") {
		t.Errorf("labels %v name %q", p.Labels, p.GenerateName)
	}
	long := strings.Repeat("a", 70) + ".example.com"
	if v := PodFor(Options{}, long).Labels[LabelNode]; len(v) > 63 || !strings.HasPrefix(v, "sha256-") {
		t.Errorf("label value for a long node name: %q", v)
	}
}

func TestSelectNodes(t *testing.T) {
	cluster := snapshottest.New(node("a", corev1.ConditionTrue), node("b", corev1.ConditionUnknown), node("c", ""))
	c := cluster.Clients(t)
	ready, problems, err := SelectNodes(context.Background(), c, []string{"a", "b", "zz", "a"}, false, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ready, ",") != "a" || len(problems) != 2 {
		t.Fatalf("ready %v problems %+v", ready, problems)
	}
	if !strings.Contains(problems[0].Err.Error(), "NotReady (Ready=Unknown, KubeletNotReady") || !strings.Contains(problems[1].Err.Error(), `"zz" not found`) {
		t.Errorf("problems: %v / %v", problems[0].Err, problems[1].Err)
	}
	ready, problems, _ = SelectNodes(context.Background(), c, nil, true, "", 1)
	if strings.Join(ready, ",") != "a" || len(problems) != 2 || !strings.Contains(problems[1].Err.Error(), "never reported") {
		t.Errorf("--all: ready %v problems %+v", ready, problems)
	}
	if _, _, err := SelectNodes(context.Background(), c, nil, false, "x in (", 0); err == nil {
		t.Error("a bad selector is accepted")
	}
	// One node named: one node read, by a field selector.
	before := len(cluster.Requests())
	ready, problems, _ = SelectNodes(context.Background(), c, []string{"b"}, false, "", 0)
	reqs := cluster.Requests()[before:]
	if len(ready) != 0 || len(problems) != 1 || len(reqs) != 1 || !strings.Contains(reqs[0], "fieldSelector=metadata.name%3Db") {
		t.Errorf("one node: ready %v problems %+v requests %v", ready, problems, reqs)
	}
}

// A pod that never runs is reported with the reason within PodTimeout, and
// deleted.
func TestRunReportsAPodThatDoesNotStartAndDeletesIt(t *testing.T) {
	kube := fake.NewClientset(node("a", corev1.ConditionTrue))
	c := &cli.Clients{Kube: kube}
	began := time.Now()
	res := Run(context.Background(), c, Options{Namespace: "ns", Image: "img", Parallel: 2, PodTimeout: 300 * time.Millisecond}, []string{"a"}, []string{"kubectl-akash", "agent", "info"})
	if len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "did not start within 300ms") {
		t.Fatalf("results %+v", res)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	pods, _ := kube.CoreV1().Pods("ns").List(context.Background(), metav1.ListOptions{})
	if len(pods.Items) != 0 {
		t.Errorf("%d debug pods left", len(pods.Items))
	}
}

func TestCreateErrorNamesThePodSecurityLabel(t *testing.T) {
	err := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "x",
		errorString(`violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)`))
	msg := createError(err, "dbg").Error()
	for _, want := range []string{"pod-security.kubernetes.io/enforce=privileged", "kubectl label namespace dbg", "--debug-namespace"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
