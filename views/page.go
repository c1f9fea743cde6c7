// Package views holds the templ components: the layout, one component per
// page and per fragment. Views decide nothing; handlers pass what to show.
package views

import "strings"

// Page is what the layout needs around every page.
type Page struct {
	Title         string
	Mode          map[string]string // "auth" and "billing": "local", "clerk" or "stripe"
	Signed        bool
	WorkspaceID   string
	WorkspaceName string
	PlanName      string
	SubStatus     string // the subscription's status; empty without one
	UserName      string
	Role          string // "admin" or "member"
	Operator      bool
	CSRFToken     string
	// Path is the request path, to mark the current section in the nav.
	Path string
}

// Local reports whether any local stand-in is in force.
func (p Page) Local() bool {
	return p.Mode["auth"] == "local" || p.Mode["billing"] == "local"
}

// Subscribed reports whether the workspace's plan lets it request lines.
func (p Page) Subscribed() bool {
	return p.SubStatus == "active" || p.SubStatus == "trialing"
}

// section names the nav entry a path belongs to.
func (p Page) section() string {
	switch {
	case p.Path == "/lines/new":
		return "new"
	case p.Path == "/" || strings.HasPrefix(p.Path, "/lines/"),
		strings.HasPrefix(p.Path, "/api/line-requests/"):
		return "lines"
	case p.Path == "/billing":
		return "billing"
	case p.Path == "/settings/api-keys":
		return "keys"
	}
	return ""
}
