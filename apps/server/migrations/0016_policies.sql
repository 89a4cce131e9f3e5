-- Issue H: every behaviour that differs between license types and models is a named policy field
-- (apps/server/src/policies/policy.ts). A plan stores its overrides of its type's and model's defaults;
-- a license copies its plan's at issue and may override them again. '{}' means "the defaults".
alter table plans add column policy jsonb not null default '{}'::jsonb;
alter table licenses add column policy jsonb not null default '{}'::jsonb;

-- A term that starts on first use (policy expiration_basis from_first_activation / from_first_validation):
-- `term_days` holds its length and `expires_at` stays null until the first activation or validation
-- sets it (once, with a conditional update, whichever process gets there first).
alter table licenses add column term_days int check (term_days > 0);
