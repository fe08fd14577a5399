package nodedebug

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// Labels and paths every debug pod carries; tests and operators find stray
// debug pods with `-l app.kubernetes.io/managed-by=kubectl-akash`.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedBy      = "kubectl-akash"
	LabelComponent = "app.kubernetes.io/component"
	Component      = "node-debug"
	// LabelNode holds the node name (or, for a name longer than a label value
	// may be, a hash of it; AnnotationNode always holds the full name).
	LabelNode      = "kubectl-akash.akash.network/node"
	AnnotationNode = "kubectl-akash.akash.network/node"

	// AgentPath is where the image keeps this program; an argv starting with
	// agent.Program runs it.
	AgentPath = "/usr/local/bin/kubectl-akash"
	// HostRoot is where the debug pod mounts the host's /.
	HostRoot = agent.PodHostRoot
	// EnvNodeName is set in every debug pod to its node's name; the agent
	// uses it as the default --node-name.
	EnvNodeName = "KUBECTL_AKASH_NODE_NAME"
	// containerName is the debug pod's only container.
	containerName = "agent"
)

// lifetime is how long a debug pod may live at most: the agent exits then,
// and activeDeadlineSeconds makes the kubelet kill it should the plugin die
// without deleting it.
func (o Options) lifetime() time.Duration {
	if o.Lifetime > 0 {
		return o.Lifetime
	}
	return o.podTimeout() + 15*time.Minute
}

// WithWork returns o with a lifetime long enough for work that may take up
// to d on the node, beyond the default's margin: a pod that outlives its
// lifetime is killed mid-work (a static pod's manifest left moved away, a
// signal escalation cut short). The pod is deleted when the work is done,
// so a generous bound costs nothing.
func (o Options) WithWork(d time.Duration) Options {
	o.Lifetime = o.podTimeout() + 15*time.Minute + d
	return o
}

func (o Options) podTimeout() time.Duration {
	if o.PodTimeout > 0 {
		return o.PodTimeout
	}
	return 2 * time.Minute
}

// PodFor is the debug pod for node: the host's PID, network and IPC
// namespaces, privileged, the host's / at /host, every taint tolerated, no
// service-account token, and the agent idling until it is exec'ed into.
func PodFor(o Options, node string) *corev1.Pod {
	life := o.lifetime()
	deadline := int64(life.Seconds()) + 60
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: podNamePrefix(node),
			Namespace:    o.Namespace,
			Labels: map[string]string{
				LabelManagedBy: ManagedBy,
				LabelComponent: Component,
				LabelNode:      nodeLabelValue(node),
			},
			Annotations: map[string]string{AnnotationNode: node},
		},
		Spec: corev1.PodSpec{
			NodeName:                      node,
			HostPID:                       true,
			HostNetwork:                   true,
			HostIPC:                       true,
			RestartPolicy:                 corev1.RestartPolicyNever,
			AutomountServiceAccountToken:  ptr(false),
			EnableServiceLinks:            ptr(false),
			ActiveDeadlineSeconds:         &deadline,
			TerminationGracePeriodSeconds: ptr(int64(1)),
			DNSPolicy:                     corev1.DNSDefault,
			Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			Volumes: []corev1.Volume{{
				Name:         "host",
				VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}},
			}},
			Containers: []corev1.Container{{
				Name:            containerName,
				Image:           o.Image,
				ImagePullPolicy: corev1.PullIfNotPresent,
				Command:         agentArgv(Pause.Argv(PauseOptions{For: life})),
				Env: []corev1.EnvVar{
					{Name: EnvNodeName, Value: node},
					{Name: "PATH", Value: "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin"},
				},
				SecurityContext: &corev1.SecurityContext{Privileged: ptr(true), RunAsUser: ptr(int64(0))},
				VolumeMounts:    []corev1.VolumeMount{{Name: "host", MountPath: HostRoot}},
			}},
		},
	}
}

// podNamePrefix is "node-debug-<node>-", the node part cut so that the
// generated name stays a valid DNS label-ish pod name.
func podNamePrefix(node string) string {
	n := strings.ToLower(node)
	var b strings.Builder
	for _, r := range n {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" {
		return "node-debug-"
	}
	return "node-debug-" + s + "-"
}

// nodeLabelValue is node when it is a valid label value, else a hash of it.
func nodeLabelValue(node string) string {
	if len(validation.IsValidLabelValue(node)) == 0 {
		return node
	}
	h := sha256.Sum256([]byte(node))
	return "sha256-" + hex.EncodeToString(h[:])[:32]
}

// agentArgv maps a leading agent.Program to the image's absolute path.
func agentArgv(argv []string) []string {
	if len(argv) > 0 && argv[0] == agent.Program {
		out := append([]string{AgentPath}, argv[1:]...)
		return out
	}
	return argv
}

func ptr[T any](v T) *T { return &v }

// describe is a one-line account of a pod that is not Running: its phase, why
// it is not scheduled, or why its container waits.
func describe(p *corev1.Pod) string {
	if p == nil {
		return "no pod status yet"
	}
	parts := []string{"phase " + string(p.Status.Phase)}
	if p.Status.Reason != "" {
		parts = append(parts, p.Status.Reason+": "+p.Status.Message)
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status != corev1.ConditionTrue && c.Message != "" {
			parts = append(parts, "not scheduled: "+c.Message)
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil && w.Reason != "" {
			s := "container " + w.Reason
			if w.Message != "" {
				s += ": " + w.Message
			}
			parts = append(parts, s)
		}
		if t := cs.State.Terminated; t != nil {
			parts = append(parts, fmt.Sprintf("container exited %d (%s) %s", t.ExitCode, t.Reason, strings.TrimSpace(t.Message)))
		}
	}
	return strings.Join(parts, "; ")
}
