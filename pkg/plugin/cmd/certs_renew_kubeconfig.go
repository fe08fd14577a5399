package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"

	"k8s.io/client-go/tools/clientcmd"
)

// updateKubeconfig reads the node's renewed admin.conf and puts its client
// certificate and key into the user of the operator's current context, after
// copying the old file to <file>.bak-<time>. Only a user that already
// authenticates with a client certificate is changed.
func (o *CertsRenewOptions) updateKubeconfig(ctx context.Context, n renewNode) (string, error) {
	var buf bytes.Buffer
	src := path.Join(o.Ops.Layout.KubernetesDir, "admin.conf")
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

	file := o.kubeconfigFile()
	old, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading your kubeconfig %s: %w", file, err)
	}
	cfg, err := clientcmd.Load(old)
	if err != nil {
		return "", fmt.Errorf("parsing your kubeconfig %s: %w", file, err)
	}
	ctxName := cfg.CurrentContext
	if o.g.ConfigFlags.Context != nil && *o.g.ConfigFlags.Context != "" {
		ctxName = *o.g.ConfigFlags.Context
	}
	c, ok := cfg.Contexts[ctxName]
	if !ok {
		return "", fmt.Errorf("context %q is not in %s", ctxName, file)
	}
	user := cfg.AuthInfos[c.AuthInfo]
	if user == nil || (len(user.ClientCertificateData) == 0 && user.ClientCertificate == "") {
		return "", fmt.Errorf("user %q of context %q does not authenticate with a client certificate: %s left unchanged", c.AuthInfo, ctxName, file)
	}
	backup := file + ".bak-" + stamp()
	if err := os.WriteFile(backup, old, 0o600); err != nil {
		return "", fmt.Errorf("backing up %s: %w", file, err)
	}
	user.ClientCertificateData, user.ClientKeyData = renewed.ClientCertificateData, renewed.ClientKeyData
	user.ClientCertificate, user.ClientKey = "", ""
	if err := clientcmd.WriteToFile(*cfg, file); err != nil {
		return "", fmt.Errorf("writing %s (the old one is %s): %w", file, backup, err)
	}
	return fmt.Sprintf("user %q in %s now has the renewed admin credentials; the old file is %s", c.AuthInfo, file, backup), nil
}

// kubeconfigFile is the file the operator's kubeconfig comes from:
// --kubeconfig, else the first file of KUBECONFIG, else ~/.kube/config.
func (o *CertsRenewOptions) kubeconfigFile() string {
	if f := o.g.ConfigFlags.KubeConfig; f != nil && *f != "" {
		return *f
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if len(rules.Precedence) > 0 {
		for _, p := range rules.Precedence {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	return rules.GetDefaultFilename()
}
