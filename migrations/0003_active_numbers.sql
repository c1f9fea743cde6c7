-- +goose Up
-- A phone number belongs to at most one active line.
CREATE UNIQUE INDEX line_requests_active_phone ON line_requests (phone)
    WHERE status = 'active' AND kind <> 'email';

-- +goose Down
DROP INDEX line_requests_active_phone;
