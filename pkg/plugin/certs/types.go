package certs

import (
	"crypto/x509"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Kind names of the result objects.
const (
	Kind = "NodeCertificates"
	// ClientSide names the pseudo-node of the certificates seen from this
	// machine: the API server's serving certificate and the kubeconfig's own.
	ClientNode = "(kubeconfig)"
)

// Status is a certificate's verdict.
type Status string

// Statuses. Missing and Error come from discovery; the others from Assess.
const (
	Valid    Status = "Valid"
	Expiring Status = "Expiring" // expires within the --warn window
	Expired  Status = "Expired"
	Missing  Status = "Missing" // an expected file is absent
	Error    Status = "Error"   // the file exists but cannot be read or parsed
)

// Sources say which tool's layout a certificate belongs to.
const (
	SourceKubeadm    = "kubeadm"
	SourceKubeconfig = "kubeconfig"
	SourceKubespray  = "kubespray-etcd"
	SourceKubelet    = "kubelet"
	SourceK3s        = "k3s"
	SourceClient     = "client"
)

// Certificate is one certificate (or one expected certificate that is not
// there). Discovery fills the facts; Assess fills Status, Residual and
// ResidualSeconds.
type Certificate struct {
	// Name is kubeadm's name where kubeadm has one (apiserver, etcd-ca,
	// admin.conf), otherwise the file's name.
	Name   string `json:"name"`
	Source string `json:"source"`
	// Path is where the certificate lives on the node (or the URL / the
	// kubeconfig for client-side rows).
	Path      string       `json:"path,omitempty"`
	Subject   string       `json:"subject,omitempty"`
	Issuer    string       `json:"issuer,omitempty"`
	NotBefore *metav1.Time `json:"notBefore,omitempty"`
	NotAfter  *metav1.Time `json:"notAfter,omitempty"`
	IsCA      bool         `json:"isCA,omitempty"`
	// Serial is the serial number in hex: a renewal tells a certificate
	// issued anew from the old one by it.
	Serial string `json:"serial,omitempty"`
	// Authority names the CA that signed it, by its Name when that CA was
	// found on the same node, else by the issuer's common name.
	Authority string `json:"authority,omitempty"`
	// ExternallyManaged is kubeadm's notion: a CA whose key is not on the
	// node (and every certificate it signed) cannot be renewed by kubeadm.
	ExternallyManaged bool   `json:"externallyManaged"`
	Status            Status `json:"status"`
	// ResidualSeconds is the time left until NotAfter (negative once expired).
	ResidualSeconds *int64 `json:"residualSeconds,omitempty"`
	// Residual is kubeadm's RESIDUAL TIME: 364d, 9y, <invalid> when expired.
	Residual string `json:"residual,omitempty"`
	Message  string `json:"message,omitempty"`

	cert *x509.Certificate
	// keyPath is the CA key kubeadm would need; "" when not applicable.
	keyPath string
}

// NodeCertificates is one node's answer; metadata.name is the node.
type NodeCertificates struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            NodeStatus `json:"status"`
}

// NodeStatus holds a node's certificates, or why it could not be checked.
type NodeStatus struct {
	Certificates []Certificate `json:"certificates"`
	// Kubeadm is the node's kubeadm's own view, compared with ours, when
	// the node has a kubeadm that can say it.
	Kubeadm *KubeadmView `json:"kubeadm,omitempty"`
	Error   string       `json:"error,omitempty"`
}

// List is the result of `certs check`.
type List struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []NodeCertificates `json:"items"`
}

// NewList starts an empty list.
func NewList() *List {
	return &List{TypeMeta: output.ListMeta(Kind), Items: []NodeCertificates{}}
}

// NewNode starts one node's result.
func NewNode(name string) NodeCertificates {
	return NodeCertificates{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: NodeStatus{Certificates: []Certificate{}}}
}

// Assess gives every certificate its verdict at now: Expired once NotAfter
// has passed, Expiring when it passes within warn (0: never), else Valid.
// Missing and Error entries keep their status.
func (c *Certificate) Assess(now time.Time, warn time.Duration) {
	if c.Status == Missing || c.Status == Error || c.NotAfter == nil {
		return
	}
	left := c.NotAfter.Sub(now)
	secs := int64(left / time.Second)
	c.ResidualSeconds = &secs
	c.Residual = duration.ShortHumanDuration(left)
	switch {
	case !now.Before(c.NotAfter.Time):
		c.Status = Expired
	case warn > 0 && left <= warn:
		c.Status = Expiring
	default:
		c.Status = Valid
	}
}

// Assess gives every certificate of every node its verdict.
func (l *List) Assess(now time.Time, warn time.Duration) {
	for i := range l.Items {
		for j := range l.Items[i].Status.Certificates {
			l.Items[i].Status.Certificates[j].Assess(now, warn)
		}
	}
}

// Counts are the verdicts of a list, for the exit code.
type Counts struct {
	Findings   int // expired, expiring or missing certificates, kubeadm disagreements
	Errors     int // unreadable certificates
	NodeErrors int // nodes that could not be checked
}

// Count tallies the list (after Assess).
func (l *List) Count() Counts {
	var n Counts
	for _, node := range l.Items {
		if node.Status.Error != "" {
			n.NodeErrors++
		}
		if k := node.Status.Kubeadm; k != nil {
			n.Findings += len(k.Disagreements)
		}
		for _, c := range node.Status.Certificates {
			switch c.Status {
			case Expired, Expiring, Missing:
				n.Findings++
			case Error:
				n.Errors++
			}
		}
	}
	return n
}
