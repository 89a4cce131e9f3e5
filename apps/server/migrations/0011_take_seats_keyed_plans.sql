-- keyward_take_seats (0010) looks up licenses, seats and blocks only by key, so an index scan is always
-- the right plan. Its plans are cached per connection, though, and when they are made from statistics
-- taken while `activations` was tiny (a new install's first autovacuum analyze) the planner picks
-- sequential scans, which stay until the next analyze while the table grows. Measured with
-- bench/ab-activation.ts on databases analyzed with 200 licenses and no activation yet, then activations at
-- 32 connections in alternating 4 s rounds: 1,006 req/s, against 1,794 req/s with sequential scans ruled
-- out for this function. With ordinary statistics the two are equal (1.02×).
alter function keyward_take_seats(jsonb) set enable_seqscan = off;
