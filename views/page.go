// Package views holds the templ components: the layout, one component per
// page and per fragment. Views decide nothing; handlers pass what to show.
package views

// Page is what the layout needs around every page.
type Page struct {
	Title         string
	Mode          map[string]string // "auth" and "billing": "local", "clerk" or "stripe"
	Signed        bool
	WorkspaceID   string
	WorkspaceName string
	PlanName      string
	UserName      string
	Operator      bool
	CSRFToken     string
}

// Local reports whether any local stand-in is in force.
func (p Page) Local() bool {
	return p.Mode["auth"] == "local" || p.Mode["billing"] == "local"
}
