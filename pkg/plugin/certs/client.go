package certs

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"os"

	"k8s.io/client-go/rest"
)

// ClientSide are the certificates this machine's kubeconfig depends on: the
// API server's serving certificate, as presented in a TLS handshake to the
// kubeconfig's server, and the kubeconfig's own client certificate. They are
// what breaks first for the operator (Unauthorized, or x509 errors).
func ClientSide(ctx context.Context, cfg *rest.Config) []Certificate {
	return []Certificate{ServingCert(ctx, cfg), KubeconfigClientCert(cfg)}
}

// ServingCert reads the certificate the API server presents. Verification
// is off for this one handshake on purpose: an expired or untrusted
// certificate is exactly what the operator needs to see, not a dial error.
func ServingCert(ctx context.Context, cfg *rest.Config) Certificate {
	c := Certificate{Name: "apiserver (served)", Source: SourceClient, Path: cfg.Host}
	u, err := url.Parse(cfg.Host)
	if err != nil || u.Host == "" {
		u, err = url.Parse("https://" + cfg.Host)
	}
	if err != nil {
		c.Status, c.Message = Error, fmt.Sprintf("cannot parse the server URL %q: %v", cfg.Host, err)
		return c
	}
	if u.Scheme == "http" {
		c.Status, c.Message = Error, "the kubeconfig's server is plain http: there is no serving certificate"
		return c
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "443")
	}
	tlsCfg := &tls.Config{InsecureSkipVerify: true, ServerName: cfg.TLSClientConfig.ServerName} //nolint:gosec // reading, not trusting
	if tlsCfg.ServerName == "" {
		tlsCfg.ServerName = u.Hostname()
	}
	d := tls.Dialer{Config: tlsCfg}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		c.Status, c.Message = Error, fmt.Sprintf("TLS handshake with %s: %v", host, err)
		return c
	}
	defer conn.Close()
	peers := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(peers) == 0 {
		c.Status, c.Message = Error, "the server presented no certificate"
		return c
	}
	setCert(&c, peers[0])
	return c
}

// KubeconfigClientCert reads the kubeconfig's client certificate (embedded
// data or the file it names). A kubeconfig that authenticates otherwise
// (token, exec plugin) has none, and the row says so rather than vanishing.
func KubeconfigClientCert(cfg *rest.Config) Certificate {
	c := Certificate{Name: "kubeconfig client", Source: SourceClient}
	data := cfg.TLSClientConfig.CertData
	switch {
	case len(data) > 0:
		c.Path = "(embedded client-certificate-data)"
	case cfg.TLSClientConfig.CertFile != "":
		c.Path = cfg.TLSClientConfig.CertFile
		b, err := os.ReadFile(c.Path)
		if err != nil {
			if os.IsNotExist(err) {
				c.Status, c.Message = Missing, "no such file"
			} else {
				c.Status, c.Message = Error, err.Error()
			}
			return c
		}
		data = b
	default:
		c.Status, c.Message = Valid, "the kubeconfig authenticates without a client certificate (token or exec plugin): nothing expires here"
		return c
	}
	fill(&c, data)
	return c
}
