package renew

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// node is where a node's steps run: this machine (--local) or a debug pod
// on the node, kept for all of the node's steps.
type node interface {
	// step runs a node-side step; err means the step could not be run or
	// its report not read (a failed step is rep.Error).
	step(ctx context.Context, step string, r certs.Restart) (certs.StepReport, error)
	// read copies a node file to w.
	read(ctx context.Context, file string, w io.Writer) error
	// scan reads the node's certificates.
	scan(ctx context.Context) ([]certs.Certificate, error)
	close()
}

// open starts where name's steps run.
func (r *Renewer) openNode(ctx context.Context, name string) (node, error) {
	if r.cfg.Local {
		ops := *r.cfg.Ops
		ops.Host = certs.Host{Root: r.cfg.HostRoot}
		ops.Proc = r.cfg.ProcRoot
		return localNode{ops: &ops}, nil
	}
	p, err := nodedebug.Start(ctx, r.cfg.Clients, r.cfg.Debug.WithWork(Work), name)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", name, err)
	}
	return &podNode{cfg: &r.cfg, pod: p}, nil
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
