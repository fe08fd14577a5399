package cli

import (
	"errors"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// RESTMapper resolves kubectl-style resource names (short names, plurals,
// resource.group) from one API discovery, read now and kept in memory for
// this one run: aggregated discovery costs two GETs, and no state is shared
// between runs (kubectl's on-disk cache can be stale, or written by another
// process, when CRDs change).
//
// An API server that cannot be reached is this function's error, one
// sentence that blames the server. client-go's in-memory discovery cache
// would instead log every failed refresh through klog (the
// "memcache.go ... Couldn't get current server API group list" lines) and
// leave the caller an error about the name it was resolving. A discovery
// that fails for some API groups only (an aggregated API that is down) still
// maps the others, as kubectl does.
func RESTMapper(cfg *rest.Config) (meta.RESTMapper, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, Explain(err, "setting up API discovery")
	}
	once := &discoveredOnce{DiscoveryInterface: dc}
	groups, err := restmapper.GetAPIGroupResources(once)
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, Explain(err, "reading the resource types the API server serves (discovery)")
	}
	if len(groups) == 0 {
		return nil, errors.New("the API server reported no resource types (discovery)")
	}
	return restmapper.NewShortcutExpander(restmapper.NewDiscoveryRESTMapper(groups), once, nil), nil
}

// discoveredOnce answers every request for the server's groups and
// resources with the first answer, so the mapper and the short-name
// expander share one discovery.
type discoveredOnce struct {
	discovery.DiscoveryInterface
	once      sync.Once
	groups    []*metav1.APIGroup
	resources []*metav1.APIResourceList
	err       error
}

func (d *discoveredOnce) ServerGroupsAndResources() ([]*metav1.APIGroup, []*metav1.APIResourceList, error) {
	d.once.Do(func() {
		d.groups, d.resources, d.err = d.DiscoveryInterface.ServerGroupsAndResources()
	})
	return d.groups, d.resources, d.err
}
