-- Mindful schema. Loaded by the postgres container on first start.
CREATE EXTENSION IF NOT EXISTS "pgcrypto";

CREATE TABLE IF NOT EXISTS tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id           uuid NOT NULL REFERENCES tenants(id),
    email               text NOT NULL UNIQUE,
    display_name        text,
    plan                text NOT NULL DEFAULT 'free',
    stripe_customer_id  text,
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS agents (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL REFERENCES tenants(id),
    owner_id       uuid NOT NULL REFERENCES users(id),
    name           text NOT NULL,
    voice_style    text NOT NULL DEFAULT 'calm',
    system_prompt  text NOT NULL,
    language       text NOT NULL DEFAULT 'en',
    is_public      boolean NOT NULL DEFAULT false,
    avatar_url     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS agents_tenant_id_idx ON agents (tenant_id);

CREATE TABLE IF NOT EXISTS sessions (
    id                uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants(id),
    user_id           uuid NOT NULL REFERENCES users(id),
    agent_id          uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    intention         text NOT NULL,
    mood              text,
    health_notes      text,
    script            text,
    status            text NOT NULL DEFAULT 'pending',
    audio_url         text,
    duration_seconds  real,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS sessions_user_id_idx ON sessions (user_id);

CREATE TABLE IF NOT EXISTS session_feedback (
    id          bigserial PRIMARY KEY,
    session_id  uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    rating      smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO tenants (id, name)
VALUES ('00000000-0000-0000-0000-000000000001', 'Mindful')
ON CONFLICT DO NOTHING;

INSERT INTO users (id, tenant_id, email, display_name, plan)
VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001',
        'founder@mindful.app', 'Founder', 'premium')
ON CONFLICT DO NOTHING;
