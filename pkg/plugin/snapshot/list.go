package snapshot

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// listFunc performs one LIST request and returns its items and the continue
// token.
type listFunc[T any] func(ctx context.Context, opts metav1.ListOptions) ([]T, string, error)

// listAll runs list until the server has no more pages. With chunk 0 it is
// exactly one request; with chunk N it pages N objects at a time, like
// kubectl's --chunk-size.
//
// A continue token is good only while etcd still holds the revision the
// first page was read at: on a big provider, or after a slow page, the
// server answers a later page with 410 Expired. As client-go's pager does,
// the listing then starts over once as one unpaged LIST, which reads a
// consistent whole instead of failing; any other error, or an expired first
// page, is returned as it is.
func listAll[T any](ctx context.Context, chunk int64, opts metav1.ListOptions, list listFunc[T]) ([]T, error) {
	opts.Limit = chunk
	var all []T
	for {
		items, cont, err := list(ctx, opts)
		if err != nil && opts.Continue != "" && apierrors.IsResourceExpired(err) {
			opts.Limit, opts.Continue = 0, ""
			items, _, err = list(ctx, opts)
			return items, err
		}
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = items
		} else {
			all = append(all, items...)
		}
		if cont == "" {
			return all, nil
		}
		opts.Continue = cont
	}
}
