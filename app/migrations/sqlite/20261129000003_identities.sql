-- Accounts signed in through an OpenID Connect provider (FranceConnect or the commune's
-- own): one row per identity, keyed on the provider's issuer and its subject identifier,
-- never on the e-mail (an address can change at the provider, the subject cannot).
CREATE TABLE user_identities (
    issuer       TEXT   NOT NULL,
    subject      TEXT   NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);
