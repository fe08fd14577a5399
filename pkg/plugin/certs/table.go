package certs

import (
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// DateLayout is kubeadm's EXPIRES format ("Feb 20, 2023 17:12 UTC").
const DateLayout = "Jan 02, 2006 15:04 MST"

// Table is the human view: kubeadm's columns (CERTIFICATE, EXPIRES,
// RESIDUAL TIME, CERTIFICATE AUTHORITY, EXTERNALLY MANAGED) plus the node
// and a status; the path and source are in -o wide. A node that could not
// be checked is one row with its error.
func Table(l *List) *output.Table {
	t := output.NewTable(
		output.Column{Name: "NODE"},
		output.Column{Name: "CERTIFICATE"},
		output.Column{Name: "STATUS"},
		output.Column{Name: "EXPIRES"},
		output.Column{Name: "RESIDUAL TIME"},
		output.Column{Name: "CERTIFICATE AUTHORITY"},
		output.Column{Name: "EXTERNALLY MANAGED"},
		output.Column{Name: "SOURCE", Wide: true},
		output.Column{Name: "PATH", Wide: true},
		output.Column{Name: "MESSAGE"},
	)
	for _, n := range l.Items {
		if n.Status.Error != "" {
			t.AddRow(n.Name, "-", string(Error), "", "", "", "", "", "", n.Status.Error)
		}
		for _, c := range n.Status.Certificates {
			expires, residual, managed := "", "", "no"
			if c.NotAfter != nil {
				expires = c.NotAfter.UTC().Format(DateLayout)
				residual = c.Residual
			}
			if c.Status == Missing {
				expires = "!MISSING!"
			}
			if c.ExternallyManaged {
				managed = "yes"
			}
			t.AddRow(n.Name, c.Name, string(c.Status), expires, residual, c.Authority, managed, c.Source, c.Path, c.Message)
		}
	}
	return t
}
