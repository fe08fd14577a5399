package execute

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
)

func streams(in string) (genericiooptions.IOStreams, *bytes.Buffer) {
	errOut := &bytes.Buffer{}
	return genericiooptions.IOStreams{In: strings.NewReader(in), Out: io.Discard, ErrOut: errOut}, errOut
}

func TestConfirm(t *testing.T) {
	tty := func(io.Reader) bool { return true }
	pipe := func(io.Reader) bool { return false }
	cases := []struct {
		name     string
		yes      bool
		dryRun   cmdutil.DryRunStrategy
		terminal func(io.Reader) bool
		answer   string
		want     error
		prompted bool
	}{
		{"yes flag", true, cmdutil.DryRunNone, pipe, "", nil, false},
		{"client dry run needs no answer", false, cmdutil.DryRunClient, pipe, "", nil, false},
		{"server dry run needs no answer", false, cmdutil.DryRunServer, pipe, "", nil, false},
		{"no terminal refuses", false, cmdutil.DryRunNone, pipe, "y\n", ErrNeedYes, false},
		{"y", false, cmdutil.DryRunNone, tty, "y\n", nil, true},
		{"YES", false, cmdutil.DryRunNone, tty, "YES\n", nil, true},
		{"n", false, cmdutil.DryRunNone, tty, "n\n", ErrAborted, true},
		{"empty answer is no", false, cmdutil.DryRunNone, tty, "\n", ErrAborted, true},
		{"EOF is no", false, cmdutil.DryRunNone, tty, "", ErrAborted, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := NewOptions()
			o.Yes, o.DryRun, o.IsTerminal = c.yes, c.dryRun, c.terminal
			s, errOut := streams(c.answer)
			err := o.Confirm(context.Background(), s, "Delete 2 ReplicaSets.")
			if !errors.Is(err, c.want) {
				t.Fatalf("Confirm = %v, want %v", err, c.want)
			}
			if got := strings.Contains(errOut.String(), "Do you want to continue? (y/N)"); got != c.prompted {
				t.Fatalf("prompted = %v, want %v (stderr %q)", got, c.prompted, errOut.String())
			}
		})
	}
}

func TestClientDryRunSendsNothing(t *testing.T) {
	// A nil client would panic if the engine called the applier.
	e := (&Options{DryRun: cmdutil.DryRunClient}).NewEngine()
	e.Register(&Kube{}, Delete)
	a := NewDelete(Target{Version: "v1", Resource: "configmaps", Kind: "ConfigMap", Namespace: "ns", Name: "x", UID: "u", ResourceVersion: "1"})
	p := &Plan{}
	p.Add("configmap", a)
	if rep := e.Run(context.Background(), p); rep.Failed != 0 || a.Result != DryRun {
		t.Fatalf("report=%+v outcome=%+v", rep, a.Outcome)
	}
	if !strings.Contains(a.Message, "would delete ns/configmaps/x") {
		t.Fatalf("message %q", a.Message)
	}
}

func TestOutcomeClassification(t *testing.T) {
	gr := schema.GroupResource{Group: "apps", Resource: "replicasets"}
	del := NewDelete(Target{Group: "apps", Version: "v1", Resource: "replicasets", Name: "x"})
	patch := NewPatch(Target{Group: "akash.network", Version: "v2beta2", Resource: "manifests", Name: "m", UID: "u"})
	cases := []struct {
		a    *Action
		err  error
		want Result
	}{
		{del, nil, Succeeded},
		{del, apierrors.NewConflict(gr, "x", errors.New("Precondition failed: UID in precondition: a, UID in object meta: b")), Conflict},
		{del, apierrors.NewNotFound(gr, "x"), NotFound},
		{patch, apierrors.NewNotFound(gr, "m"), Conflict},
		{del, apierrors.NewForbidden(gr, "x", errors.New("RBAC")), Forbidden},
		{patch, apierrors.NewGenericServerResponse(http.StatusUnprocessableEntity, "patch", gr, "m", "testing value /spec/group/services/1/name failed: test failed", 0, false), Conflict},
		{patch, apierrors.NewInvalid(schema.GroupKind{Kind: "Manifest"}, "m", nil), Invalid},
		{del, errors.New("connection reset"), Failed},
	}
	for _, c := range cases {
		got := outcomeOf(c.a, c.err, false)
		if got.Result != c.want {
			t.Errorf("%v -> %s (%s), want %s", c.err, got.Result, got.Message, c.want)
		}
		if got.Result.Failure() != (c.want == Conflict || c.want == Forbidden || c.want == Invalid || c.want == Failed) {
			t.Errorf("%s: Failure() wrong", got.Result)
		}
	}
	if got := outcomeOf(del, nil, true); got.Result != DryRun {
		t.Errorf("server dry run success -> %s", got.Result)
	}
}

func TestNewPatchTestsUIDFirst(t *testing.T) {
	a := NewPatch(Target{Name: "m", UID: "abc"}, PatchOp{Op: "test", Path: "/spec/group/services/1/name", Value: "web"}, PatchOp{Op: "add", Path: "/spec/group/services/1/command", Value: []string{"x"}})
	if len(a.Patch) != 3 || a.Patch[0].Path != "/metadata/uid" || a.Patch[0].Value != "abc" || a.Patch[2].Op != "add" {
		t.Fatalf("patch %+v", a.Patch)
	}
}
