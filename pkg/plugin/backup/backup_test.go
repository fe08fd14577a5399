package backup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func obj(name string) unstructured.Unstructured {
	return unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "akash.network/v2beta2", "kind": "Manifest",
		"metadata": map[string]any{"name": name, "namespace": "lease", "uid": "u", "resourceVersion": "7",
			"managedFields": []any{map[string]any{"manager": "x"}}, "labels": map[string]any{"akash.network": "true"}},
		"spec": map[string]any{"group": map[string]any{"name": "g"}},
	}}
}

func TestWriteIsRestorable(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 21, 11, 22, 33, 0, time.UTC)
	path, err := Write(dir, now, "context local", []unstructured.Unstructured{obj("a"), obj("b")})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "kubectl-akash-backup-20261121T112233Z.yaml" {
		t.Fatalf("name %s", path)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	raw, _ := os.ReadFile(path)
	docs := strings.Split(string(raw), "---\n")
	if len(docs) != 3 || !strings.Contains(docs[0], "2 objects") {
		t.Fatalf("want a header and two documents:\n%s", raw)
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(docs[2]), &m); err != nil {
		t.Fatal(err)
	}
	md := m["metadata"].(map[string]any)
	if md["name"] != "b" || md["uid"] != nil || md["resourceVersion"] != nil || md["managedFields"] != nil || md["labels"] == nil {
		t.Fatalf("metadata %v", md)
	}
}

func TestWriteNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	if _, err := Write(dir, now, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, now, "", nil); err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("second write in the same second must fail, got %v", err)
	}
}

func TestUnwritableDir(t *testing.T) {
	if _, err := Write(filepath.Join(t.TempDir(), "missing", "dir"), time.Now(), "", nil); err == nil || !strings.Contains(err.Error(), "--backup-dir") {
		t.Fatalf("got %v", err)
	}
}
