package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// countingProxy is a reverse proxy on loopback in front of the API server that
// counts every request by verb and resource (test/cluster's RequestKey), the
// same way for the runbooks' kubectl processes and for kubectl-akash. It adds
// the admin credentials itself, so the kubeconfig pointing at it holds none.
type countingProxy struct {
	mu         sync.Mutex
	counts     map[string]int
	lists      []Listing // the first-page LIST requests since the last Take, as sent
	listener   net.Listener
	server     *http.Server
	Kubeconfig string // a kubeconfig for http://127.0.0.1:<port>
	Base       string // http://127.0.0.1:<port>
	// ServerCPU is the API server's CPU time so far, in seconds (servercpu.go);
	// nil when it cannot be read.
	ServerCPU func() float64

	// The API server itself, for requests the bench makes on its own behalf
	// (servergc.go), which are not the plugin's and not counted.
	upstream, token string
	upstreamClient  *http.Client
	noGC            bool // the server has no profiling: no collection before runs
}

func startProxy(adminKubeconfig, dir string) (*countingProxy, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", adminKubeconfig)
	if err != nil {
		return nil, err
	}
	upstream, err := url.Parse(cfg.Host)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	ca := cfg.CAData
	if len(ca) == 0 && cfg.CAFile != "" {
		if ca, err = os.ReadFile(cfg.CAFile); err != nil {
			return nil, err
		}
	}
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("no CA certificate in %s", adminKubeconfig)
	}
	token := cfg.BearerToken
	p := &countingProxy{counts: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(upstream)
	rp.FlushInterval = -1 // watches stream
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, ServerName: upstream.Hostname(), MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 64,
		ForceAttemptHTTP2:   true,
	}
	rp.Transport = tr
	p.upstream, p.token, p.upstreamClient = strings.TrimSuffix(upstream.String(), "/"), token, &http.Client{Transport: tr}
	inner := rp.Director
	rp.Director = func(r *http.Request) {
		inner(r)
		r.Header.Set("Authorization", "Bearer "+token)
	}
	p.listener, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.server = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := cluster.RequestKey(r.Method, r.URL)
		p.mu.Lock()
		p.counts[key]++
		if strings.HasPrefix(key, "LIST ") && r.URL.Query().Get("continue") == "" {
			p.lists = append(p.lists, Listing{URI: r.URL.RequestURI(), Encoding: r.Header.Get("Accept-Encoding")})
		}
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})}
	go p.server.Serve(p.listener) //nolint:errcheck // ends with Close
	p.Base = "http://" + p.listener.Addr().String()
	p.Kubeconfig = filepath.Join(dir, "proxy.kubeconfig")
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster: {server: "http://%s"}
users:
- name: bench
  user: {}
contexts:
- name: bench
  context: {cluster: bench, user: bench, namespace: default}
current-context: bench
`, p.listener.Addr())
	if err := os.WriteFile(p.Kubeconfig, []byte(kc), 0o600); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *countingProxy) Close() { p.server.Close() }

// Take returns the counts since the last Take and starts again from zero.
func (p *countingProxy) Take() Requests {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := Requests{ByKey: p.counts, Listings: p.lists}
	for k, v := range p.counts {
		r.Total += v
		if strings.HasPrefix(k, "LIST ") {
			r.Lists += v
		}
	}
	p.counts, p.lists = map[string]int{}, nil
	return r
}

// Requests are the API requests one run made.
type Requests struct {
	Total, Lists int
	ByKey        map[string]int
	// Listings are the LIST requests that began a listing (no continue
	// token), as sent: what the floor replays.
	Listings []Listing
}

// Listing is one LIST request as the plugin sent it: its path and query, and
// the response encoding it accepted (Go's HTTP client asks for gzip unless
// told not to), so that the floor asks the API server for the very same
// response, compressed or not.
type Listing struct {
	URI, Encoding string
}
