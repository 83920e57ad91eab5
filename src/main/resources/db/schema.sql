-- Portable between H2 2.x and PostgreSQL 15: every statement must be safe to run at each start.
CREATE TABLE IF NOT EXISTS oneflow_account (
    account_id   BIGINT PRIMARY KEY,
    api_token    VARCHAR(512),
    user_email   VARCHAR(320),
    account_name VARCHAR(512),
    status       VARCHAR(16) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
