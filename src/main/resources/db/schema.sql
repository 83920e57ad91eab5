-- Portable between H2 2.x and PostgreSQL 15: every statement must be safe to run at each start.
-- Statements are split at semicolons: none may appear inside a statement or a comment.
CREATE TABLE IF NOT EXISTS oneflow_account (
    account_id   BIGINT PRIMARY KEY,
    api_token    VARCHAR(512),
    user_email   VARCHAR(320),
    account_name VARCHAR(512),
    status       VARCHAR(16) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The ONEiO outbox: a message is stored here before its 202 and leaves only as DELIVERED or FAILED.
-- payload is a large VARCHAR, not a CLOB: on H2 a CLOB made inserts about ten times slower.
CREATE TABLE IF NOT EXISTS oneio_outbox (
    id              VARCHAR(36) PRIMARY KEY,
    idempotency_key VARCHAR(255) UNIQUE,
    payload         VARCHAR(1048576) NOT NULL,
    status          VARCHAR(16) NOT NULL,
    attempts        INTEGER NOT NULL,
    -- QUEUED: when the next attempt is due. DELIVERING: when lease_owner's claim runs out.
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner     VARCHAR(36),
    last_status     INTEGER,
    last_error      VARCHAR(1100),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at    TIMESTAMP WITH TIME ZONE
);

CREATE INDEX IF NOT EXISTS oneio_outbox_due ON oneio_outbox (status, next_attempt_at);
-- Claimed rows are read back by id: an index on lease_owner only made every insert, claim and outcome write more.
DROP INDEX IF EXISTS oneio_outbox_lease;
