package doctor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// ChainSource is where the dangling check reads the chain: API (its REST
// API), ViaCLI (a local akt or provider-services), or, with neither,
// provider-services in a Ready akash-provider pod. Provider is --provider.
// Insecure allows API over plain HTTP to a host other than loopback.
type ChainSource struct {
	API, ViaCLI, Provider string
	APITimeout            time.Duration
	Insecure              bool
}

// readBesides reads what the snapshot does not hold, for the checks that
// were selected: the chain, the provider's /status, the device plugins (on
// a cluster with GPU nodes only) and the client-side certificates.
func readBesides(ctx context.Context, clients *cli.Clients, sel Selection, in *Input, o RunOptions) {
	if sel.Has("dangling") && in.LoadErrors[ResManifests] == nil && in.LoadErrors[ResLeaseNamespaces] == nil {
		in.Chain = o.Chain.read(ctx, clients, in)
	}
	if sel.Has("provider-status") && len(in.Snapshot.ProviderPods) > 0 {
		pctx, cancel := context.WithTimeout(ctx, o.StatusTimeout)
		body, err := clients.Kube.CoreV1().Services(o.ProviderNamespace).ProxyGet("https", akash.ProviderApp, "8443", "status", nil).DoRaw(pctx)
		cancel()
		p := &ProviderInput{}
		if err == nil {
			p.Endpoint, p.Err = provider.ParseStatus(body)
		} else {
			p.Err = cli.Explain(err, fmt.Sprintf("reading /status of service %s/%s port 8443 through the API server's service proxy", o.ProviderNamespace, akash.ProviderApp))
		}
		in.Provider = p
	}
	if sel.Has("device-plugin") && hasGPUNode(in.Snapshot) {
		v, err := gpu.ReadCluster(ctx, clients)
		in.GPU = &GPUInput{View: v, Err: err}
	}
	if sel.Has("apiserver-cert") || sel.Has("kubeconfig-cert") {
		in.Certificates = certs.ClientSide(ctx, clients.Config)
	}
}

// read picks the chain source and reads the chain; with no source the
// dangling check is not applicable.
func (c ChainSource) read(ctx context.Context, clients *cli.Clients, in *Input) *ChainInput {
	var src chain.LeaseSource
	var fixArgs string
	switch {
	case c.API != "":
		src = chain.VerifiedREST(c.API, c.APITimeout)
		fixArgs = " --api " + c.API
	case c.ViaCLI != "":
		r := chain.LocalRunner{Binary: c.ViaCLI}
		detected, err := chain.Detect(ctx, r, "--via-cli "+c.ViaCLI)
		if err != nil {
			return &ChainInput{Err: err}
		}
		src = chain.Verified{LeaseSource: &chain.CLISource{Runner: r, CLI: detected, Where: "with the local " + c.ViaCLI}}
		fixArgs = " --via-cli " + c.ViaCLI
	default:
		if in.LoadErrors[ResProviderPods] != nil {
			return &ChainInput{NotApplicable: "no chain source: pass --api URL or --via-cli PATH (the akash-provider pods could not be listed)"}
		}
		pod, err := chain.SelectProviderPod(in.Snapshot.ProviderPods, in.ProviderNamespace)
		if err != nil {
			return &ChainInput{NotApplicable: "no chain source: pass --api URL or --via-cli PATH, or run a Ready akash-provider pod (" + firstSentence(err.Error()) + ")"}
		}
		src = chain.Verified{LeaseSource: &chain.CLISource{Runner: chain.NewPodRunner(clients, pod), Where: "in pod " + pod.Namespace + "/" + pod.Name}}
	}
	if c.Provider != "" {
		fixArgs += " --provider " + c.Provider
	}
	return ReadChain(ctx, src, c.Provider, in.Snapshot, fixArgs)
}

// firstSentence cuts an error at its first colon: the part that says what
// is missing.
func firstSentence(s string) string {
	if i := strings.Index(s, ":"); i > 0 {
		return s[:i]
	}
	return s
}

// hasGPUNode says whether the snapshot's nodes include a GPU node.
func hasGPUNode(s *snapshot.Snapshot) bool {
	for i := range s.Nodes {
		if gpu.IsGPUNode(&s.Nodes[i]) {
			return true
		}
	}
	return false
}
