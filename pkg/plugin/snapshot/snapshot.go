package snapshot

import (
	"context"
	"encoding/json"
	"fmt"

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

	// PodPhase, with Pods, reads only the pods in this phase: the server
	// filters them, so a command that looks for Pending pods does not pay
	// for reading every running one.
	PodPhase corev1.PodPhase
}

// Snapshot is what one read of the cluster returned.
type Snapshot struct {
	Manifests         []*akash.Manifest
	ManifestJSON      []json.RawMessage // the same Manifests as stored, for backups (see ManifestObjects)
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
}

// Load runs the LISTs the spec asks for, in parallel, and returns the first
// error as one clear sentence.
func Load(ctx context.Context, c *cli.Clients, spec Spec) (*Snapshot, error) {
	s := &Snapshot{}
	g, ctx := errgroup.WithContext(ctx)
	managed := metav1.ListOptions{LabelSelector: akash.LabelManaged + "=true"}
	managedPods := metav1.ListOptions{LabelSelector: and(akash.LabelManaged+"=true", spec.Selector)}
	workloads := metav1.ListOptions{LabelSelector: and(akash.LabelManifestService, spec.Selector)}
	ns := spec.Namespace
	gvr := func(group, version, resource string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Group: group, Version: version, Resource: resource}
	}
	where := "all namespaces"
	if ns != "" {
		where = "namespace " + ns
	}

	if spec.Manifests {
		g.Go(func() error {
			items, err := listManifestJSON(ctx, c, spec.LeaseNamespace, spec.ChunkSize)
			if err != nil {
				return cli.ExplainList(err, akash.ManifestGVR, "Manifests in namespace "+spec.LeaseNamespace)
			}
			s.decodeManifests(items)
			if spec.Backup {
				s.ManifestJSON = items
			}
			return nil
		})
	}
	if spec.ProviderHosts {
		g.Go(func() (err error) {
			s.ProviderHosts, err = listDynamic(ctx, c, akash.ProviderHostGVR, spec.LeaseNamespace, spec.ChunkSize)
			return cli.ExplainList(err, akash.ProviderHostGVR, "ProviderHosts in namespace "+spec.LeaseNamespace)
		})
	}
	if spec.ProviderLeasedIPs {
		g.Go(func() (err error) {
			s.ProviderLeasedIPs, err = listDynamic(ctx, c, akash.ProviderLeasedIPGVR, spec.LeaseNamespace, spec.ChunkSize)
			return cli.ExplainList(err, akash.ProviderLeasedIPGVR, "ProviderLeasedIPs in namespace "+spec.LeaseNamespace)
		})
	}
	if spec.Nodes {
		g.Go(func() (err error) {
			s.Nodes, err = listTyped[corev1.Node](ctx, c.Kube.CoreV1().RESTClient(), "", "nodes", spec, metav1.ListOptions{})
			return cli.ExplainList(err, gvr("", "v1", "nodes"), "nodes")
		})
	}
	if spec.LeaseNamespaces {
		g.Go(func() (err error) {
			s.Namespaces, err = listTyped[corev1.Namespace](ctx, c.Kube.CoreV1().RESTClient(), "", "namespaces", spec, managed)
			return cli.ExplainList(err, gvr("", "v1", "namespaces"), "lease namespaces")
		})
	}
	if spec.PodPhase != "" {
		managedPods.FieldSelector = "status.phase=" + string(spec.PodPhase)
	}
	if spec.Pods {
		g.Go(func() (err error) {
			s.Pods, err = listTyped[corev1.Pod](ctx, c.Kube.CoreV1().RESTClient(), ns, "pods", spec, managedPods)
			return cli.ExplainList(err, gvr("", "v1", "pods"), "lease pods in "+where)
		})
	}
	if spec.Deployments {
		g.Go(func() (err error) {
			s.Deployments, err = listTyped[appsv1.Deployment](ctx, c.Kube.AppsV1().RESTClient(), ns, "deployments", spec, workloads)
			return cli.ExplainList(err, gvr("apps", "v1", "deployments"), "lease Deployments in "+where)
		})
	}
	if spec.ReplicaSets {
		g.Go(func() (err error) {
			s.ReplicaSets, err = listTyped[appsv1.ReplicaSet](ctx, c.Kube.AppsV1().RESTClient(), ns, "replicasets", spec, workloads)
			return cli.ExplainList(err, gvr("apps", "v1", "replicasets"), "lease ReplicaSets in "+where)
		})
	}
	if spec.StatefulSets {
		g.Go(func() (err error) {
			s.StatefulSets, err = listTyped[appsv1.StatefulSet](ctx, c.Kube.AppsV1().RESTClient(), ns, "statefulsets", spec, workloads)
			return cli.ExplainList(err, gvr("apps", "v1", "statefulsets"), "lease StatefulSets in "+where)
		})
	}
	if spec.Events {
		g.Go(func() (err error) {
			opts := metav1.ListOptions{FieldSelector: "involvedObject.kind=Pod,reason=FailedScheduling"}
			s.Events, err = listTyped[corev1.Event](ctx, c.Kube.CoreV1().RESTClient(), ns, "events", spec, opts)
			return cli.ExplainList(err, gvr("", "v1", "events"), "scheduling events in "+where)
		})
	}
	if spec.ProviderPods {
		g.Go(func() (err error) {
			opts := metav1.ListOptions{LabelSelector: akash.LabelProviderApp + "=" + akash.ProviderApp}
			s.ProviderPods, err = listTyped[corev1.Pod](ctx, c.Kube.CoreV1().RESTClient(), spec.ProviderNamespace, "pods", spec, opts)
			return cli.ExplainList(err, gvr("", "v1", "pods"), "akash-provider pods in namespace "+spec.ProviderNamespace)
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
// (listStream).
func listTyped[T any, P protoItem[T]](ctx context.Context, rc rest.Interface, ns, resource string, spec Spec, opts metav1.ListOptions) ([]T, error) {
	return listAll(ctx, spec.ChunkSize, opts, func(ctx context.Context, o metav1.ListOptions) ([]T, string, error) {
		return listStream[T, P](ctx, rc, ns, resource, o, spec.FullWorkloads)
	})
}

// and joins two label selectors.
func and(a, b string) string {
	if b == "" {
		return a
	}
	return a + "," + b
}
