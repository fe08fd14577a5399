package chain

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"
	"k8s.io/kubectl/pkg/util/podutils"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/bounded"
)

// PodRunner runs commands in a container of a running pod through the
// exec API, the way `kubectl exec` does: WebSocket first, SPDY when the API
// server (or a proxy in front of it) cannot upgrade to WebSocket.
type PodRunner struct {
	Config    *rest.Config
	Kube      kubernetes.Interface
	Namespace string
	Pod       string
	Container string
}

// NewPodRunner returns a runner for the provider container of pod.
func NewPodRunner(c *cli.Clients, pod *corev1.Pod) *PodRunner {
	return &PodRunner{Config: c.Config, Kube: c.Kube, Namespace: pod.Namespace, Pod: pod.Name, Container: akash.ProviderContainer}
}

// Run execs argv in the container and captures stdout and stderr; the
// command's exit status comes back in Output.ExitCode.
func (r *PodRunner) Run(ctx context.Context, argv []string) (Output, error) {
	req := r.Kube.CoreV1().RESTClient().Post().
		Resource("pods").Namespace(r.Namespace).Name(r.Pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Container: r.Container, Command: argv, Stdout: true, Stderr: true}, scheme.ParameterCodec)
	spdy, err := remotecommand.NewSPDYExecutor(r.Config, "POST", req.URL())
	if err != nil {
		return Output{}, fmt.Errorf("preparing exec in pod %s/%s: %w", r.Namespace, r.Pod, err)
	}
	ws, err := remotecommand.NewWebSocketExecutor(r.Config, "GET", req.URL().String())
	if err != nil {
		return Output{}, fmt.Errorf("preparing exec in pod %s/%s: %w", r.Namespace, r.Pod, err)
	}
	executor, err := remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
	if err != nil {
		return Output{}, err
	}
	stdout, stderr := bounded.NewBuffer(Program+"'s output", bounded.Output), bounded.NewBuffer(Program+"'s error output", bounded.Output)
	err = executor.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: stdout, Stderr: stderr})
	out := Output{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit utilexec.ExitError
	if errors.As(err, &exit) && exit.Exited() {
		out.ExitCode = exit.ExitStatus()
		return out, nil
	}
	if err != nil {
		return out, cli.Explain(err, fmt.Sprintf("exec in pod %s/%s container %s", r.Namespace, r.Pod, r.Container))
	}
	return out, nil
}

// CommandLine is the equivalent kubectl exec.
func (r *PodRunner) CommandLine(argv []string) string {
	return shellJoin(append([]string{"kubectl", "--namespace", r.Namespace, "exec", r.Pod, "--container", r.Container, "--"}, argv...))
}

// SelectProviderPod picks the akash-provider pod to run transactions in
// from the pods labelled app=akash-provider in namespace ns: a Ready one
// that has the provider container. When there is none it says exactly
// why, so that nothing is attempted against a provider that cannot answer.
func SelectProviderPod(pods []corev1.Pod, ns string) (*corev1.Pod, error) {
	if len(pods) == 0 {
		return nil, fmt.Errorf("no akash-provider pod (label %s=%s) in namespace %s: nothing was attempted; check --provider-namespace, or pass --via-cli to use a local provider-services",
			akash.LabelProviderApp, akash.ProviderApp, ns)
	}
	sorted := append([]corev1.Pod(nil), pods...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var why []string
	for i := range sorted {
		p := &sorted[i]
		switch {
		case p.DeletionTimestamp != nil:
			why = append(why, p.Name+" is terminating")
		case !hasContainer(p, akash.ProviderContainer):
			why = append(why, fmt.Sprintf("%s has no container %q", p.Name, akash.ProviderContainer))
		case !podReady(p):
			why = append(why, fmt.Sprintf("%s is not Ready (phase %s%s)", p.Name, orPending(p.Status.Phase), notReadyReason(p)))
		default:
			return p, nil
		}
	}
	return nil, fmt.Errorf("no Ready akash-provider pod in namespace %s (%s): nothing was attempted; fix the provider first (kubectl --namespace %s describe pod %s)",
		ns, strings.Join(why, "; "), ns, sorted[0].Name)
}

func hasContainer(p *corev1.Pod, name string) bool {
	for _, c := range p.Spec.Containers {
		if c.Name == name {
			return true
		}
	}
	return false
}

func podReady(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodRunning && podutils.IsPodReady(p)
}

func orPending(p corev1.PodPhase) corev1.PodPhase {
	if p == "" {
		return corev1.PodPending
	}
	return p
}

// notReadyReason adds the Ready condition's reason and the first waiting
// container's reason (CrashLoopBackOff, ImagePullBackOff, ...) when known.
func notReadyReason(p *corev1.Pod) string {
	var parts []string
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Reason != "" {
			parts = append(parts, c.Reason)
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Waiting != nil && cs.State.Waiting.Reason != "" {
			parts = append(parts, cs.Name+": "+cs.State.Waiting.Reason)
			break
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}
