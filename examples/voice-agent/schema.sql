CREATE TABLE IF NOT EXISTS agents (
    id              SERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    phone_number    TEXT NOT NULL UNIQUE,
    greeting        TEXT NOT NULL,
    system_prompt   TEXT NOT NULL,
    voice           TEXT NOT NULL DEFAULT 'Polly.Amy',
    language        TEXT NOT NULL DEFAULT 'en-IE',
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS calls (
    call_sid          TEXT PRIMARY KEY,
    agent_id          INTEGER REFERENCES agents(id),
    caller            TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'in-progress',
    started_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at          TIMESTAMPTZ,
    duration_seconds  INTEGER
);

CREATE TABLE IF NOT EXISTS call_turns (
    id          BIGSERIAL PRIMARY KEY,
    call_sid    TEXT NOT NULL REFERENCES calls(call_sid),
    caller_text TEXT NOT NULL,
    agent_text  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS call_summaries (
    call_sid    TEXT PRIMARY KEY REFERENCES calls(call_sid),
    caller      TEXT NOT NULL,
    summary     TEXT NOT NULL,
    sentiment   TEXT,
    started_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS recordings (
    recording_sid  TEXT PRIMARY KEY,
    call_sid       TEXT NOT NULL REFERENCES calls(call_sid),
    file_name      TEXT NOT NULL,
    duration       INTEGER,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
