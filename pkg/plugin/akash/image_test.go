package akash

import "testing"

// TestCompileImages: matching is case-insensitive like grep -Ei; an
// expression matching the empty string is refused only where asked.
func TestCompileImages(t *testing.T) {
	res, err := CompileImages([]string{"XMRIG", "^docker.io/nanopool/"}, true)
	if err != nil || len(res) != 2 || !res[0].MatchString("ghcr.io/x/xmrig:6") || res[1].MatchString("ghcr.io/nanopool/x") {
		t.Fatalf("%v %v", res, err)
	}
	if _, err := CompileImages([]string{"a*"}, false); err != nil {
		t.Fatalf("a filter may match everything: %v", err)
	}
	for _, exprs := range [][]string{{"a*"}, {"xmrig", ""}, {"("}} {
		if _, err := CompileImages(exprs, true); err == nil {
			t.Errorf("%q: accepted", exprs)
		}
	}
}
