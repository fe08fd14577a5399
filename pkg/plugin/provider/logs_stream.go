package provider

import (
	"context"
	"fmt"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// LogSource chooses which log `provider logs` reads.
type LogSource struct {
	Namespace string
	// Pod is the pod to read ("": the running provider pod, LogPod).
	Pod       string
	Container string
	Follow    bool
	// Since keeps lines newer than this (0: all); Tail the last N lines
	// (-1: all).
	Since time.Duration
	Tail  int64
}

// LogPod is the pod whose log is read: the first running provider pod, else
// the first by name.
func LogPod(pods []corev1.Pod) string {
	for i := range pods {
		if pods[i].Status.Phase == corev1.PodRunning {
			return pods[i].Name
		}
	}
	return pods[0].Name
}

// podLogOptions is o as the API server takes it: whole seconds, at least one.
func (o LogSource) podLogOptions() *corev1.PodLogOptions {
	opts := &corev1.PodLogOptions{Container: o.Container, Follow: o.Follow}
	if o.Since > 0 {
		s := max(int64(o.Since.Seconds()), 1)
		opts.SinceSeconds = &s
	}
	if o.Tail >= 0 {
		tail := o.Tail
		opts.TailLines = &tail
	}
	return opts
}

// OpenLog opens the provider's log as a stream: the pod named, or the one
// LogPod picks from the provider pods (one LIST).
func OpenLog(ctx context.Context, c *cli.Clients, o LogSource) (io.ReadCloser, error) {
	if o.Pod == "" {
		pods, err := ReadPods(ctx, c, o.Namespace)
		if err != nil {
			return nil, err
		}
		o.Pod = LogPod(pods)
	}
	stream, err := c.Kube.CoreV1().Pods(o.Namespace).GetLogs(o.Pod, o.podLogOptions()).Stream(ctx)
	if err != nil {
		return nil, cli.Explain(err, fmt.Sprintf("reading the logs of pod %s/%s container %s", o.Namespace, o.Pod, o.Container))
	}
	return stream, nil
}
