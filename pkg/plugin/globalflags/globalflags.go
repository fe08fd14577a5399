// Package globalflags checks the flags every kubectl akash command takes and
// binds klog's: a bad value is one sentence before any command reads the
// cluster, not an error from deep in client-go.
package globalflags

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/klog/v2"
)

// Values are the global flags as the command line set them.
type Values struct {
	// RequestTimeout is --request-timeout ("" when unset).
	RequestTimeout    string
	LeaseNamespace    string
	ProviderNamespace string
	// Namespace is the global -n when it was passed, nil otherwise (a
	// command's own -n is not a global flag).
	Namespace *string
	// AllNamespaces is a -A that means "every namespace, -n narrows it".
	AllNamespaces bool
}

// Validate returns the first bad value as one sentence, or nil.
func (v Values) Validate() error {
	if v.RequestTimeout != "" {
		if err := RequestTimeout(v.RequestTimeout); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, value string }{{"--lease-namespace", v.LeaseNamespace}, {"--provider-namespace", v.ProviderNamespace}} {
		if f.value == "" {
			return fmt.Errorf("%s must not be empty", f.name)
		}
		if errs := validation.IsDNS1123Label(f.value); len(errs) > 0 {
			return fmt.Errorf("%s %q is not a namespace name: %s", f.name, f.value, errs[0])
		}
	}
	if v.Namespace == nil {
		return nil
	}
	if ns := *v.Namespace; ns == "" {
		return errors.New("-n/--namespace must not be empty (leave it out for every namespace)")
	} else if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
		return fmt.Errorf("-n %q is not a namespace name: %s", ns, errs[0])
	}
	if v.AllNamespaces {
		return errors.New("-A/--all-namespaces and -n/--namespace contradict each other: pass one of them")
	}
	return nil
}

// RequestTimeout reads --request-timeout as client-go does: a whole number
// of seconds or a duration with its unit, not negative.
func RequestTimeout(s string) error {
	bad := fmt.Errorf("--request-timeout %q: want a duration such as 30s or 2m, or a whole number of seconds (0: no timeout)", s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return bad
		}
		return nil
	}
	if d, err := time.ParseDuration(s); err != nil || d < 0 {
		return bad
	}
	return nil
}

// AddKlog exposes klog's -v and --vmodule like kubectl does, so `-v=6`
// shows every API request client-go makes.
func AddKlog(pf *pflag.FlagSet) {
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	for _, name := range []string{"v", "vmodule"} {
		f := pflag.PFlagFromGoFlag(fs.Lookup(name))
		if name == "v" {
			f.Shorthand = "v"
		}
		pf.AddFlag(f)
	}
}
