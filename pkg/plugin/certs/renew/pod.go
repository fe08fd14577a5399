package renew

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"strings"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// podNode runs the steps through `kubectl-akash agent certs-renew` in a
// debug pod on the node.
type podNode struct {
	cfg *Config
	pod *nodedebug.Pod
	// out is a restart whose manifest the node may still hold out of the
	// static-pod dir: its report did not come back (an interrupt, a broken
	// stream). The pod is not deleted before the node is done with it.
	out struct {
		component string
		until     time.Time
	}
}

// exec runs argv in the debug pod: what it printed (into out, when given)
// and how it ended, as the agent protocol decodes it.
func (p *podNode) exec(ctx context.Context, argv []string, out io.Writer) agent.Answer {
	var stdout, stderr bytes.Buffer
	if out == nil {
		out = &stdout
	}
	code, err := p.pod.Exec(ctx, argv, nodedebug.Streams{Out: out, Err: &stderr})
	if err == nil && code != 0 {
		err = &nodedebug.AgentExitError{Code: code, Stderr: stderr.String()}
	}
	return agent.Answer{Node: p.pod.Node, Stdout: stdout.Bytes(), ExitCode: code, Err: err}
}

func (p *podNode) step(ctx context.Context, step string, r certs.Restart) (certs.StepReport, error) {
	if step == certs.StepRestart {
		p.out.component, p.out.until = r.Name, time.Now().Add(r.Out+r.Timeout+certs.GuardSlack)
	}
	rep, err := StepAgent.Decode(p.exec(ctx, stepArgv(p.cfg.Ops, step, r), nil))
	if err != nil {
		return rep, err
	}
	if step == certs.StepRestart && (rep.Guard == nil || !rep.Guard.Active) {
		p.out.component = "" // the node is done with it
	}
	return rep, nil
}

func (p *podNode) read(ctx context.Context, file string, w io.Writer) error {
	if a := p.exec(ctx, readArgv(file), w); a.Err != nil {
		return fmt.Errorf("reading %s on the node: %w", file, a.Err)
	}
	return nil
}

func (p *podNode) scan(ctx context.Context) ([]certs.Certificate, error) {
	n, err := certs.CheckAgent.Decode(p.exec(ctx, scanArgv(p.cfg.Ops.Layout), nil))
	if err != nil {
		return nil, err
	}
	return n.Status.Certificates, nil
}

func (p *podNode) close() {
	if p.out.component != "" && time.Now().Before(p.out.until) {
		p.awaitManifest()
	}
	if err := p.pod.Close(); err != nil {
		fmt.Fprintf(p.cfg.ErrOut, "warning: %v\n", err) // it says how to delete the pod by hand
	}
}

// awaitManifest is close's wait while a restart's manifest may still be
// out: the node's guardian puts it back on its own, at the latest when the
// step's window has passed; deleting the pod earlier would not stop it, but
// this command waits to say how it ended. A second interrupt stops the
// waiting, not the guardian.
func (p *podNode) awaitManifest() {
	w, c := p.cfg.ErrOut, p.out
	manifest := path.Join(p.cfg.Ops.StaticPodDir, c.component+".yaml")
	fmt.Fprintf(w, "node %s: the restart of %s was cut short while %s may be out; waiting up to %s for the node to put it back (it does so even if this command stops; interrupt again to stop waiting)\n",
		p.pod.Node, c.component, manifest, time.Until(c.until).Round(time.Second))
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		rep, err := p.step(ctx, certs.StepRestartStatus, certs.Restart{Name: c.component})
		gone := err != nil && p.podGone(ctx)
		cancel()
		switch st := rep.Guard; {
		case err == nil && st != nil && !st.Active && st.InPlace:
			fmt.Fprintf(w, "node %s: %s is back in place%s\n", p.pod.Node, manifest, guardOutcome(st, rep.Message))
			return
		case err == nil && st != nil && !st.Active:
			fmt.Fprintf(w, "node %s: %s IS NOT BACK%s: put it back by hand from %s\n", p.pod.Node, manifest, guardOutcome(st, rep.Message), path.Join(p.cfg.Ops.BackupDir, "parked-manifests"))
			return
		case gone:
			fmt.Fprintf(w, "node %s: the debug pod is gone; the node puts %s back on its own by %s\n", p.pod.Node, manifest, c.until.Format(time.TimeOnly))
			return
		case time.Now().After(c.until):
			fmt.Fprintf(w, "node %s: not confirmed that %s is back (%v); check it, or run certs renew again: it first puts back a manifest left parked\n", p.pod.Node, manifest, err)
			return
		}
		select {
		case <-sigs:
			fmt.Fprintf(w, "node %s: not waiting any longer; the node still puts %s back by %s\n", p.pod.Node, manifest, c.until.Format(time.TimeOnly))
			return
		case <-time.After(2 * time.Second):
		}
	}
}

// guardOutcome is the guardian's last word, for awaitManifest.
func guardOutcome(st *certs.GuardStatus, restored string) string {
	var parts []string
	if st.Message != "" {
		parts = append(parts, st.Message)
	}
	if st.Error != "" {
		parts = append(parts, st.Error)
	}
	if restored != "" {
		parts = append(parts, restored)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// podGone says whether the debug pod no longer exists (an executor-time
// read, while the node is released).
func (p *podNode) podGone(ctx context.Context) bool {
	_, err := p.cfg.Clients.Kube.CoreV1().Pods(p.pod.Namespace).Get(ctx, p.pod.Name, metav1.GetOptions{})
	return apierrors.IsNotFound(err)
}
