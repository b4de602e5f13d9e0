//! Unit tests of the configuration: secrets stay out of `Debug`.

use super::DatabaseUrl;

fn debug_of(url: &str) -> String {
    format!("{:?}", url.parse::<DatabaseUrl>().expect("any text parses"))
}

#[test]
fn debug_hides_the_password_in_the_user_info() {
    let shown = debug_of("postgres://accord:s3cret@db.example:5432/registry?sslmode=require");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(
        shown.contains("postgres://accord:***@db.example:5432/registry?sslmode=require"),
        "{shown}"
    );
}

#[test]
fn debug_hides_a_password_parameter() {
    let shown = debug_of(
        "postgresql://db.example/registry?user=accord&password=s3cret&sslmode=verify-full",
    );
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("password=***"), "{shown}");
    assert!(shown.contains("sslmode=verify-full"), "{shown}");
}

#[test]
fn a_url_without_password_is_shown_whole() {
    let shown = debug_of("postgres://postgres@127.0.0.1:5432/test");
    assert!(
        shown.contains("postgres://postgres@127.0.0.1:5432/test"),
        "{shown}"
    );
}

#[test]
fn only_postgres_schemes_name_postgres() {
    for (url, postgres) in [
        ("postgres://h/db", true),
        ("postgresql://h/db", true),
        ("sqlite://accord.db", false),
        ("mysql://h/db", false),
    ] {
        let parsed: DatabaseUrl = url.parse().expect("any text parses");
        assert_eq!(parsed.is_postgres(), postgres, "{url}");
    }
}
