package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// APIKey is a stored key: its hash, never the secret.
type APIKey struct {
	ID          string
	WorkspaceID string
	Name        string
	Prefix      string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

// CreateAPIKey stores a key's hash and display prefix.
func (s *Store) CreateAPIKey(ctx context.Context, workspaceID, name, prefix string, hash []byte) (APIKey, error) {
	k := APIKey{WorkspaceID: workspaceID, Name: name, Prefix: prefix}
	err := s.pool.QueryRow(ctx, `INSERT INTO api_keys (workspace_id, name, prefix, key_hash)
		VALUES ($1, $2, $3, $4) RETURNING id::text, created_at`, workspaceID, name, prefix, hash).
		Scan(&k.ID, &k.CreatedAt)
	if err != nil {
		return k, fmt.Errorf("create api key: %w", err)
	}
	return k, nil
}

// APIKeyByHash finds a live key by the hash of its secret.
func (s *Store) APIKeyByHash(ctx context.Context, hash []byte) (APIKey, error) {
	var k APIKey
	err := s.pool.QueryRow(ctx, `SELECT id::text, workspace_id, name, prefix, created_at, last_used_at
		FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, hash).
		Scan(&k.ID, &k.WorkspaceID, &k.Name, &k.Prefix, &k.CreatedAt, &k.LastUsedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("find api key: %w", err)
	}
	return k, nil
}

// TouchAPIKey records a use of the key.
func (s *Store) TouchAPIKey(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = now() WHERE id = $1::uuid`, id)
	if err != nil {
		return fmt.Errorf("touch api key: %w", err)
	}
	return nil
}

// APIKeys lists a workspace's keys, newest first, revoked ones included.
func (s *Store) APIKeys(ctx context.Context, workspaceID string) ([]APIKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, workspace_id, name, prefix, created_at, last_used_at, revoked_at
		FROM api_keys WHERE workspace_id = $1 ORDER BY created_at DESC`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (APIKey, error) {
		var k APIKey
		err := row.Scan(&k.ID, &k.WorkspaceID, &k.Name, &k.Prefix, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return keys, nil
}

// RevokeAPIKey revokes one of the workspace's keys.
func (s *Store) RevokeAPIKey(ctx context.Context, workspaceID, id string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
		WHERE workspace_id = $1 AND id::text = $2`, workspaceID, id)
	if err != nil {
		return fmt.Errorf("revoke api key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// SigningKey returns the PEM of the local signing key, creating it with
// create when there is none; concurrent starts agree on one key.
func (s *Store) SigningKey(ctx context.Context, id string, create func() (string, error)) (string, error) {
	var pemText string
	err := s.pool.QueryRow(ctx, `SELECT private_pem FROM signing_keys WHERE id = $1`, id).Scan(&pemText)
	if err == nil {
		return pemText, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("signing key: %w", err)
	}
	fresh, err := create()
	if err != nil {
		return "", err
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO signing_keys (id, private_pem) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET id = excluded.id RETURNING private_pem`, id, fresh).Scan(&pemText)
	if err != nil {
		return "", fmt.Errorf("store signing key: %w", err)
	}
	return pemText, nil
}

// DeleteAPIKey removes one of the workspace's keys outright.
func (s *Store) DeleteAPIKey(ctx context.Context, workspaceID, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM api_keys WHERE workspace_id = $1 AND id::text = $2`, workspaceID, id); err != nil {
		return fmt.Errorf("delete api key: %w", err)
	}
	return nil
}
