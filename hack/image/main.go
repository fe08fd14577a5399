// Command image builds kubectl-akash's agent image — the image node-debug's
// pods run — without a Docker daemon: a static binary (CGO_ENABLED=0) per
// platform, one layer holding it at /usr/local/bin/kubectl-akash, written as
//
//	<out>/kubectl-akash-image.oci.tar            OCI image layout, one multi-arch index
//	<out>/kubectl-akash-image.linux-<arch>.tar   docker-archive, one per platform
//
// Both load with `ctr -n k8s.io images import FILE` (and the docker-archive
// with `docker load`); push the OCI layout with any OCI tool (skopeo, crane,
// oras). The image holds nothing but the binary, /tmp and a passwd file: the
// agent reads the host through /host and /proc, and `node-debug shell` runs
// the host's own nsenter from a chroot into /host.
//
// Everything is deterministic (fixed timestamps, sorted JSON, reproducible
// gzip): the same sources give the same digests.
//
// Usage:
//
//	go run ./hack/image [-platforms linux/amd64,linux/arm64] [-tag REF] [-format oci,docker] \
//	    [-version V] [-ldflags FLAGS] [-out dist/image]
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// Media types of the OCI image spec.
const (
	mtIndex    = "application/vnd.oci.image.index.v1+json"
	mtManifest = "application/vnd.oci.image.manifest.v1+json"
	mtConfig   = "application/vnd.oci.image.config.v1+json"
	mtLayerGz  = "application/vnd.oci.image.layer.v1.tar+gzip"
)

