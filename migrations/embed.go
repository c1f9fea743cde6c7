// Package migrations holds the numbered SQL files that build the schema.
package migrations

import "embed"

// FS holds every migration, applied in order by goose.
//
//go:embed *.sql
var FS embed.FS
