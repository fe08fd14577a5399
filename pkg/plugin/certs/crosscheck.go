package certs

import (
	"context"
	"fmt"
)

// KubeadmView is what the node's own kubeadm says of the certificates it
// manages, compared with what Scan read: two readers of the same files
// that disagree mean one of them is reading the wrong files.
type KubeadmView struct {
	// Version and Path name the kubeadm that was asked.
	Version string `json:"version"`
	Path    string `json:"path"`
	// Compared counts the certificates and authorities kubeadm reported.
	Compared int `json:"compared"`
	// Disagreements are one sentence each; none means kubeadm agrees.
	Disagreements []string `json:"disagreements,omitempty"`
	// Error says why kubeadm could not be asked.
	Error string `json:"error,omitempty"`
}

// CrossCheckKubeadm asks the node's kubeadm (kubeadmPath, or the usual bin
// directories) for `certs check-expiration -o json` and compares it with
// scanned. It returns nil when there is nothing to compare: no kubeadm
// certificates were read, no kubeadm is on the node, or this kubeadm has
// no JSON output (before the 1.30s).
func CrossCheckKubeadm(ctx context.Context, h Host, l Layout, kubeadmPath string, scanned []Certificate) *KubeadmView {
	kubeadmCerts := false
	for _, c := range scanned {
		if c.Source == SourceKubeadm && c.Status != Missing {
			kubeadmCerts = true
			break
		}
	}
	if !kubeadmCerts {
		return nil
	}
	o := &NodeOps{Layout: l, Host: h, Kubeadm: kubeadmPath}
	o.Defaults()
	if o.find(o.Kubeadm, "kubeadm") == "" {
		return nil
	}
	k, err := o.KubeadmTool(ctx)
	if err != nil {
		return &KubeadmView{Error: err.Error()}
	}
	v := &KubeadmView{Version: k.Version, Path: k.Path}
	entries, ok, err := o.KubeadmExpiration(ctx, k)
	switch {
	case !ok:
		return nil
	case err != nil:
		v.Error = fmt.Sprintf("kubeadm %s check-expiration: %v", k.Version, err)
	default:
		v.Compared = len(entries)
		v.Disagreements = Disagreements(entries, scanned)
	}
	return v
}
