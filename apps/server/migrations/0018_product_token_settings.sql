-- Issue H: per-product token settings. A product may sign its licenses' activation tokens with a key of
-- its own: its algorithm (EdDSA or RS256), issuer and audience, so a vendor with an existing client (seed
-- 000: RS256, iss flowlytix-licensing, aud flowlytix-app) moves to Keyward without a client release.
-- The settings live on the product's key: changing them makes a new key and the old one keeps verifying
-- its tokens, with the issuer and audience they were signed with, through an overlap.
alter table signing_keys add column product_id uuid references products(id) on delete cascade;
alter table signing_keys add column issuer text;
alter table signing_keys add column audience text;
drop index signing_keys_one_active;
create unique index signing_keys_one_active on signing_keys (account_id) where status = 'active' and product_id is null;
create unique index signing_keys_one_active_per_product on signing_keys (product_id)
  where status = 'active' and product_id is not null;
