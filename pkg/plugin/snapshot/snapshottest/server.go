// Package snapshottest answers the LISTs of snapshot.Load from objects held
// in memory, through the real client-go clients (the request never leaves
// the process), and records each request: tests of code that reads through
// a snapshot.Spec prove what it read and how many times.
package snapshottest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Cluster holds the objects and the requests made.
type Cluster struct {
	mu       sync.Mutex
	objects  map[string][]runtime.Object // by resource ("pods", "clusterpolicies")
	fail     map[string]error
	requests []string
}

// New holds objs, each filed under the plural of its kind.
func New(objs ...runtime.Object) *Cluster {
	c := &Cluster{objects: map[string][]runtime.Object{}, fail: map[string]error{}}
	for _, o := range objs {
		c.objects[resourceOf(o)] = append(c.objects[resourceOf(o)], o)
	}
	return c
}

// Fail makes every LIST of resource answer err (an API status error).
func (c *Cluster) Fail(resource string, err error) *Cluster {
	c.fail[resource] = err
	return c
}

// Requests are the requests made, as "GET /api/v1/pods?fieldSelector=…".
func (c *Cluster) Requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.requests...)
}

// Clients are typed and dynamic clients whose requests c answers.
func (c *Cluster) Clients(t testing.TB) *cli.Clients {
	t.Helper()
	cfg := &rest.Config{Host: "http://snapshottest.invalid"}
	hc := &http.Client{Transport: c}
	kube, err := kubernetes.NewForConfigAndClient(cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfigAndClient(cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	return &cli.Clients{Config: cfg, Kube: kube, Dynamic: dyn}
}

// RoundTrip answers one LIST.
func (c *Cluster) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.requests = append(c.requests, req.Method+" "+req.URL.RequestURI())
	c.mu.Unlock()
	ns, resource := parsePath(req.URL.Path)
	if err, ok := c.fail[resource]; ok {
		return respond(statusOf(err))
	}
	if req.Method != http.MethodGet {
		return respond(statusOf(apierrors.NewMethodNotSupported(schemaGR(resource), req.Method)))
	}
	q := req.URL.Query()
	lsel, err := labels.Parse(q.Get("labelSelector"))
	if err != nil {
		return respond(statusOf(apierrors.NewBadRequest(err.Error())))
	}
	fsel, err := fields.ParseSelector(q.Get("fieldSelector"))
	if err != nil {
		return respond(statusOf(apierrors.NewBadRequest(err.Error())))
	}
	items := []any{}
	for _, o := range c.objects[resource] {
		m, _ := meta.Accessor(o)
		if ns != "" && m.GetNamespace() != ns {
			continue
		}
		if !lsel.Matches(labels.Set(m.GetLabels())) || !fsel.Matches(fieldsOf(o)) {
			continue
		}
		items = append(items, o)
	}
	return respond(http.StatusOK, map[string]any{"kind": "List", "apiVersion": "v1", "metadata": map[string]any{}, "items": items})
}

// parsePath reads /api/v1[/namespaces/NS]/RESOURCE and
// /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE.
func parsePath(p string) (ns, resource string) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) > 0 && parts[0] == "api" {
		parts = parts[2:]
	} else if len(parts) > 2 {
		parts = parts[3:]
	}
	if len(parts) == 3 && parts[0] == "namespaces" {
		return parts[1], parts[2]
	}
	return "", parts[len(parts)-1]
}

// fieldsOf are the field selectors the snapshot's reads use.
func fieldsOf(o runtime.Object) fields.Set {
	m, _ := meta.Accessor(o)
	set := fields.Set{"metadata.name": m.GetName(), "metadata.namespace": m.GetNamespace()}
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
	if err != nil {
		return set
	}
	for _, f := range []string{"spec.nodeName", "status.phase", "involvedObject.kind", "reason"} {
		if v, ok, _ := unstructured.NestedString(u, strings.Split(f, ".")...); ok {
			set[f] = v
		}
	}
	return set
}

// resourceOf is the plural of an object's kind.
func resourceOf(o runtime.Object) string {
	kind := o.GetObjectKind().GroupVersionKind().Kind
	if kind == "" {
		if gvks, _, err := scheme.Scheme.ObjectKinds(o); err == nil {
			kind = gvks[0].Kind
		}
	}
	r := strings.ToLower(kind)
	if strings.HasSuffix(r, "y") {
		return r[:len(r)-1] + "ies"
	}
	return r + "s"
}

func statusOf(err error) (int, any) {
	if s, ok := err.(apierrors.APIStatus); ok {
		st := s.Status()
		st.Kind, st.APIVersion = "Status", "v1"
		return int(st.Code), st
	}
	return http.StatusInternalServerError, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": err.Error(), "code": 500}
}

func respond(code int, body any) (*http.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("snapshottest: %w", err)
	}
	return &http.Response{StatusCode: code, Header: http.Header{"Content-Type": []string{"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(b)))}, nil
}

func schemaGR(resource string) schema.GroupResource { return schema.GroupResource{Resource: resource} }
