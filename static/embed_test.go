package static

import (
	"io/fs"
	"strings"
	"testing"
)

// htmxVersion must match the pin in package.json; a stale copy in js/ fails here.
const htmxVersion = "2.0.11"

func TestFSHasCompiledCSS(t *testing.T) {
	b, err := fs.ReadFile(FS, "css/app.css")
	if err != nil {
		t.Fatalf("read css/app.css: %v", err)
	}
	if len(b) == 0 {
		t.Fatal("css/app.css is empty; rebuild the stylesheet")
	}
	// Guards against embedding the raw input instead of the compiled output.
	if strings.Contains(string(b), "@tailwind") {
		t.Error("css/app.css still contains @tailwind directives; it was not compiled")
	}
	for _, class := range []string{".btn-primary", ".card", ".field-error"} {
		if !strings.Contains(string(b), class) {
			t.Errorf("css/app.css lacks component class %s", class)
		}
	}
}

func TestFSHasPinnedHTMX(t *testing.T) {
	b, err := fs.ReadFile(FS, "js/htmx.min.js")
	if err != nil {
		t.Fatalf("read js/htmx.min.js: %v", err)
	}
	if !strings.Contains(string(b), `version:"`+htmxVersion+`"`) {
		t.Errorf("js/htmx.min.js is not htmx %s", htmxVersion)
	}
}

func TestFSHasAppScript(t *testing.T) {
	b, err := fs.ReadFile(FS, "js/app.js")
	if err != nil {
		t.Fatalf("read js/app.js: %v", err)
	}
	if len(b) == 0 {
		t.Fatal("js/app.js is empty")
	}
}
