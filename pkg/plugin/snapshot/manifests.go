package snapshot

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// listManifestJSON lists the Manifests of namespace ns as raw JSON items. The
// dynamic client would decode each into a map first; decoding the raw items
// straight into the typed view takes a fraction of that time and memory on a
// provider's thousands of Manifests.
func listManifestJSON(ctx context.Context, c *cli.Clients, ns string, chunk int64) ([]json.RawMessage, error) {
	if ns == "" {
		return nil, fmt.Errorf("listing manifests: no namespace given")
	}
	gvr := akash.ManifestGVR
	return listAll(ctx, chunk, metav1.ListOptions{}, func(ctx context.Context, o metav1.ListOptions) ([]json.RawMessage, string, error) {
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
		var items []json.RawMessage
		cont, err := eachJSONItem(bufio.NewReaderSize(body, 64<<10), func(dec *json.Decoder) error {
			var raw json.RawMessage
			err := dec.Decode(&raw)
			items = append(items, raw)
			return err
		})
		if err != nil {
			return nil, "", fmt.Errorf("decoding the Manifest list: %w", err)
		}
		return items, cont, nil
	})
}

// decodeManifests fills the typed Manifests from their JSON; one that does
// not decode is an error of its own, not of the whole read.
func (s *Snapshot) decodeManifests(items []json.RawMessage) {
	s.Manifests = make([]*akash.Manifest, 0, len(items))
	for _, raw := range items {
		m, err := akash.DecodeManifest(raw)
		if err != nil {
			s.ManifestErrors = append(s.ManifestErrors, err)
			continue
		}
		s.Manifests = append(s.Manifests, m)
	}
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
