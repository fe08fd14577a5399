package cli

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/pager"
)

// ListPaged reads a list through client-go's pager, as kubectl does:
// pages of chunk objects (0: one request), and one full list instead when a
// later page's continue token has expired (410 Gone). It returns the items,
// which list's result holds as *T.
func ListPaged[T any](ctx context.Context, chunk int64, opts metav1.ListOptions, list func(context.Context, metav1.ListOptions) (runtime.Object, error)) ([]T, error) {
	p := pager.New(pager.SimplePageFunc(func(o metav1.ListOptions) (runtime.Object, error) {
		return list(ctx, o)
	}))
	p.PageSize = chunk
	l, _, err := p.ListWithAlloc(ctx, opts)
	if err != nil {
		return nil, err
	}
	var out []T
	err = meta.EachListItem(l, func(obj runtime.Object) error {
		item, ok := any(obj).(*T)
		if !ok {
			return fmt.Errorf("listing: got a %T item, want %T", obj, item)
		}
		out = append(out, *item)
		return nil
	})
	return out, err
}
