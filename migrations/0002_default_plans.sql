-- +goose Up
INSERT INTO plans (code, name, monthly_price_cents, position) VALUES
    ('starter', 'Starter', 4900, 1),
    ('growth', 'Growth', 14900, 2),
    ('scale', 'Scale', 49900, 3);

INSERT INTO plan_entitlements (plan_code, kind, included, line_cap, addon_price_cents) VALUES
    ('starter', 'phone/purchased', 1, 1, NULL),
    ('growth', 'phone/purchased', 2, 10, 2000),
    ('growth', 'phone/byon', 2, 10, 1000),
    ('growth', 'email', 1, 5, 800),
    ('scale', 'phone/purchased', 10, 100, 1500),
    ('scale', 'phone/byon', 10, 100, 800),
    ('scale', 'email', 10, 100, 500);

-- +goose Down
DELETE FROM plan_entitlements;
DELETE FROM plans;
