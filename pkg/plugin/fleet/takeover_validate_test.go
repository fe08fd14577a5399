package fleet

import "testing"

// TestFleetValidate: the fleet flags' combinations, checked without I/O
// before any command runs; without a fleet flag nothing is checked.
func TestFleetValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(f *Flags)
		want string
	}{
		{"none", func(*Flags) {}, ""},
		{"context alone", func(f *Flags) { f.OneContext = true }, ""},
		{"parallel alone", func(f *Flags) { f.Parallel = 0 }, ""},
		{"contexts", func(f *Flags) { f.Contexts = []string{"a", "/b/"} }, ""},
		{"fleet and contexts", func(f *Flags) { f.Fleet, f.Contexts = "prod", []string{"^a"} }, ""},
		{"all", func(f *Flags) { f.All = true }, ""},
		{"context and contexts", func(f *Flags) { f.OneContext, f.Contexts = true, []string{"a"} },
			"--context picks one context and --contexts, --all-contexts or --fleet several: pass one of them"},
		{"context and fleet", func(f *Flags) { f.OneContext, f.Fleet = true, "prod" },
			"--context picks one context and --contexts, --all-contexts or --fleet several: pass one of them"},
		{"all and contexts", func(f *Flags) { f.All, f.Contexts = true, []string{"a"} },
			"--all-contexts takes every context: leave out --contexts and --fleet (or use --contexts ^NAME to leave contexts out)"},
		{"all and fleet", func(f *Flags) { f.All, f.Fleet = true, "prod" },
			"--all-contexts takes every context: leave out --contexts and --fleet (or use --contexts ^NAME to leave contexts out)"},
		{"parallel 0", func(f *Flags) { f.All, f.Parallel = true, 0 }, "--parallel-contexts must be 1 or more, got 0"},
		{"parallel negative", func(f *Flags) { f.Contexts, f.Parallel = []string{"a"}, -2 }, "--parallel-contexts must be 1 or more, got -2"},
	} {
		f := NewFlags(nil, nil, nil)
		c.set(f)
		got := ""
		if err := f.Validate(); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
