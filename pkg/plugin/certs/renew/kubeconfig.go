package renew

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

// updateKubeconfig reads the node's renewed admin kubeconfig src
// (admin.conf, k3s.yaml) and puts its client certificate and key into the
// user of the operator's context, after copying the old file to
// <file>.bak-<time>. Only a user that already authenticates with a client
// certificate is changed.
func (r *Renewer) updateKubeconfig(ctx context.Context, n node, src string) (string, error) {
	var buf bytes.Buffer
	if err := n.read(ctx, src, &buf); err != nil {
		return "", err
	}
	admin, err := clientcmd.Load(buf.Bytes())
	if err != nil {
		return "", fmt.Errorf("parsing the node's %s: %w", src, err)
	}
	actx, ok := admin.Contexts[admin.CurrentContext]
	if !ok || admin.AuthInfos[actx.AuthInfo] == nil || len(admin.AuthInfos[actx.AuthInfo].ClientCertificateData) == 0 {
		return "", fmt.Errorf("the node's %s has no embedded client certificate in its current context", src)
	}
	renewed := admin.AuthInfos[actx.AuthInfo]

	file := r.cfg.Kubeconfig.file()
	old, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading your kubeconfig %s: %w", file, err)
	}
	cfg, err := clientcmd.Load(old)
	if err != nil {
		return "", fmt.Errorf("parsing your kubeconfig %s: %w", file, err)
	}
	ctxName := cfg.CurrentContext
	if r.cfg.Kubeconfig.Context != "" {
		ctxName = r.cfg.Kubeconfig.Context
	}
	c, ok := cfg.Contexts[ctxName]
	if !ok {
		return "", fmt.Errorf("context %q is not in %s", ctxName, file)
	}
	user := cfg.AuthInfos[c.AuthInfo]
	if user == nil || (len(user.ClientCertificateData) == 0 && user.ClientCertificate == "") {
		return "", fmt.Errorf("user %q of context %q does not authenticate with a client certificate: %s left unchanged", c.AuthInfo, ctxName, file)
	}
	who, err := certIdentity(renewed.ClientCertificateData)
	if err != nil {
		return "", fmt.Errorf("the node's %s: %w", src, err)
	}
	backup := file + ".bak-" + time.Now().UTC().Format("20060102T150405Z")
	if err := writeNew(backup, old); err != nil {
		return "", fmt.Errorf("backing up %s: %w", file, err)
	}
	user.ClientCertificateData, user.ClientKeyData = renewed.ClientCertificateData, renewed.ClientKeyData
	user.ClientCertificate, user.ClientKey = "", ""
	if err := clientcmd.WriteToFile(*cfg, file); err != nil {
		return "", fmt.Errorf("writing %s (the old one is %s): %w", file, backup, err)
	}
	return fmt.Sprintf("user %q of context %q in %s now authenticates as the node's admin, %s; the old file is %s", c.AuthInfo, ctxName, file, who, backup), nil
}

// certIdentity says whom a client certificate authenticates as: its
// common name, groups and expiry, so the operator knows whose credentials
// replaced theirs.
func certIdentity(pemData []byte) (string, error) {
	block, _ := pem.Decode(pemData)
	if block == nil {
		return "", fmt.Errorf("the client certificate is not PEM")
	}
	crt, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", fmt.Errorf("the client certificate does not parse: %w", err)
	}
	groups := "no groups"
	if len(crt.Subject.Organization) > 0 {
		groups = "groups " + strings.Join(crt.Subject.Organization, ",")
	}
	return fmt.Sprintf("%q (%s), valid until %s", crt.Subject.CommonName, groups, crt.NotAfter.UTC().Format(time.RFC3339)), nil
}

// writeNew writes data to a file that must not exist yet, readable by its
// owner only: a backup never overwrites anything, nor is it readable by
// others (it holds credentials).
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(name)
	}
	return err
}

// file is the file the operator's kubeconfig comes from: --kubeconfig,
// else the first existing file of KUBECONFIG, else ~/.kube/config.
func (k Kubeconfig) file() string {
	if k.File != "" {
		return k.File
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	for _, p := range rules.Precedence {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return rules.GetDefaultFilename()
}
