package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// FindWorkspace returns the workspace whose id is ref, or else the oldest
// whose name is ref, ignoring case.
func (s *Store) FindWorkspace(ctx context.Context, ref string) (Workspace, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT id FROM workspaces WHERE id = $1 OR lower(name) = lower($1)
		ORDER BY id = $1 DESC, created_at LIMIT 1`, ref).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return Workspace{}, ErrNotFound
	}
	if err != nil {
		return Workspace{}, fmt.Errorf("find workspace: %w", err)
	}
	return s.Workspace(ctx, id)
}
