package snapshot

import (
	"context"
	"fmt"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// listManifests lists the Manifests of namespace ns, every page, each item
// decoded as it streams in (readManifestPage); keepRaw keeps each item's JSON
// for a backup.
func listManifests(ctx context.Context, c *cli.Clients, ns string, chunk int64, keepRaw bool) (manifestPage, error) {
	if ns == "" {
		return manifestPage{}, fmt.Errorf("listing manifests: no namespace given")
	}
	gvr := akash.ManifestGVR
	pages, err := listAll(ctx, chunk, metav1.ListOptions{}, func(ctx context.Context, o metav1.ListOptions) ([]manifestPage, string, error) {
		req := c.Kube.CoreV1().RESTClient().Get().
			AbsPath("/apis", gvr.Group, gvr.Version, "namespaces", ns, gvr.Resource).
			SetHeader("Accept", "application/json")
		if o.Limit > 0 {
			req = req.Param("limit", strconv.FormatInt(o.Limit, 10))
		}
		if o.Continue != "" {
			req = req.Param("continue", o.Continue)
		}
		// Streamed, not read whole first: the page as sent (managedFields
		// and all) is several times what is kept of it.
		body, err := req.Stream(ctx)
		if err != nil {
			return nil, "", err
		}
		defer body.Close()
		page, err := readManifestPage(body, keepRaw)
		if err != nil {
			return nil, "", fmt.Errorf("decoding the Manifest list: %w", err)
		}
		return []manifestPage{page}, page.cont, nil
	})
	if err != nil || len(pages) == 1 {
		return first(pages), err
	}
	var all manifestPage
	for _, p := range pages {
		all.manifests = append(all.manifests, p.manifests...)
		all.errs = append(all.errs, p.errs...)
		all.raw = append(all.raw, p.raw...)
	}
	return all, nil
}

func first(pages []manifestPage) manifestPage {
	if len(pages) == 0 {
		return manifestPage{}
	}
	return pages[0]
}

// ManifestObjects returns the Manifests as stored, for backups: every field,
// including those the typed view does not know. The snapshot must have been
// read with Spec.Backup.
func (s *Snapshot) ManifestObjects() ([]unstructured.Unstructured, error) {
	if len(s.Manifests) > 0 && s.ManifestJSON == nil {
		return nil, fmt.Errorf("the Manifests were read without their stored form: nothing to back up")
	}
	out := make([]unstructured.Unstructured, len(s.ManifestJSON))
	for i, raw := range s.ManifestJSON {
		if err := out[i].UnmarshalJSON(raw); err != nil {
			return nil, fmt.Errorf("decoding a Manifest for the backup: %w", err)
		}
	}
	return out, nil
}
