package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// renewNode is where a node's steps run: this machine (--local) or a debug
// pod on the node, kept for all of the node's steps.
type renewNode interface {
	// step runs a node-side step; err means the step could not be run or
	// its report not read (a failed step is rep.Error).
	step(ctx context.Context, step string, r certs.Restart) (certs.StepReport, error)
	// read copies a node file to w.
	read(ctx context.Context, file string, w io.Writer) error
	// scan reads the node's certificates.
	scan(ctx context.Context) ([]certs.Certificate, error)
	close()
}

// localNode runs the steps in this process.
type localNode struct{ ops *certs.NodeOps }

func (l localNode) step(ctx context.Context, step string, r certs.Restart) (certs.StepReport, error) {
	return l.ops.RunStep(ctx, step, r), nil
}

func (l localNode) read(_ context.Context, file string, w io.Writer) error {
	f, err := os.Open(filepath.Join(l.ops.Host.Root, file))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func (l localNode) scan(context.Context) ([]certs.Certificate, error) {
	return certs.Scan(l.ops.Host, l.ops.Layout), nil
}

func (localNode) close() {}

// podNode runs the steps through `kubectl-akash agent` in a debug pod.
// renewWork bounds one node's renewal in its debug pod: snapshot, backup,
// kubeadm, and up to four static pods restarted and awaited one by one.
const renewWork = 2 * time.Hour

type podNode struct {
	o   *CertsRenewOptions
	pod *nodedebug.Pod
}

// open starts where node's steps run.
func (o *CertsRenewOptions) open(ctx context.Context, node string) (renewNode, error) {
	if o.Nodes.Local {
		ops := *o.Ops
		ops.Host = certs.Host{Root: o.Nodes.HostRoot}
		ops.Proc = o.Nodes.ProcRoot
		return localNode{ops: &ops}, nil
	}
	p, err := nodedebug.Start(ctx, o.clients, o.Nodes.Options().WithWork(renewWork), node)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", node, err)
	}
	return &podNode{o: o, pod: p}, nil
}

func (p *podNode) exec(ctx context.Context, argv []string, out io.Writer) (int, string, error) {
	var stderr bytes.Buffer
	code, err := p.pod.Exec(ctx, argv, nodedebug.Streams{Out: out, Err: &stderr})
	return code, strings.TrimSpace(stderr.String()), err
}

func (p *podNode) step(ctx context.Context, step string, r certs.Restart) (certs.StepReport, error) {
	o := p.o.Ops
	argv := append([]string{"kubectl-akash", "agent", "certs-renew", step, "--host-root=" + nodedebug.HostRoot, "--proc-root=/proc"},
		layoutArgs(o.Layout)...)
	argv = append(argv, "--static-pod-dir="+o.StaticPodDir, "--backup-dir="+o.BackupDir, "--etcd-env="+o.EtcdEnv,
		"--etcdctl="+o.Etcdctl, "--kubeadm="+o.Kubeadm, "--cert-dir="+o.CertDir, "--etcd-service="+o.EtcdService,
		"--component="+r.Name, "--pod-uid="+r.PodUID, "--out="+r.Out.String(), "--stop-timeout="+r.Timeout.String())
	var out bytes.Buffer
	code, stderr, err := p.exec(ctx, argv, &out)
	var rep certs.StepReport
	if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil {
		if err == nil {
			err = fmt.Errorf("the agent's report is not JSON (exit %d, is --image this version of kubectl-akash?): %s", code, stderr)
		}
		return rep, err
	}
	return rep, nil
}

func (p *podNode) read(ctx context.Context, file string, w io.Writer) error {
	code, stderr, err := p.exec(ctx, []string{"kubectl-akash", "agent", "certs-renew", "read", file, "--host-root=" + nodedebug.HostRoot}, w)
	if err == nil && code != 0 {
		err = fmt.Errorf("reading %s on the node: exit %d: %s", file, code, stderr)
	}
	return err
}

func (p *podNode) scan(ctx context.Context) ([]certs.Certificate, error) {
	var out bytes.Buffer
	code, stderr, err := p.exec(ctx, append([]string{"kubectl-akash", "agent", "certs", "--host-root=" + nodedebug.HostRoot}, layoutArgs(p.o.Ops.Layout)...), &out)
	if err != nil {
		return nil, err
	}
	var n certs.NodeCertificates
	if err := json.Unmarshal(out.Bytes(), &n); err != nil {
		return nil, fmt.Errorf("the agent's report is not JSON (exit %d): %s", code, stderr)
	}
	return n.Status.Certificates, nil
}

func (p *podNode) close() {
	if err := p.pod.Close(); err != nil {
		fmt.Fprintf(p.o.g.Streams.ErrOut, "warning: %v\n", err) // it says how to delete the pod by hand
	}
}

// stamp names local files of this run.
func stamp() string { return time.Now().UTC().Format("20060102T150405Z") }
