package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The floor is what no client can beat: the time the API server takes to
// serve the very LIST requests the plugin sent (same paths, selectors, page
// size and accepted encoding, recorded by the proxy), all at once as the
// plugin sends them, in protobuf wherever the server has it, with the bodies
// thrown away as they come — compressed bodies are not inflated. It runs in
// the bench's own process, through the same proxy, so it has no process
// start, no decoding and no analysis: plugin time / floor time is what the
// plugin adds.

// floorAccept asks for protobuf; custom resources answer JSON.
const floorAccept = "application/vnd.kubernetes.protobuf, application/json"

// fetchFloor replays the listings once, in parallel, each following its
// pages, and returns the wall time.
func fetchFloor(ctx context.Context, base string, lists []Listing) (time.Duration, error) {
	if len(lists) == 0 {
		return 0, errors.New("the plugin sent no LIST request to replay")
	}
	// A fresh transport per run: the plugin, a new process each run, opens
	// its connections anew too. It adds no Accept-Encoding of its own: each
	// request carries the plugin's, and a gzip body is discarded as sent.
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	began := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, len(lists))
	for i, u := range lists {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fetchListing(ctx, client, base, u)
		}()
	}
	wg.Wait()
	d := time.Since(began)
	return d, errors.Join(errs...)
}

// fetchListing fetches every page of one listing. A page is read only as far
// as the continue token needs: bodies are discarded otherwise.
func fetchListing(ctx context.Context, client *http.Client, base string, l Listing) error {
	requestURI := l.URI
	u, err := url.Parse(base + requestURI)
	if err != nil {
		return err
	}
	paged := u.Query().Get("limit") != ""
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", floorAccept)
		if l.Encoding != "" {
			req.Header.Set("Accept-Encoding", l.Encoding)
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
			resp.Body.Close()
			return fmt.Errorf("GET %s: %s: %s", requestURI, resp.Status, b)
		}
		if !paged {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return err
		}
		body, err := readBody(resp)
		if err != nil {
			return err
		}
		cont, err := continueToken(body)
		if err != nil || cont == "" {
			return err
		}
		q := u.Query()
		q.Set("continue", cont)
		u.RawQuery = q.Encode()
	}
}

// readBody reads a page whole, inflated: its continue token is needed.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		z, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, err
		}
		r = z
	}
	return io.ReadAll(r)
}

// continueToken reads a list's continue token: from a protobuf envelope
// (runtime.Unknown whose raw field holds the list, ListMeta first) or JSON.
func continueToken(body []byte) (string, error) {
	magic := []byte{0x6b, 0x38, 0x73, 0x00}
	if !bytes.HasPrefix(body, magic) {
		var l struct {
			Metadata metav1.ListMeta `json:"metadata"`
		}
		err := json.Unmarshal(body, &l)
		return l.Metadata.Continue, err
	}
	raw, err := field(body[len(magic):], 2)
	if err != nil {
		return "", err
	}
	meta, err := field(raw, 1)
	if err != nil {
		return "", err
	}
	var lm metav1.ListMeta
	err = lm.Unmarshal(meta)
	return lm.Continue, err
}

// field returns the first length-delimited field number n of a protobuf
// message whose fields are all length-delimited up to it.
func field(b []byte, n uint64) ([]byte, error) {
	for len(b) > 0 {
		tag, k := binary.Uvarint(b)
		if k <= 0 || tag&7 != 2 {
			return nil, errors.New("not a Kubernetes protobuf list")
		}
		b = b[k:]
		size, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < size {
			return nil, errors.New("a truncated protobuf list")
		}
		if tag>>3 == n {
			return b[k : k+int(size)], nil
		}
		b = b[k+int(size):]
	}
	return nil, fmt.Errorf("no field %d in the protobuf list", n)
}
