package cli

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// explained is an error whose message is a complete sentence for the
// operator, while errors.Is/As still reach the cause.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// Explainf returns an error with the given sentence that wraps cause.
func Explainf(cause error, format string, args ...any) error {
	return &explained{msg: fmt.Sprintf(format, args...), err: cause}
}

// ExplainList turns the error of a LIST of gvr into one sentence an operator
// can act on. what names the objects in words ("Manifests in namespace lease").
func ExplainList(err error, gvr schema.GroupVersionResource, what string) error {
	if err == nil {
		return nil
	}
	if apierrors.IsNotFound(err) {
		// A LIST returns 404 only when the resource type does not exist.
		if gvr.Group == "akash.network" {
			return Explainf(err, "no %s CRD (%s.%s) in this cluster: is this an Akash provider? (kubectl apply -f the provider's pkg/apis/akash.network/crd.yaml)",
				gvr.Resource, gvr.Resource, gvr.Group)
		}
		return Explainf(err, "the API server does not serve %s (%s)", gvr.Resource, gvr.GroupVersion())
	}
	return Explain(err, "listing "+what)
}

// Explain turns the failures every call can hit — an unreachable API server,
// a timeout, bad credentials, RBAC — into one sentence; doing says what was
// being done ("listing lease pods in all namespaces").
func Explain(err error, doing string) error {
	if err == nil {
		return nil
	}
	var uerr *url.Error
	var nerr net.Error
	switch {
	case errors.As(err, &uerr) && strings.Contains(uerr.Error(), "connection refused"):
		return Explainf(err, "cannot reach the Kubernetes API server at %s (connection refused) while %s: check --kubeconfig/--context and that the cluster is up", serverOf(uerr.URL), doing)
	case errors.As(err, &nerr) && nerr.Timeout():
		return Explainf(err, "the Kubernetes API server did not answer in time while %s (raise --request-timeout?): %v", doing, err)
	case apierrors.IsUnauthorized(err):
		return Explainf(err, "the API server rejected the credentials while %s (expired client certificate or token?): %s", doing, apiMessage(err))
	case apierrors.IsForbidden(err):
		return Explainf(err, "not allowed while %s: %s", doing, apiMessage(err))
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// serverOf reduces a request URL to scheme://host, which is what the
// operator recognises from the kubeconfig.
func serverOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

func apiMessage(err error) string {
	var s apierrors.APIStatus
	if errors.As(err, &s) {
		return s.Status().Message
	}
	return err.Error()
}
