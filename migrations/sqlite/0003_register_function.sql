-- PostgreSQL only: `migrations/postgres/0003_register_function.sql` moves the registration write
-- into one function to save round trips. SQLite runs in-process, where a round trip costs nothing,
-- so its store keeps the write in Rust; this file keeps the two folders' versions identical.
SELECT 1;
