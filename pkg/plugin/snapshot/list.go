package snapshot

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// listFunc performs one LIST request and returns its items and the continue
// token.
type listFunc[T any] func(ctx context.Context, opts metav1.ListOptions) ([]T, string, error)

// listAll runs list until the server has no more pages. With chunk 0 it is
// exactly one request; with chunk N it pages N objects at a time, like
// kubectl's --chunk-size.
func listAll[T any](ctx context.Context, chunk int64, opts metav1.ListOptions, list listFunc[T]) ([]T, error) {
	opts.Limit = chunk
	var all []T
	for {
		items, cont, err := list(ctx, opts)
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
