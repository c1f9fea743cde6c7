-- +goose Up

-- The plan catalog is data: each plan has one row per kind it allows.
CREATE TABLE plans (
    code                text PRIMARY KEY,
    name                text NOT NULL,
    monthly_price_cents integer NOT NULL CHECK (monthly_price_cents >= 0),
    position            integer NOT NULL DEFAULT 0
);

CREATE TABLE plan_entitlements (
    plan_code         text NOT NULL REFERENCES plans (code) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('phone/purchased', 'phone/byon', 'email')),
    included          integer NOT NULL CHECK (included >= 0),
    line_cap          integer NOT NULL CHECK (line_cap >= included),
    addon_price_cents integer CHECK (addon_price_cents > 0),
    PRIMARY KEY (plan_code, kind),
    -- A plan that lets a kind grow past its included lines must price the add-on.
    CHECK (line_cap = included OR addon_price_cents IS NOT NULL)
);

CREATE TABLE workspaces (
    id         text PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE subscriptions (
    workspace_id             text PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    plan_code                text NOT NULL REFERENCES plans (code),
    status                   text NOT NULL CHECK (status IN ('active', 'trialing', 'past_due', 'incomplete', 'canceled')),
    provider_subscription_id text,
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE line_requests (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id      text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('phone/purchased', 'phone/byon', 'email')),
    first_name        text NOT NULL,
    last_name         text NOT NULL,
    email             text,
    phone             text,
    zipcode           text,
    state             text,
    forward_calls_to  text,
    profile_image_url text,
    status            text NOT NULL CHECK (status IN ('awaiting_payment', 'provisioning', 'active', 'failed', 'canceled')),
    payment_status    text NOT NULL CHECK (payment_status IN ('not_required', 'unpaid', 'paid', 'void')),
    failure_reason    text,
    activated_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- The rule "one unpaid request per workspace" lives here, not only in Go.
CREATE UNIQUE INDEX line_requests_one_awaiting_payment
    ON line_requests (workspace_id) WHERE status = 'awaiting_payment';
-- Keyset paging of a workspace's requests, newest first.
CREATE INDEX line_requests_workspace_recent ON line_requests (workspace_id, created_at DESC, id DESC);
-- Capacity counts touch only lines that hold a slot.
CREATE INDEX line_requests_workspace_used ON line_requests (workspace_id, kind)
    WHERE status IN ('provisioning', 'active');
-- The operators' queue across workspaces, oldest first.
CREATE INDEX line_requests_pending ON line_requests (created_at, id)
    WHERE status IN ('awaiting_payment', 'provisioning');

CREATE TABLE line_request_events (
    id              bigserial PRIMARY KEY,
    line_request_id uuid NOT NULL REFERENCES line_requests (id) ON DELETE CASCADE,
    from_status     text,
    to_status       text NOT NULL,
    actor           text NOT NULL,
    note            text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX line_request_events_request ON line_request_events (line_request_id, id);

-- Our record of each add-on invoice, whichever provider issued it.
CREATE TABLE invoices (
    id              text PRIMARY KEY,
    workspace_id    text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    line_request_id uuid NOT NULL REFERENCES line_requests (id) ON DELETE CASCADE,
    kind            text NOT NULL,
    amount_cents    integer NOT NULL CHECK (amount_cents > 0),
    status          text NOT NULL CHECK (status IN ('open', 'paid', 'void')),
    hosted_url      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    paid_at         timestamptz
);
CREATE INDEX invoices_request ON invoices (line_request_id, created_at DESC);
-- A paid invoice is a paid add-on of its kind; counting them uses this index.
CREATE INDEX invoices_paid_addons ON invoices (workspace_id, kind) WHERE status = 'paid';
CREATE INDEX invoices_workspace_recent ON invoices (workspace_id, created_at DESC);

CREATE TABLE idempotency_keys (
    workspace_id    text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key             text NOT NULL,
    fingerprint     text NOT NULL,
    line_request_id uuid REFERENCES line_requests (id) ON DELETE SET NULL,
    response_code   integer,
    response_body   bytea,
    locked_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at DESC);

-- The local billing provider's own books: what a hosted-invoice service would keep.
CREATE TABLE local_invoices (
    id              text PRIMARY KEY,
    token           text NOT NULL UNIQUE,
    idempotency_key text NOT NULL UNIQUE,
    workspace_id    text NOT NULL,
    description     text NOT NULL,
    amount_cents    integer NOT NULL,
    status          text NOT NULL CHECK (status IN ('open', 'paid', 'void')),
    metadata        jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    paid_at         timestamptz,
    voided_at       timestamptz
);

-- Keys that sign local session tokens, kept so sessions survive a restart.
CREATE TABLE signing_keys (
    id          text PRIMARY KEY,
    private_pem text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE signing_keys, local_invoices, api_keys, idempotency_keys, invoices,
    line_request_events, line_requests, subscriptions, workspaces, plan_entitlements, plans;
