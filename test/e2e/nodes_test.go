package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// dedicatedNode adds a kwok node with the given CPU, tainted so that only
// pods pinned to it (fixture.Options.Node) run there. Tests that need a full
// node use one, so parallel tests cannot change how full it is.
func dedicatedNode(t *testing.T, c *cluster.Cluster, cpu string) string {
	t.Helper()
	name := "dedicated-" + strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if len(name) > 60 {
		name = name[:60]
	}
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse(cpu),
		corev1.ResourceMemory: resource.MustParse("16Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake"},
			Labels:      map[string]string{"kubernetes.io/hostname": name, "type": "kwok-dedicated"},
		},
		Spec:   corev1.NodeSpec{Taints: []corev1.Taint{{Key: "e2e.kubectl-akash/dedicated", Value: name, Effect: corev1.TaintEffectNoSchedule}}},
		Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity, Addresses: cluster.KwokAddresses},
	}
	if _, err := c.Kube().CoreV1().Nodes().Create(t.Context(), node, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Kube().CoreV1().Nodes().Delete(context.Background(), name, metav1.DeleteOptions{}) })
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		n, err := c.Kube().CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		return nodeReady(n), fmt.Sprintf("conditions %v", n.Status.Conditions), nil
	})
	return name
}

// podsOf lists the pods of a namespace matching a label selector.
func podsOf(ctx context.Context, c *cluster.Cluster, ns, selector string) ([]corev1.Pod, error) {
	l, err := c.Kube().CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// waitRunning waits until n pods of the selector run (and no others exist).
func waitRunning(t *testing.T, c *cluster.Cluster, ns, selector string, n int) []corev1.Pod {
	t.Helper()
	var pods []corev1.Pod
	eventually(t, 90*time.Second, func(ctx context.Context) (bool, string, error) {
		var err error
		pods, err = podsOf(ctx, c, ns, selector)
		if err != nil {
			return false, "", err
		}
		running := 0
		var states []string
		for _, p := range pods {
			states = append(states, p.Name+"="+string(p.Status.Phase))
			if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
				running++
			}
		}
		return running == n && len(pods) == n, strings.Join(states, ","), nil
	})
	return pods
}

// waitUnschedulable waits until a pod of the selector is Pending with the
// scheduler saying "Insufficient <resource>", and returns it.
func waitUnschedulable(t *testing.T, c *cluster.Cluster, ns, selector string) corev1.Pod {
	t.Helper()
	var found corev1.Pod
	eventually(t, 90*time.Second, func(ctx context.Context) (bool, string, error) {
		pods, err := podsOf(ctx, c, ns, selector)
		if err != nil {
			return false, "", err
		}
		var states []string
		for _, p := range pods {
			for _, cond := range p.Status.Conditions {
				if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && strings.Contains(cond.Message, "Insufficient") {
					found = p
					return true, "", nil
				}
			}
			states = append(states, p.Name+"="+string(p.Status.Phase))
		}
		return false, strings.Join(states, ","), nil
	})
	return found
}
