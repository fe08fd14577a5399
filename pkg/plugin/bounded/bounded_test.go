package bounded

import (
	"errors"
	"strings"
	"testing"
)

func TestBufferRefusesPastItsLimit(t *testing.T) {
	b := NewBuffer("the agent's report", 8)
	if _, err := b.Write([]byte("12345678")); err != nil {
		t.Fatal(err)
	}
	_, err := b.Write([]byte("9"))
	var tl *TooLargeError
	if !errors.As(err, &tl) || b.String() != "12345678" {
		t.Fatalf("err %v, kept %q", err, b.String())
	}
}

func TestReadAll(t *testing.T) {
	if b, err := ReadAll(strings.NewReader("abc"), "x", 3); err != nil || string(b) != "abc" {
		t.Fatalf("%q %v", b, err)
	}
	if _, err := ReadAll(strings.NewReader("abcd"), "the release", 3); err == nil || !strings.Contains(err.Error(), "the release is larger than") {
		t.Fatalf("err %v", err)
	}
}
