package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// subject is who an access review asks about: a user and its groups.
type subject struct {
	user   string
	groups []string
}

// userSubject is a plain user, as --as names one.
func userSubject(name string) subject { return subject{user: name} }

// serviceAccountSubject is a ServiceAccount, with the groups the API server
// gives its tokens.
func serviceAccountSubject(ns, name string) subject {
	return subject{user: "system:serviceaccount:" + ns + ":" + name,
		groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}}
}

// may asks the API server's authorizer whether who may do what a names, as
// `kubectl auth can-i --as` does.
func may(ctx context.Context, c *cluster.Cluster, who subject, a authorizationv1.ResourceAttributes) (bool, error) {
	sar, err := c.Kube().AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{User: who.user, Groups: who.groups, ResourceAttributes: &a},
	}, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return sar.Status.Allowed, nil
}

// waitAllowed waits until the authorizer lets who do each of attrs. RBAC
// objects reach the authorizer through its informers, a moment after they
// are created: a test that ran the plugin at once, on a loaded machine,
// saw every read forbidden, not only the one its Role left out.
func waitAllowed(t *testing.T, c *cluster.Cluster, who subject, attrs ...authorizationv1.ResourceAttributes) {
	t.Helper()
	for _, a := range attrs {
		eventually(t, 30*time.Second, func(ctx context.Context) (bool, string, error) {
			ok, err := may(ctx, c, who, a)
			return ok, fmt.Sprintf("%s may not %s %s/%s %s in %q", who.user, a.Verb, a.Group, a.Resource, a.Subresource, a.Namespace), err
		})
	}
}
