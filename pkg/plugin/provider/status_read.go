package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// StatusSource says where `provider status` reads: the provider namespace,
// the Service and port serving /status, and the chain's REST API (optional).
type StatusSource struct {
	Namespace  string
	Service    string
	Port       string
	Scheme     string
	Timeout    time.Duration
	API        string
	APITimeout time.Duration
}

// PodsSpec reads the akash-provider pods of namespace ns: what every
// provider command starts from.
func PodsSpec(ns string) snapshot.Spec {
	return snapshot.Spec{ProviderNamespace: ns, ProviderPods: true}
}

// ReadPods reads the akash-provider pods through the snapshot (one LIST)
// and refuses a namespace without any.
func ReadPods(ctx context.Context, c *cli.Clients, ns string) ([]corev1.Pod, error) {
	snap, err := snapshot.Load(ctx, c, PodsSpec(ns))
	if err != nil {
		return nil, err
	}
	return RequirePods(snap.ProviderPods, ns)
}

// ReadStatus reads the provider pods, the nodes and /status once (three API
// calls; with an API, one or two requests to the chain); findings is a pod
// not Ready, /status not answering or the chain not answering. What could
// not be read besides the pods is a warning on stderr and a field of the
// status, not an error.
func ReadStatus(ctx context.Context, c *cli.Clients, o StatusSource, stderr io.Writer) (st *Status, findings bool, err error) {
	pods, err := ReadPods(ctx, c, o.Namespace)
	if err != nil {
		return nil, false, err
	}
	st = NewStatus(o.Service, o.Namespace, pods)
	// How the cluster was installed decides which runbooks apply;
	// a user who may not list nodes still gets the rest.
	if nodes, err := snapshot.Load(ctx, c, snapshot.Spec{Nodes: true}); err == nil {
		cl := ClusterOf(nodes.Nodes)
		st.Spec.Cluster = &cl
	} else {
		fmt.Fprintf(stderr, "warning: the cluster's kind is not shown: %v\n", err)
	}
	findings = st.NotReady()
	pctx, cancel := context.WithTimeout(ctx, o.Timeout)
	body, err := c.Kube.CoreV1().Services(o.Namespace).ProxyGet(o.Scheme, o.Service, o.Port, "status", nil).DoRaw(pctx)
	cancel()
	if err == nil {
		st.Spec.Endpoint, err = ParseStatus(body)
	} else {
		err = cli.Explain(err, fmt.Sprintf("reading /status of service %s/%s port %s through the API server's service proxy", o.Namespace, o.Service, o.Port))
	}
	if err != nil {
		st.Spec.EndpointError = err.Error()
		findings = true
		fmt.Fprintf(stderr, "warning: %v\n", err)
	}
	if o.API != "" {
		st.Spec.Chain = chainOf(ctx, o.API, o.APITimeout)
		if st.Spec.Chain.Error != "" {
			findings = true
			fmt.Fprintf(stderr, "warning: the chain's market API version: %s\n", st.Spec.Chain.Error)
		}
	}
	return st, findings, nil
}

// chainOf asks the chain's REST API which market API version it serves.
func chainOf(ctx context.Context, api string, timeout time.Duration) *Chain {
	v, err := (&chain.REST{Base: api, Client: &http.Client{Timeout: timeout}}).MarketVersion(ctx)
	ch := &Chain{API: api, MarketVersion: v}
	if err != nil {
		ch.Error = err.Error()
	}
	return ch
}
