package schedule

import (
	"encoding/json"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Print writes the objects for `kubectl apply -f -`: a YAML stream by
// default ("" or "yaml"), or a v1 List with "json".
func Print(w io.Writer, objs []*unstructured.Unstructured, format string) error {
	switch format {
	case "", "yaml":
		for i, o := range objs {
			b, err := yaml.Marshal(o.Object)
			if err != nil {
				return err
			}
			if i > 0 {
				fmt.Fprintln(w, "---")
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	case "json":
		items := make([]any, len(objs))
		for i, o := range objs {
			items[i] = o.Object
		}
		b, err := json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "items": items}, "", "    ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	return fmt.Errorf("--schedule prints Kubernetes manifests: use -o yaml (the default) or -o json, not -o %s", format)
}
