package fleet

import (
	"testing"

	"github.com/spf13/pflag"
)

// TestFlagArgsCSV: a list item with a comma survives being rendered and
// parsed again.
func TestFlagArgsCSV(t *testing.T) {
	fs := pflag.NewFlagSet("a", pflag.ContinueOnError)
	fs.StringSlice("s", nil, "")
	if err := fs.Parse([]string{`--s=a,"b,c"`}); err != nil {
		t.Fatal(err)
	}
	args := flagArgs(fs.Lookup("s"))
	again := pflag.NewFlagSet("b", pflag.ContinueOnError)
	v := again.StringSlice("s", nil, "")
	if err := again.Parse(args); err != nil || len(*v) != 2 || (*v)[1] != "b,c" {
		t.Fatalf("%q parsed again: %q, %v", args, *v, err)
	}
}
