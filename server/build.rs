//! Rebuilds the server when a migration changes: `sqlx::migrate!` embeds `migrations/sqlite` and `migrations/postgres` at compile time.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
