package certs

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// KubeadmTool is the node's kubeadm as a renewal uses it. Its commands are
// built from what this kubeadm says it accepts (`--help`), never assumed:
// the flags of `certs renew all` differ between releases (it was `alpha
// certs` before 1.20; `check-expiration -o json` came in 1.30s), and no
// release so far takes a kubeconfig directory: kubeadm renews the
// kubeconfigs of its own /etc/kubernetes, nowhere else.
type KubeadmTool struct {
	// Path is the binary's node path.
	Path    string `json:"path"`
	Version string `json:"version"`
	// Root is the node directory kubeadm runs chrooted into ("/" normally):
	// the one whose etc/kubernetes is the layout's KubernetesDir.
	Root string `json:"root"`
	// Renew is the renewal command, as kubeadm sees its paths (inside Root).
	Renew []string `json:"renew"`
	// Expiration is `certs check-expiration -o json`, when this kubeadm has it.
	Expiration []string `json:"expiration,omitempty"`
}

// String is the tool for the plan: version, where it runs, and the command.
func (k *KubeadmTool) String() string {
	s := "kubeadm " + k.Version + " (" + k.Path + ")"
	if k.Root != "/" {
		s += " chrooted into " + k.Root
	}
	return s + ": " + strings.Join(k.Renew, " ")
}

var (
	helpFlag    = regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z0-9-]+)`)
	versionWord = regexp.MustCompile(`v\d+\.\d+\.\d+[^\s",]*`)
)

// helpFlags are the long flags a `--help` text lists (global ones too).
func helpFlags(help string) map[string]bool {
	out := map[string]bool{}
	for _, m := range helpFlag.FindAllStringSubmatch(help, -1) {
		out[m[1]] = true
	}
	return out
}

// KubeadmTool finds the node's kubeadm and asks it what it is and accepts.
func (o *NodeOps) KubeadmTool(ctx context.Context) (*KubeadmTool, error) {
	bin := o.find(o.Kubeadm, "kubeadm")
	if bin == "" {
		return nil, fmt.Errorf("no kubeadm on the node (pass --kubeadm PATH)")
	}
	kdir, std := o.Layout.KubernetesDir, "/etc/kubernetes"
	k := &KubeadmTool{Path: bin, Root: "/"}
	// A node tree under a prefix (--node-root): kubeadm runs chrooted into
	// it, so its own /etc/kubernetes is that tree's, when the binary is there too.
	if prefix, ok := strings.CutSuffix(kdir, std); ok && prefix != "" && strings.HasPrefix(bin, prefix+"/") {
		k.Root = prefix
	}
	in := func(p string) string {
		if k.Root == "/" {
			return p
		}
		return "/" + strings.TrimPrefix(strings.TrimPrefix(p, k.Root), "/")
	}
	exe := in(bin)
	out, _, err := o.runIn(ctx, k.Root, nil, exe, "version", "-o", "short")
	if err != nil {
		if out, _, err = o.runIn(ctx, k.Root, nil, exe, "version"); err != nil {
			return nil, fmt.Errorf("kubeadm version: %w", err)
		}
	}
	if k.Version = versionWord.FindString(out); k.Version == "" {
		return nil, fmt.Errorf("%s version says no version: %s", bin, lastLines(out, 1))
	}
	sub := []string{"certs"}
	help, _, err := o.runIn(ctx, k.Root, nil, exe, "certs", "renew", "all", "--help")
	if err != nil || !strings.Contains(help, "--cert-dir") {
		// Before 1.20 the commands were under `alpha`.
		sub = []string{"alpha", "certs"}
		if help, _, err = o.runIn(ctx, k.Root, nil, exe, "alpha", "certs", "renew", "all", "--help"); err != nil {
			return nil, fmt.Errorf("kubeadm %s has neither `certs renew all` nor `alpha certs renew all`: %w", k.Version, err)
		}
	}
	flags := helpFlags(help)
	if !flags["cert-dir"] && in(o.CertDir) != std+"/pki" {
		return nil, fmt.Errorf("kubeadm %s renew has no --cert-dir, so it renews %s/pki only, not %s", k.Version, std, o.CertDir)
	}
	if in(kdir) != std && !flags["kubeconfig-dir"] {
		return nil, fmt.Errorf("kubeadm %s renews the kubeconfigs in its /etc/kubernetes only (it has no --kubeconfig-dir), and %s is not that directory: put kubeadm under %s (--kubeadm) or renew on the node itself",
			k.Version, kdir, strings.TrimSuffix(kdir, std))
	}
	if k.Root != "/" && !strings.HasPrefix(o.CertDir, k.Root+"/") {
		return nil, fmt.Errorf("--cert-dir %s is outside %s, where kubeadm runs", o.CertDir, k.Root)
	}
	k.Renew = append(append([]string{exe}, sub...), "renew", "all")
	common := []string{}
	if flags["cert-dir"] {
		common = append(common, "--cert-dir="+in(o.CertDir))
	}
	if flags["kubeconfig-dir"] {
		common = append(common, "--kubeconfig-dir="+in(kdir))
	}
	if flags["kubeconfig"] {
		common = append(common, "--kubeconfig="+in(path.Join(kdir, "admin.conf")))
	}
	k.Renew = append(k.Renew, common...)
	if help, _, err := o.runIn(ctx, k.Root, nil, append(append([]string{exe}, sub...), "check-expiration", "--help")...); err == nil {
		if f := helpFlags(help); f["output"] && strings.Contains(help, "json") {
			k.Expiration = append(append(append([]string{exe}, sub...), "check-expiration", "-o", "json"), common...)
		}
	}
	return k, nil
}

