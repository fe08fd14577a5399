package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// readTar maps a tarball's regular files to their content.
func readTar(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			out[h.Name] = b
		}
	}
}

// The OCI layout is consistent end to end: index → platform index →
// manifest → config and layer, every digest matching its blob, the binary
// at the agent's path; and the build is reproducible.
func TestOCILayoutIsConsistentAndReproducible(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bin")
	if err := os.WriteFile(bin, []byte("#!fake binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	var images []image
	for _, arch := range []string{"amd64", "arm64"} {
		img, err := buildImage(bin, arch, "v1.2.3")
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, img)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tar"), filepath.Join(dir, "b.tar")
	if err := writeOCI(a, images, "example.com/x:v1.2.3"); err != nil {
		t.Fatal(err)
	}
	if err := writeOCI(b, images, "example.com/x:v1.2.3"); err != nil {
		t.Fatal(err)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Error("two builds differ")
	}
	files := readTar(t, a)
	blob := func(d string) []byte {
		t.Helper()
		b, ok := files["blobs/sha256/"+d[len("sha256:"):]]
		if !ok {
			t.Fatalf("blob %s missing", d)
		}
		if newBlob(b).digest != d {
			t.Fatalf("blob %s has another digest", d)
		}
		return b
	}
	type desc struct {
		Digest      string            `json:"digest"`
		Platform    *platform         `json:"platform"`
		Annotations map[string]string `json:"annotations"`
	}
	var top struct{ Manifests []desc }
	if err := json.Unmarshal(files["index.json"], &top); err != nil || len(top.Manifests) != 1 {
		t.Fatalf("index.json: %v %s", err, files["index.json"])
	}
	if top.Manifests[0].Annotations["io.containerd.image.name"] != "example.com/x:v1.2.3" {
		t.Errorf("annotations %v", top.Manifests[0].Annotations)
	}
	var idx struct{ Manifests []desc }
	if err := json.Unmarshal(blob(top.Manifests[0].Digest), &idx); err != nil || len(idx.Manifests) != 2 {
		t.Fatalf("platform index: %v", err)
	}
	for _, m := range idx.Manifests {
		var man struct {
			Config desc
			Layers []desc
		}
		if err := json.Unmarshal(blob(m.Digest), &man); err != nil {
			t.Fatal(err)
		}
		var cfg struct {
			Architecture string
			RootFS       struct {
				DiffIDs []string `json:"diff_ids"`
			} `json:"rootfs"`
		}
		if err := json.Unmarshal(blob(man.Config.Digest), &cfg); err != nil || cfg.Architecture != m.Platform.Architecture {
			t.Fatalf("config %v arch %q, platform %+v", err, cfg.Architecture, m.Platform)
		}
		zr, err := gzip.NewReader(bytes.NewReader(blob(man.Layers[0].Digest)))
		if err != nil {
			t.Fatal(err)
		}
		layer, _ := io.ReadAll(zr)
		if newBlob(layer).digest != cfg.RootFS.DiffIDs[0] {
			t.Error("diff_id does not match the uncompressed layer")
		}
		lf := filepath.Join(t.TempDir(), "layer.tar")
		_ = os.WriteFile(lf, layer, 0o644)
		if got := string(readTar(t, lf)["usr/local/bin/kubectl-akash"]); got != "#!fake binary" {
			t.Errorf("binary in layer: %q", got)
		}
	}
}
