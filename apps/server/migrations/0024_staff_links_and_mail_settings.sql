-- Issue K: staff invitations and password resets by one-time, expiring links.
--
-- An invited user has no password until they follow their link.
alter table users alter column password_hash drop not null;
alter table users drop constraint if exists users_status_check;
alter table users add constraint users_status_check check (status in ('active', 'disabled', 'invited'));

-- A link's token is only compared, so only its keyed digest is kept (like refresh tokens); the token itself
-- travels sealed in its email's data until the email is pruned.
create table user_links (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  purpose text not null check (purpose in ('invitation', 'password_reset')),
  token_digest text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index user_links_user on user_links (user_id, purpose);
