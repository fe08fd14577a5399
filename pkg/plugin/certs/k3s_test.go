package certs

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

func TestAPIFlavour(t *testing.T) {
	for _, c := range []struct {
		node corev1.Node
		want string
	}{
		{corev1.Node{Status: corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.33.4+k3s1"}}}, FlavourK3s},
		{corev1.Node{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"k3s.io/node-args": "[]"}}}, FlavourK3s},
		{corev1.Node{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"node.kubernetes.io/instance-type": "k3s"}}}, FlavourK3s},
		{corev1.Node{Status: corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.33.4"}}}, ""},
	} {
		if got, why := APIFlavour(&c.node); got != c.want || (got != "" && why == "") {
			t.Errorf("%+v: %q (%s), want %q", c.node.ObjectMeta, got, why, c.want)
		}
	}
}

func TestK3sRecheck(t *testing.T) {
	now := time.Now()
	later := metav1.NewTime(now.Add(365 * 24 * time.Hour))
	past := metav1.NewTime(now.Add(-time.Hour))
	cert := func(name, serial string, notAfter metav1.Time) Certificate {
		return Certificate{Name: name, Source: SourceK3s, Serial: serial, NotAfter: &notAfter, Status: Valid}
	}
	before := map[string]string{"client-admin.crt": "a1", "serving-kube-apiserver.crt": "b1"}
	if msg, err := K3sRecheck(now, []Certificate{cert("client-admin.crt", "a2", later), cert("serving-kube-apiserver.crt", "b2", later)}, before); err != nil || !strings.Contains(msg, "2 issued anew") {
		t.Errorf("rotated: %q %v", msg, err)
	}
	if _, err := K3sRecheck(now, []Certificate{cert("client-admin.crt", "a2", later), cert("serving-kube-apiserver.crt", "b1", later)}, before); err == nil || !strings.Contains(err.Error(), "serving-kube-apiserver.crt") {
		t.Errorf("one not rotated: %v", err)
	}
	if _, err := K3sRecheck(now, []Certificate{cert("client-admin.crt", "a2", later)}, before); err == nil || !strings.Contains(err.Error(), "serving-kube-apiserver.crt Missing") {
		t.Errorf("one gone: %v", err)
	}
	if _, err := K3sRecheck(now, []Certificate{cert("client-admin.crt", "a2", past), cert("serving-kube-apiserver.crt", "b2", later)}, before); err == nil || !strings.Contains(err.Error(), "Expired") {
		t.Errorf("one expired: %v", err)
	}
}

func TestK3sOutcomes(t *testing.T) {
	stop, rotate, start := K3sOutcomes(&K3sRotation{Stop: K3sPart{Done: true}, Rotate: K3sPart{Error: "boom"}, Start: K3sPart{Done: true}})
	if stop.Result != execute.Succeeded || rotate.Result != execute.Failed || start.Result != execute.Succeeded {
		t.Errorf("failed rotation: %v %v %v", stop.Result, rotate.Result, start.Result)
	}
	stop, rotate, start = K3sOutcomes(&K3sRotation{Stop: K3sPart{Error: "no"}, Start: K3sPart{Done: true}})
	if stop.Result != execute.Failed || rotate.Result != execute.Skipped || start.Result != execute.Succeeded {
		t.Errorf("failed stop: %v %v %v", stop.Result, rotate.Result, start.Result)
	}
}