// epoch is every file's and the image's timestamp, for reproducible digests.
var epoch = time.Unix(0, 0).UTC()

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Platform    *platform         `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
}

// blob is content and its digest.
type blob struct {
	data   []byte
	digest string
}

func newBlob(b []byte) blob {
	sum := sha256.Sum256(b)
	return blob{data: b, digest: "sha256:" + hex.EncodeToString(sum[:])}
}

func jsonBlob(v any) blob {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return newBlob(b)
}

// image is one platform's built image.
type image struct {
	platform platform
	layer    blob // uncompressed tar; its digest is the diff ID
	layerGz  blob
	config   blob
	manifest blob
}

func main() {
	platforms := flag.String("platforms", "linux/amd64,linux/arm64", "Comma-separated os/arch list.")
	ver := flag.String("version", "v0.0.0-dev", "Version stamped into the binary and the image's labels.")
	tag := flag.String("tag", "", "Image reference (default: the one the release publishes for -version).")
	format := flag.String("format", "oci,docker", "Which tarballs to write: oci, docker, or both.")
	ldflags := flag.String("ldflags", "", "Go linker flags for the binary (the Makefile passes its version stamps).")
	out := flag.String("out", "dist/image", "Output directory.")
	flag.Parse()
	if *tag == "" {
		*tag = nodedebug.ImageFor(*ver)
	}
	if err := run(strings.Split(*platforms, ","), *ver, *tag, *format, *ldflags, *out); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(platforms []string, ver, tag, format, ldflags, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "kubectl-akash-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var images []image
	for _, p := range platforms {
		osName, arch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok || osName != "linux" {
			return fmt.Errorf("platform %q: want linux/<arch>", p)
		}
		bin := filepath.Join(work, "kubectl-akash-"+arch)
		if err := build(bin, arch, ldflags); err != nil {
			return err
		}
		img, err := buildImage(bin, arch, ver)
		if err != nil {
			return err
		}
		images = append(images, img)
	}
	for _, f := range strings.Split(format, ",") {
		switch strings.TrimSpace(f) {
		case "oci":
			path := filepath.Join(out, "kubectl-akash-image.oci.tar")
			if err := writeOCI(path, images, tag); err != nil {
				return err
			}
			fmt.Println(path)
		case "docker":
			for _, img := range images {
				path := filepath.Join(out, "kubectl-akash-image.linux-"+img.platform.Architecture+".tar")
				if err := writeDocker(path, img, tag); err != nil {
					return err
				}
				fmt.Println(path)
			}
		default:
			return fmt.Errorf("-format %q: want oci, docker or both", f)
		}
	}
	return nil
}

// build compiles a static kubectl-akash for linux/arch.
func build(dst, arch, ldflags string) error {
	args := []string{"build", "-trimpath", "-o", dst}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	cmd := exec.Command("go", append(args, "./cmd/kubectl-akash")...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building kubectl-akash for linux/%s: %w", arch, err)
	}
	return nil
}

// buildImage makes the layer, config and manifest of one platform.
func buildImage(bin, arch, ver string) (image, error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return image{}, err
	}
	layer, err := layerTar(data)
	if err != nil {
		return image{}, err
	}
	img := image{platform: platform{Architecture: arch, OS: "linux"}, layer: newBlob(layer)}
	if arch == "arm64" {
		img.platform.Variant = "v8"
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.ModTime = epoch // no timestamp, no name: reproducible
	if _, err := zw.Write(layer); err != nil {
		return image{}, err
	}
	if err := zw.Close(); err != nil {
		return image{}, err
	}
	img.layerGz = newBlob(gz.Bytes())
	created := epoch.Format(time.RFC3339)
	config := map[string]any{
		"architecture": arch,
		"os":           "linux",
		"created":      created,
		"config": map[string]any{
			"Entrypoint": []string{nodedebug.AgentPath},
			"Env":        []string{"PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin"},
			"User":       "0",
			"WorkingDir": "/",
			"Labels": map[string]string{
				"org.opencontainers.image.title":   "kubectl-akash",
				"org.opencontainers.image.version": ver,
				"org.opencontainers.image.source":  "https://github.com/kubectl-akash/kubectl-akash",
			},
		},
		"rootfs":  map[string]any{"type": "layers", "diff_ids": []string{img.layer.digest}},
		"history": []map[string]string{{"created": created, "created_by": "hack/image: kubectl-akash " + ver}},
	}
	if img.platform.Variant != "" {
		config["variant"] = img.platform.Variant
	}
	img.config = jsonBlob(config)
	img.manifest = jsonBlob(map[string]any{
		"schemaVersion": 2,
		"mediaType":     mtManifest,
		"config":        descriptor{MediaType: mtConfig, Digest: img.config.digest, Size: int64(len(img.config.data))},
		"layers":        []descriptor{{MediaType: mtLayerGz, Digest: img.layerGz.digest, Size: int64(len(img.layerGz.data))}},
	})
	return img, nil
}

// layerTar is the image's only layer: the binary, /tmp, and a passwd/group
// naming root (some tools look the user up).
func layerTar(bin []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dir := func(name string, mode int64) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode, ModTime: epoch, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: epoch, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	steps := []func() error{
		func() error { return dir("etc/", 0o755) },
		func() error { return file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\n")) },
		func() error { return file("etc/group", 0o644, []byte("root:x:0:\n")) },
		func() error { return dir("host/", 0o755) },
		func() error { return dir("root/", 0o700) },
		func() error { return dir("tmp/", 0o1777) },
		func() error { return dir("usr/", 0o755) },
		func() error { return dir("usr/local/", 0o755) },
		func() error { return dir("usr/local/bin/", 0o755) },
		func() error { return file(strings.TrimPrefix(nodedebug.AgentPath, "/"), 0o755, bin) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeOCI writes an OCI image layout tarball whose index.json points at one
// multi-platform index named tag.
func writeOCI(path string, images []image, tag string) error {
	var manifests []descriptor
	blobs := []blob{}
	for _, img := range images {
		p := img.platform
		manifests = append(manifests, descriptor{MediaType: mtManifest, Digest: img.manifest.digest, Size: int64(len(img.manifest.data)), Platform: &p})
		blobs = append(blobs, img.config, img.layerGz, img.manifest)
	}
	index := jsonBlob(map[string]any{"schemaVersion": 2, "mediaType": mtIndex, "manifests": manifests})
	blobs = append(blobs, index)
	_, tagOnly := splitTag(tag)
	top := jsonBlob(map[string]any{
		"schemaVersion": 2,
		"mediaType":     mtIndex,
		"manifests": []descriptor{{
			MediaType: mtIndex, Digest: index.digest, Size: int64(len(index.data)),
			Annotations: map[string]string{
				"io.containerd.image.name":          tag,
				"org.opencontainers.image.ref.name": tagOnly,
			},
		}},
	})
	files := []tarFile{{"oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)}, {"index.json", top.data}}
	seen := map[string]bool{}
	for _, b := range blobs {
		if seen[b.digest] {
			continue
		}
		seen[b.digest] = true
		files = append(files, tarFile{"blobs/sha256/" + strings.TrimPrefix(b.digest, "sha256:"), b.data})
	}
	return writeTar(path, files)
}

// writeDocker writes a docker-archive (`docker save` format) of one platform.
func writeDocker(path string, img image, tag string) error {
	hexOf := func(d string) string { return strings.TrimPrefix(d, "sha256:") }
	cfgName := hexOf(img.config.digest) + ".json"
	layerName := hexOf(img.layer.digest) + "/layer.tar"
	manifest := jsonBlob([]map[string]any{{"Config": cfgName, "RepoTags": []string{tag}, "Layers": []string{layerName}}})
	return writeTar(path, []tarFile{
		{"manifest.json", manifest.data},
		{cfgName, img.config.data},
		{layerName, img.layer.data},
	})
}

type tarFile struct {
	name string
	data []byte
}

// writeTar writes files (parent directories implied) to path atomically.
func writeTar(path string, files []tarFile) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	tw := tar.NewWriter(f)
	dirs := map[string]bool{}
	for _, tf := range files {
		if d := filepath.Dir(tf.name); d != "." {
			for _, p := range parents(d) {
				if !dirs[p] {
					dirs[p] = true
					if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: p + "/", Mode: 0o755, ModTime: epoch}); err != nil {
						return err
					}
				}
			}
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: tf.name, Mode: 0o644, Size: int64(len(tf.data)), ModTime: epoch}); err != nil {
			return err
		}
		if _, err := tw.Write(tf.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// parents of "a/b/c" are "a", "a/b", "a/b/c".
func parents(d string) []string {
	var out []string
	parts := strings.Split(d, "/")
	for i := range parts {
		out = append(out, strings.Join(parts[:i+1], "/"))
	}
	return out
}

// splitTag splits "repo:tag" (a registry port's colon is not a tag).
func splitTag(ref string) (repo, tag string) {
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ref, "latest"
	}
	return ref[:i], ref[i+1:]
}
