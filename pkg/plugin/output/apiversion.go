package output

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Group and APIVersion of every result object the plugin prints.
const (
	Group      = "kubectl-akash.akash.network"
	APIVersion = Group + "/v1alpha1"
)

// TypeMeta returns the TypeMeta of a result kind.
func TypeMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: APIVersion, Kind: kind}
}

// ListMeta returns the TypeMeta of a list of kind: "<Kind>List".
func ListMeta(kind string) metav1.TypeMeta {
	return TypeMeta(kind + "List")
}
