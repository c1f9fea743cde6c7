// Package static holds the browser assets (compiled CSS, htmx and the app
// script) embedded into the binary so deployments ship a single file.
package static

import "embed"

// FS holds css/app.css and js/*.js, rooted at this directory.
//
//go:embed css/app.css js/*.js
var FS embed.FS
