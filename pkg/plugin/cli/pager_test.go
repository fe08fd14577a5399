package cli

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Pages of --chunk-size objects; a later page whose continue token has
// expired (410) falls back to one full list instead of failing.
func TestListPagedPagesAndFallsBackOnExpiredToken(t *testing.T) {
	node := func(n string) corev1.Node { return corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n}} }
	var calls []metav1.ListOptions
	list := func(_ context.Context, o metav1.ListOptions) (runtime.Object, error) {
		calls = append(calls, o)
		switch {
		case o.Continue == "" && o.Limit == 2:
			return &corev1.NodeList{ListMeta: metav1.ListMeta{Continue: "t1"}, Items: []corev1.Node{node("a"), node("b")}}, nil
		case o.Continue == "t1":
			return nil, apierrors.NewResourceExpired("the continue token is too old")
		default: // the full list
			return &corev1.NodeList{Items: []corev1.Node{node("a"), node("b"), node("c")}}, nil
		}
	}
	got, err := ListPaged[corev1.Node](context.Background(), 2, metav1.ListOptions{LabelSelector: "x=y"}, list)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Name != "c" {
		t.Fatalf("got %d nodes %v, want a, b, c from the full list", len(got), got)
	}
	if len(calls) != 3 || calls[2].Limit != 0 || calls[2].LabelSelector != "x=y" {
		t.Fatalf("calls %+v: want page 1, the expired page 2, then one full list with the same selector", calls)
	}
	calls = nil
	if _, err := ListPaged[corev1.Node](context.Background(), 0, metav1.ListOptions{}, list); err != nil || len(calls) != 1 || calls[0].Limit != 0 {
		t.Fatalf("--chunk-size 0 must be one request: %+v, %v", calls, err)
	}
}
