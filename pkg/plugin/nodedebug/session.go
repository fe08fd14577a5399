package nodedebug

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/remotecommand"
	watchtools "k8s.io/client-go/tools/watch"
	utilexec "k8s.io/client-go/util/exec"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// cleanupTimeout bounds deleting a debug pod once the command is over.
const cleanupTimeout = 30 * time.Second

// Pod is one Running debug pod on one node. Close deletes it; callers defer
// Close right after Start succeeds.
type Pod struct {
	Node      string
	Namespace string
	Name      string
	uid       string
	clients   *cli.Clients
	// cleanup outlives the command's context: deleting must work after Ctrl-C.
	cleanup context.Context
}

// Start creates the debug pod for node and waits (with a watch) until it is
// Running, at most o.PodTimeout. On any error the pod is already deleted.
func Start(ctx context.Context, c *cli.Clients, o Options, node string) (*Pod, error) {
	pods := c.Kube.CoreV1().Pods(o.Namespace)
	created, err := pods.Create(ctx, PodFor(o, node), metav1.CreateOptions{})
	if err != nil {
		return nil, createError(err, o.Namespace)
	}
	p := &Pod{Node: node, Namespace: created.Namespace, Name: created.Name, uid: string(created.UID),
		clients: c, cleanup: context.WithoutCancel(ctx)}
	if err := p.waitRunning(ctx, created, o.podTimeout()); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// createError turns a refused pod into one sentence; Pod Security admission
// gets the label or namespace that would let the pod in.
func createError(err error, ns string) error {
	if apierrors.IsForbidden(err) && strings.Contains(err.Error(), "violates PodSecurity") {
		return fmt.Errorf("Pod Security admission of namespace %q refuses privileged debug pods: "+
			"label it pod-security.kubernetes.io/enforce=privileged "+
			"(kubectl label namespace %s pod-security.kubernetes.io/enforce=privileged --overwrite) "+
			"or pass --debug-namespace with a namespace that allows privileged pods (usually kube-system)", ns, ns)
	}
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("namespace %q does not exist: pass --debug-namespace with an existing namespace", ns)
	}
	return cli.Explain(err, "creating the debug pod in namespace "+ns)
}

// failFast are container waiting reasons that will not resolve by waiting.
var failFast = map[string]bool{
	"ErrImageNeverPull": true, "ImagePullBackOff": true, "InvalidImageName": true,
	"CreateContainerConfigError": true, "CreateContainerError": true, "RunContainerError": true,
}

// waitRunning watches the pod until it runs, fails, or timeout passes.
func (p *Pod) waitRunning(ctx context.Context, created *corev1.Pod, timeout time.Duration) error {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pods := p.clients.Kube.CoreV1().Pods(p.Namespace)
	sel := fields.OneTermEqualSelector("metadata.name", p.Name).String()
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = sel
			return pods.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = sel
			return pods.Watch(ctx, o)
		},
	}
	last := created
	var failed error
	_, err := watchtools.UntilWithSync(wctx, lw, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
		pod, ok := ev.Object.(*corev1.Pod)
		if !ok {
			return false, nil
		}
		if ev.Type == watch.Deleted {
			failed = fmt.Errorf("debug pod %s/%s was deleted before it ran", p.Namespace, p.Name)
			return false, failed
		}
		last = pod
		switch pod.Status.Phase {
		case corev1.PodRunning:
			return true, nil
		case corev1.PodSucceeded, corev1.PodFailed:
			failed = fmt.Errorf("debug pod %s/%s ended before it ran the check: %s", p.Namespace, p.Name, describe(pod))
			return false, failed
		}
		for _, cs := range pod.Status.ContainerStatuses {
			if w := cs.State.Waiting; w != nil && failFast[w.Reason] {
				failed = fmt.Errorf("debug pod %s/%s cannot start: %s", p.Namespace, p.Name, describe(pod))
				return false, failed
			}
		}
		return false, nil
	})
	switch {
	case err == nil:
		return nil
	case failed != nil:
		return failed
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted while waiting for debug pod %s/%s: %w", p.Namespace, p.Name, ctx.Err())
	case wctx.Err() != nil:
		msg := fmt.Sprintf("debug pod %s/%s did not start within %s: %s", p.Namespace, p.Name, timeout, describe(last))
		if ev := p.lastWarning(); ev != "" {
			msg += "; last event: " + ev
		}
		return errors.New(msg)
	default:
		return cli.Explain(err, "watching debug pod "+p.Namespace+"/"+p.Name)
	}
}

