package plugins

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/itchyny/gojq"
	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Env is what running an entry needs: clients and the namespaces its scopes
// refer to.
type Env struct {
	Dynamic dynamic.Interface
	// Mapper resolves kubectl-style resource names through discovery.
	Mapper meta.RESTMapper
	// LeaseNamespace and ProviderNamespace are what scope lease and provider
	// mean; Namespace (-n) narrows scope all to one namespace.
	LeaseNamespace    string
	ProviderNamespace string
	Namespace         string
	// ChunkSize pages the LISTs (0: one request per resource).
	ChunkSize int64
	// LabelSelector and FieldSelector (-l, --field-selector) are ANDed to
	// every resource's own selectors.
	LabelSelector, FieldSelector string
	Now                          time.Time
}

// target is a resource resolved against the cluster.
type target struct {
	Resource
	gvr        schema.GroupVersionResource
	namespaced bool
	namespace  string // "" = all namespaces (or cluster-scoped)
}

// Run resolves the entry's resources, LISTs each once (in parallel), runs the
// jq program and returns the rows.
func (e *Entry) Run(ctx context.Context, env Env) (*RowList, error) {
	targets, err := e.resolve(env)
	if err != nil {
		return nil, err
	}
	lists := make([]any, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	for i, t := range targets {
		g.Go(func() error {
			items, err := list(gctx, env, t)
			if err != nil {
				return err
			}
			lists[i] = map[string]any{"apiVersion": "v1", "kind": "List", "items": items}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	input := map[string]any{}
	values := make([]any, 0, len(lists)+len(reservedVars))
	for i, t := range targets {
		input[t.Var] = lists[i]
		values = append(values, lists[i])
	}
	values = append(values, env.LeaseNamespace, env.ProviderNamespace, env.Now.UTC().Format(time.RFC3339))
	rows, err := e.rows(ctx, input, values)
	if err != nil {
		return nil, err
	}
	return e.build(rows)
}

// resolve maps every resource name to a GVR and its scope through discovery.
func (e *Entry) resolve(env Env) ([]target, error) {
	targets := make([]target, 0, len(e.Resources))
	for i, r := range e.Resources {
		field := fmt.Sprintf("resources[%d].resource", i)
		gvr, namespaced, err := resolveResource(env.Mapper, r.Resource)
		if err != nil {
			if meta.IsNoMatchError(err) {
				return nil, e.problem(field, "the cluster has no resource %q (kubectl api-resources lists the ones it has)", r.Resource)
			}
			return nil, e.problem(field, "resolving %q through API discovery: %v", r.Resource, err)
		}
		t := target{Resource: r, gvr: gvr, namespaced: namespaced}
		if namespaced {
			switch r.Scope {
			case ScopeAll:
				t.namespace = env.Namespace
			case ScopeLease:
				t.namespace = env.LeaseNamespace
			case ScopeProvider:
				t.namespace = env.ProviderNamespace
			case ScopeNamespace:
				t.namespace = r.Namespace
			}
		} else if r.Scope != ScopeAll {
			return nil, e.problem(fmt.Sprintf("resources[%d].scope", i), "%s is cluster-scoped: drop scope: %s", gvr.GroupResource(), r.Scope)
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// resolveResource is kubectl's resource-name resolution: short names and
// plurals, resource.group and resource.version.group.
func resolveResource(mapper meta.RESTMapper, name string) (schema.GroupVersionResource, bool, error) {
	var gvr schema.GroupVersionResource
	var err error
	full, gr := schema.ParseResourceArg(name)
	if full != nil {
		gvr, err = mapper.ResourceFor(*full)
	}
	if full == nil || err != nil {
		gvr, err = mapper.ResourceFor(gr.WithVersion(""))
	}
	if err != nil {
		return gvr, false, err
	}
	gvk, err := mapper.KindFor(gvr)
	if err != nil {
		return gvr, false, err
	}
	mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return gvr, false, err
	}
	return gvr, mapping.Scope.Name() == meta.RESTScopeNameNamespace, nil
}

// list reads one resource, page by page, as jq values.
func list(ctx context.Context, env Env, t target) ([]any, error) {
	client := env.Dynamic.Resource(t.gvr)
	var ri dynamic.ResourceInterface = client
	if t.namespaced && t.namespace != "" {
		ri = client.Namespace(t.namespace)
	}
	opts := metav1.ListOptions{LabelSelector: and(t.LabelSelector, env.LabelSelector), FieldSelector: and(t.FieldSelector, env.FieldSelector), Limit: env.ChunkSize}
	items := []any{}
	for {
		l, err := ri.List(ctx, opts)
		if err != nil {
			where := "in all namespaces"
			if t.namespace != "" {
				where = "in namespace " + t.namespace
			} else if !t.namespaced {
				where = "(cluster-scoped)"
			}
			return nil, cli.ExplainList(err, t.gvr, t.gvr.GroupResource().String()+" "+where)
		}
		for i := range l.Items {
			items = append(items, jqValue(l.Items[i].Object))
		}
		if l.GetContinue() == "" {
			return items, nil
		}
		opts.Continue = l.GetContinue()
	}
}

// rows runs the program; every output must be an object (a row) or a list of
// objects.
func (e *Entry) rows(ctx context.Context, input any, values []any) ([]map[string]any, error) {
	iter := e.code.RunWithContext(ctx, input, values...) // Ctrl-C stops a long program
	var rows []map[string]any
	for {
		v, ok := iter.Next()
		if !ok {
			return rows, nil
		}
		if err, isErr := v.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return rows, nil
			}
			return nil, e.problem("jq", "the program failed: %v", err)
		}
		switch x := v.(type) {
		case nil:
		case map[string]any:
			rows = append(rows, x)
		case []any:
			for _, el := range x {
				row, ok := el.(map[string]any)
				if !ok {
					return nil, e.problem("jq", "the program produced a list holding %s: want objects, one per row", valueType(el))
				}
				rows = append(rows, row)
			}
		default:
			return nil, e.problem("jq", "the program produced %s: want objects (one per row) or lists of objects", valueType(v))
		}
	}
}

// problem is a run-time error that names the entry like a load problem does.
func (e *Entry) problem(field, format string, args ...any) error {
	return Problem{File: e.Source, Entry: e.Name, Index: e.Index, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// jqValue turns an unstructured object's values into the types gojq accepts:
// it has int64 where gojq wants int.
func jqValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jqValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jqValue(e)
		}
		return out
	case int64:
		return int(x)
	case int32:
		return int(x)
	default:
		return v
	}
}

func valueType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// and joins two selectors (label or field: both are comma-separated
// requirements that must all hold).
func and(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "," + b
}
