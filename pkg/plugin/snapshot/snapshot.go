package snapshot

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Spec says what to read. Each true field costs one LIST (per page).
type Spec struct {
	// LeaseNamespace holds the Manifest, ProviderHost and ProviderLeasedIP CRs.
	LeaseNamespace string
	// Namespace limits namespaced workload reads to one lease namespace; ""
	// reads all namespaces.
	Namespace string
	// ChunkSize pages LISTs (0 = one request per resource type).
	ChunkSize int64
	// Selector is a label selector ANDed to the workload and pod LISTs
	// (kubectl's -l); the provider labels all of them alike.
	Selector string
	// ProviderNamespace holds the akash-provider pods (for ProviderPods).
	ProviderNamespace string

	Manifests         bool // akash.network Manifests in LeaseNamespace
	ProviderHosts     bool // akash.network ProviderHosts in LeaseNamespace
	ProviderLeasedIPs bool // akash.network ProviderLeasedIPs in LeaseNamespace
	LeaseNamespaces   bool // Namespaces labelled akash.network=true
	Pods              bool // pods labelled akash.network=true
	Deployments       bool // Deployments labelled akash.network/manifest-service
	ReplicaSets       bool // ReplicaSets labelled akash.network/manifest-service
	StatefulSets      bool // StatefulSets labelled akash.network/manifest-service
	Events            bool // Events of kind Pod, reason FailedScheduling
	ProviderPods      bool // pods labelled app=akash-provider in ProviderNamespace
	Nodes             bool // every node

	// Backup keeps the Manifests as stored (Snapshot.ManifestObjects), for
	// commands that write a backup; the others need only the typed view.
	Backup bool

	// FullWorkloads keeps the Deployments', ReplicaSets' and StatefulSets'
	// whole pod templates; without it only their containers' names, images,
	// commands and arguments are kept (trim.go), which is what the analyses
	// read and a fraction of the memory.
	FullWorkloads bool

	// WorkloadsNearPods, with Pods, keeps the Deployments and ReplicaSets
	// of the namespaces of the pods read only (force-new, whose pods are
	// the Pending ones: nearpods.go). The workload LISTs are sent with the
	// others; their bodies are decoded once the pods are read. Not with
	// AllPods read whole, whose pods stand in for the lease pods: then the
	// workloads are all kept.
	WorkloadsNearPods bool

	// ReplicaSetsOf, with Deployments, keeps the ReplicaSets of the
	// namespaces where it says true of a Deployment read only (heal: a
	// service can have lost its command only in a Deployment whose rollout
	// is not complete). The ReplicaSets' body is decoded once the
	// Deployments are read.
	ReplicaSetsOf func(*appsv1.Deployment) bool

	// PodPhasesOnly, with Pods, keeps of each pod its metadata and
	// status.phase only (podphase.go): for a command that counts pods by
	// phase, a fraction of the decoding and of the memory.
	PodPhasesOnly bool

	// PodPhase, with Pods, reads only the pods in this phase: the server
	// filters them, so a command that looks for Pending pods does not pay
	// for reading every running one.
	PodPhase corev1.PodPhase

	// NodeSelector, with Nodes, reads only the nodes matching this label
	// selector; NodeNames only the nodes named (one name: a field selector,
	// so one node costs one node; more: one LIST, the others dropped).
	NodeSelector string
	NodeNames    []string

	// ProviderSecrets reads the Secrets of ProviderNamespace that match
	// ProviderSecretSelector (the helm release Secrets of a chart).
	ProviderSecrets        bool
	ProviderSecretSelector string
	// ProviderConfigMaps reads every ConfigMap of ProviderNamespace (the
	// bid price script and pricing the provider mounts).
	ProviderConfigMaps bool
	// DaemonSets reads the DaemonSets of DaemonSetNamespace ("" every
	// namespace), untrimmed.
	DaemonSets         bool
	DaemonSetNamespace string
	// AllPods reads every pod, lease or not (Snapshot.AllPods): what node
	// findings are attributed with. PodNodes narrows it to the pods bound to
	// these nodes (one node: a spec.nodeName field selector).
	AllPods  bool
	PodNodes []string
	// ClusterPolicies reads the GPU operator's nvidia.com ClusterPolicies;
	// a cluster without their CRD has none, a forbidden LIST is recorded in
	// Snapshot.ClusterPoliciesForbidden.
	ClusterPolicies bool
	// NamespacePods reads the pods of each namespace given, with the label
	// selector given ("" every pod): one LIST per namespace.
	NamespacePods map[string]string
}

// Snapshot is what one read of the cluster returned.
type Snapshot struct {
	Manifests         []*akash.Manifest
	ManifestJSON      []json.RawMessage // the same Manifests as stored but for managedFields, for backups (see ManifestObjects)
	ManifestErrors    []error           // Manifests whose spec could not be decoded
	ProviderHosts     []unstructured.Unstructured
	ProviderLeasedIPs []unstructured.Unstructured
	Namespaces        []corev1.Namespace
	Pods              []corev1.Pod
	Deployments       []appsv1.Deployment
	ReplicaSets       []appsv1.ReplicaSet
	StatefulSets      []appsv1.StatefulSet
	Events            []corev1.Event
	ProviderPods      []corev1.Pod
	Nodes             []corev1.Node

	Secrets         []corev1.Secret    // ProviderSecrets
	ConfigMaps      []corev1.ConfigMap // ProviderConfigMaps
	DaemonSets      []appsv1.DaemonSet
	AllPods         []corev1.Pod
	ClusterPolicies []unstructured.Unstructured
	// ClusterPoliciesForbidden: the ClusterPolicies could not be read.
	ClusterPoliciesForbidden bool
	// NamespacePods are the pods of each namespace of Spec.NamespacePods.
	NamespacePods map[string][]corev1.Pod
}

// Load runs the LISTs the spec asks for (Spec.Reads), in parallel, and
// returns the first error as one clear sentence.
func Load(ctx context.Context, c *cli.Clients, spec Spec) (*Snapshot, error) {
	s := &Snapshot{}
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	for _, r := range spec.Reads() {
		g.Go(func() error {
			set, err := r.load(ctx, c, spec, r)
			if err != nil {
				return cli.ExplainList(err, r.GVR, r.What)
			}
			mu.Lock()
			defer mu.Unlock()
			set(s)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return s, nil
}

// listDynamic lists a custom resource in one namespace.
func listDynamic(ctx context.Context, c *cli.Clients, gvr schema.GroupVersionResource, ns string, chunk int64) ([]unstructured.Unstructured, error) {
	if ns == "" {
		return nil, fmt.Errorf("listing %s: no namespace given", gvr.Resource)
	}
	return listAll(ctx, chunk, metav1.ListOptions{}, func(ctx context.Context, o metav1.ListOptions) ([]unstructured.Unstructured, string, error) {
		l, err := c.Dynamic.Resource(gvr).Namespace(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.GetContinue(), nil
	})
}

// listTyped lists a built-in resource, all pages, each decoded as a stream
// (listStream), keeping with near only the items in the namespaces it
// hands over.
func listTyped[T any, P protoItem[T]](ctx context.Context, rc rest.Interface, ns, resource string, spec Spec, opts metav1.ListOptions, near *nsGate) ([]T, error) {
	return listAll(ctx, spec.ChunkSize, opts, func(ctx context.Context, o metav1.ListOptions) ([]T, string, error) {
		return listStream[T, P](ctx, rc, ns, resource, o, spec.FullWorkloads, near)
	})
}

// and joins two label selectors.
func and(a, b string) string {
	if b == "" {
		return a
	}
	return a + "," + b
}