// lastWarning is the newest Warning event about the pod, or "" (one LIST,
// only when a pod failed to start).
func (p *Pod) lastWarning() string {
	ctx, cancel := context.WithTimeout(p.cleanup, 5*time.Second)
	defer cancel()
	evs, err := p.clients.Kube.CoreV1().Events(p.Namespace).List(ctx, metav1.ListOptions{
		FieldSelector: fields.AndSelectors(
			fields.OneTermEqualSelector("involvedObject.name", p.Name),
			fields.OneTermEqualSelector("involvedObject.uid", p.uid)).String(),
	})
	if err != nil || len(evs.Items) == 0 {
		return ""
	}
	items := evs.Items
	sort.SliceStable(items, func(i, j int) bool { return eventTime(items[i]).Before(eventTime(items[j])) })
	for i := len(items) - 1; i >= 0; i-- {
		if items[i].Type == corev1.EventTypeWarning {
			return items[i].Reason + ": " + items[i].Message
		}
	}
	return ""
}

func eventTime(e corev1.Event) time.Time {
	if !e.LastTimestamp.IsZero() {
		return e.LastTimestamp.Time
	}
	if !e.EventTime.IsZero() {
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}

// Close deletes the pod at once (grace period 0, UID precondition so a
// same-named successor is never hit). It uses a context that survives the
// command's cancellation, so Ctrl-C and SIGTERM still clean up.
func (p *Pod) Close() error {
	ctx, cancel := context.WithTimeout(p.cleanup, cleanupTimeout)
	defer cancel()
	uid := p.uidPtr()
	err := p.clients.Kube.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptr(int64(0)),
		Preconditions:      &metav1.Preconditions{UID: uid},
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting debug pod %s/%s: %w (delete it by hand: kubectl delete pod -n %s %s)",
			p.Namespace, p.Name, err, p.Namespace, p.Name)
	}
	return nil
}

func (p *Pod) uidPtr() *types.UID {
	u := types.UID(p.uid)
	return &u
}

// Streams are what an Exec connects; nil streams are not opened.
type Streams struct {
	In      io.Reader
	Out     io.Writer
	Err     io.Writer
	TTY     bool
	Resizes remotecommand.TerminalSizeQueue
}

// Exec runs argv in the pod's agent container over the exec API (WebSocket,
// falling back to SPDY for older servers) and returns its exit code. A
// non-nil error means the command could not be run or its stream broke.
func (p *Pod) Exec(ctx context.Context, argv []string, s Streams) (int, error) {
	req := p.clients.Kube.CoreV1().RESTClient().Post().
		Resource("pods").Namespace(p.Namespace).Name(p.Name).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: containerName,
			Command:   agentArgv(argv),
			Stdin:     s.In != nil,
			Stdout:    s.Out != nil,
			Stderr:    s.Err != nil && !s.TTY,
			TTY:       s.TTY,
		}, scheme.ParameterCodec)
	cfg := p.clients.Config
	spdy, err := remotecommand.NewSPDYExecutor(cfg, "POST", req.URL())
	if err != nil {
		return -1, err
	}
	ws, err := remotecommand.NewWebSocketExecutor(cfg, "GET", req.URL().String())
	if err != nil {
		return -1, err
	}
	ex, err := remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
	if err != nil {
		return -1, err
	}
	opts := remotecommand.StreamOptions{Stdin: s.In, Stdout: s.Out, Tty: s.TTY, TerminalSizeQueue: s.Resizes}
	if !s.TTY && s.Err != nil {
		opts.Stderr = s.Err
	}
	err = ex.StreamWithContext(ctx, opts)
	var exit utilexec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit) && exit.Exited():
		return exit.ExitStatus(), nil
	case ctx.Err() != nil:
		return -1, fmt.Errorf("interrupted: %w", ctx.Err())
	default:
		return -1, fmt.Errorf("exec in debug pod %s/%s: %w", p.Namespace, p.Name, err)
	}
}
