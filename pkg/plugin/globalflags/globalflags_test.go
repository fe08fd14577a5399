package globalflags

import (
	"testing"

	"github.com/spf13/pflag"
)

func TestValidate(t *testing.T) {
	str := func(s string) *string { return &s }
	ok := Values{LeaseNamespace: "lease", ProviderNamespace: "akash-services"}
	with := func(f func(*Values)) Values { v := ok; f(&v); return v }
	for _, tc := range []struct {
		name string
		v    Values
		want string
	}{
		{"defaults", ok, ""},
		{"timeout with a unit", with(func(v *Values) { v.RequestTimeout = "2m" }), ""},
		{"timeout in seconds", with(func(v *Values) { v.RequestTimeout = "30" }), ""},
		{"no timeout", with(func(v *Values) { v.RequestTimeout = "0" }), ""},
		{"timeout without a number", with(func(v *Values) { v.RequestTimeout = "soon" }),
			`--request-timeout "soon": want a duration such as 30s or 2m, or a whole number of seconds (0: no timeout)`},
		{"negative seconds", with(func(v *Values) { v.RequestTimeout = "-1" }),
			`--request-timeout "-1": want a duration such as 30s or 2m, or a whole number of seconds (0: no timeout)`},
		{"negative duration", with(func(v *Values) { v.RequestTimeout = "-5s" }),
			`--request-timeout "-5s": want a duration such as 30s or 2m, or a whole number of seconds (0: no timeout)`},
		{"empty lease namespace", with(func(v *Values) { v.LeaseNamespace = "" }), "--lease-namespace must not be empty"},
		{"bad provider namespace", with(func(v *Values) { v.ProviderNamespace = "Akash_Services" }),
			`--provider-namespace "Akash_Services" is not a namespace name: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		{"-n given", with(func(v *Values) { v.Namespace = str("lease-a") }), ""},
		{"-n empty", with(func(v *Values) { v.Namespace = str("") }), "-n/--namespace must not be empty (leave it out for every namespace)"},
		{"-n not a name", with(func(v *Values) { v.Namespace = str("a/b") }),
			`-n "a/b" is not a namespace name: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		{"-A alone", with(func(v *Values) { v.AllNamespaces = true }), ""},
		{"-A and -n", with(func(v *Values) { v.AllNamespaces = true; v.Namespace = str("lease-a") }),
			"-A/--all-namespaces and -n/--namespace contradict each other: pass one of them"},
		// The first bad value is the one reported.
		{"timeout before namespaces", with(func(v *Values) { v.RequestTimeout = "x"; v.LeaseNamespace = "" }),
			`--request-timeout "x": want a duration such as 30s or 2m, or a whole number of seconds (0: no timeout)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.v.Validate()
			if got := errString(err); got != tc.want {
				t.Errorf("Validate() = %q\nwant        %q", got, tc.want)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestAddKlog(t *testing.T) {
	pf := pflag.NewFlagSet("root", pflag.ContinueOnError)
	AddKlog(pf)
	if f := pf.Lookup("v"); f == nil || f.Shorthand != "v" {
		t.Fatalf("-v/--v = %+v, want klog's verbosity with shorthand v", f)
	}
	if pf.Lookup("vmodule") == nil {
		t.Fatal("--vmodule missing")
	}
	if err := pf.Parse([]string{"-v=6"}); err != nil || pf.Lookup("v").Value.String() != "6" {
		t.Fatalf("-v=6: %v, value %s", err, pf.Lookup("v").Value)
	}
	// Only -v and --vmodule: klog's other flags stay out of the help.
	n := 0
	pf.VisitAll(func(*pflag.Flag) { n++ })
	if n != 2 {
		t.Errorf("%d flags, want 2", n)
	}
}
