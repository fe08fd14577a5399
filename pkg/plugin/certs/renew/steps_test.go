package renew

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

func TestRecheckWantsEveryKubeadmCertificateValid(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { v := metav1.NewTime(now.Add(d)); return &v }
	good := []certs.Certificate{
		{Name: "apiserver", Source: certs.SourceKubeadm, NotAfter: at(365 * 24 * time.Hour)},
		{Name: "admin.conf", Source: certs.SourceKubeconfig, NotAfter: at(300 * 24 * time.Hour)},
		{Name: "ca", Source: certs.SourceKubeadm, IsCA: true, NotAfter: at(24 * time.Hour)},
		// The kubelet rotates its own: an old kubelet.conf is not the renewal's.
		{Name: "kubelet.conf", Source: certs.SourceKubeconfig, NotAfter: at(-time.Hour)},
	}
	msg, err := recheckList(now, good)
	if err != nil || !strings.Contains(msg, "the first to expire is admin.conf") {
		t.Fatalf("%q %v", msg, err)
	}
	bad := append(good, certs.Certificate{Name: "front-proxy-client", Source: certs.SourceKubeadm, NotAfter: at(-time.Minute)})
	if _, err := recheckList(now, bad); err == nil || !strings.Contains(err.Error(), "front-proxy-client Expired") {
		t.Fatalf("an expired certificate after the renewal is a failure: %v", err)
	}
	if _, err := recheckList(now, nil); err == nil {
		t.Fatal("no certificate at all is a failure")
	}
}

func TestMirrorOfComparesContainersAndReadiness(t *testing.T) {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"kubernetes.io/config.mirror": "uid-1"}},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{ContainerID: "containerd://a"}, {ContainerID: "containerd://b"}},
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}
	st := mirrorOf(p)
	if st.uid != "uid-1" || st.containers != "containerd://a,containerd://b" || !st.ready {
		t.Fatalf("%+v", st)
	}
	p.Status.Conditions[0].Status = corev1.ConditionFalse
	if mirrorOf(p).ready {
		t.Fatal("not Ready")
	}
}

// TestRollbackSkipsWhatFollowsAndNamesTheBackups: after a failed step
// nothing later runs, and the advice restores from the files this run
// verified.
func TestRollbackSkipsWhatFollowsAndNamesTheBackups(t *testing.T) {
	ops := &certs.NodeOps{Layout: certs.DefaultLayout("/")}
	ops.Defaults()
	r := New(Config{Ops: ops})
	ren := r.Renewal()
	ren.Add("cp-1", certs.StepSnapshot, "", certs.FileTarget(ops.BackupDir)).Outcome = execute.Outcome{Result: execute.Succeeded}
	ren.Add("cp-1", certs.StepBackup, "", certs.FileTarget(ops.BackupDir)).Outcome = execute.Outcome{Result: execute.Succeeded}
	failed := ren.Add("cp-1", certs.StepRestart, "kube-apiserver", certs.NodeTarget("cp-1"))
	failed.Outcome = execute.Outcome{Result: execute.Failed, Message: "boom"}
	later := ren.Add("cp-1", certs.StepRecheck, "", certs.NodeTarget("cp-1"))
	ren.Status.Backups["cp-1"] = []string{"/var/backups/kubectl-akash/etcd-snapshot-1.db", "/var/backups/kubectl-akash/kubernetes-1.tar.gz"}
	r.Rollback()
	if later.Result != execute.Skipped {
		t.Fatalf("a step after the failure ran or stayed planned: %s", later.Result)
	}
	rb := ren.Status.Rollback
	for _, want := range []string{"Step restart-static-pod on node cp-1 failed", "tar xzf /var/backups/kubectl-akash/kubernetes-1.tar.gz -C /",
		"etcd-snapshot-1.db (etcdutl snapshot restore)", "kube-apiserver.yaml is back in /etc/kubernetes/manifests"} {
		if !strings.Contains(rb, want) {
			t.Errorf("rollback lacks %q:\n%s", want, rb)
		}
	}
}