// expirationInfo is `kubeadm certs check-expiration -o json`
// (output.kubeadm.k8s.io CertificateExpirationInfo).
type expirationInfo struct {
	Kind         string            `json:"kind"`
	Certificates []expirationEntry `json:"certificates"`
	Authorities  []expirationEntry `json:"certificateAuthorities"`
}

type expirationEntry struct {
	Name              string     `json:"name"`
	ExpirationDate    *time.Time `json:"expirationDate"`
	ExternallyManaged bool       `json:"externallyManaged"`
	Missing           bool       `json:"missing"`
}

// KubeadmExpiration runs the tool's check-expiration; ok is false when this
// kubeadm has no JSON output to compare with.
func (o *NodeOps) KubeadmExpiration(ctx context.Context, k *KubeadmTool) (entries []expirationEntry, ok bool, err error) {
	if len(k.Expiration) == 0 {
		return nil, false, nil
	}
	out, _, err := o.runIn(ctx, k.Root, nil, k.Expiration...)
	if err != nil {
		return nil, true, err
	}
	var info expirationInfo
	if err := json.Unmarshal([]byte(out), &info); err != nil || info.Kind != "CertificateExpirationInfo" {
		return nil, true, fmt.Errorf("kubeadm %s check-expiration -o json is not a CertificateExpirationInfo: %v: %s", k.Version, err, lastLines(out, 2))
	}
	return append(info.Certificates, info.Authorities...), true, nil
}

// Disagreements compares what kubeadm reports with what Scan read, name by
// name and to the second; each disagreement is one sentence. kubelet.conf
// (not kubeadm's to renew) and other sources are left out.
func Disagreements(kubeadm []expirationEntry, scanned []Certificate) []string {
	ours := map[string]Certificate{}
	for _, c := range scanned {
		if (c.Source == SourceKubeadm || c.Source == SourceKubeconfig) && c.Name != "kubelet.conf" {
			ours[c.Name] = c
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range kubeadm {
		seen[e.Name] = true
		c, have := ours[e.Name]
		has := have && c.Status != Missing
		switch {
		case e.ExternallyManaged:
		case e.Missing && has:
			out = append(out, fmt.Sprintf("%s: kubeadm finds no file, this command reads %s", e.Name, c.Path))
		case e.Missing || e.ExpirationDate == nil:
		case !has || c.NotAfter == nil:
			out = append(out, fmt.Sprintf("%s: kubeadm says it expires %s, this command finds none", e.Name, e.ExpirationDate.UTC().Format(time.RFC3339)))
		case !c.NotAfter.Time.Truncate(time.Second).Equal(e.ExpirationDate.Truncate(time.Second)):
			out = append(out, fmt.Sprintf("%s: kubeadm says it expires %s, this command read %s in %s", e.Name,
				e.ExpirationDate.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339), c.Path))
		}
	}
	for name, c := range ours {
		if !seen[name] && c.Status != Missing {
			out = append(out, fmt.Sprintf("%s: this command reads %s, kubeadm does not report it", name, c.Path))
		}
	}
	sort.Strings(out)
	return out
}

// crossCheck compares kubeadm's view with Scan's: "" and no error when
// they agree; the sentence says what was compared.
func (o *NodeOps) crossCheck(ctx context.Context, k *KubeadmTool) (string, error) {
	entries, ok, err := o.KubeadmExpiration(ctx, k)
	if !ok {
		return "kubeadm " + k.Version + " has no check-expiration -o json to cross-check with", nil
	}
	if err != nil {
		return "", err
	}
	if d := Disagreements(entries, Scan(o.Host, o.Layout)); len(d) > 0 {
		return "", fmt.Errorf("kubeadm %s check-expiration and this command disagree: %s", k.Version, strings.Join(d, "; "))
	}
	return fmt.Sprintf("kubeadm %s check-expiration agrees on all %d", k.Version, len(entries)), nil
}
