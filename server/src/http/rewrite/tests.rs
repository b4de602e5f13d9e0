//! Unit tests of URI rewriting.

use super::*;

fn rw(uri: &str) -> String {
    let uri: Uri = uri.parse().unwrap();
    match rewrite(&uri).unwrap() {
        Some(new) => new.to_string(),
        None => uri.to_string(),
    }
}

#[test]
fn slashes_collapse() {
    assert_eq!(rw("/subjects/a//versions/"), "/subjects/a/versions");
    assert_eq!(rw("/"), "/");
}

#[test]
fn context_forms_qualify_subjects() {
    assert_eq!(
        rw("/contexts/.x/subjects/a/versions"),
        "/subjects/:.x:a/versions"
    );
    assert_eq!(rw("/contexts/x/config"), "/config/:.x:");
    assert_eq!(rw("/contexts/:.x:/mode/s"), "/mode/:.x:s");
    assert_eq!(
        rw("/contexts/.x/subjects"),
        "/subjects?subjectPrefix=%3A.x%3A"
    );
    assert_eq!(
        rw("/contexts/.x/schemas/ids/1"),
        "/schemas/ids/1?subject=%3A.x%3A"
    );
    assert_eq!(rw("/contexts"), "/contexts");
    assert_eq!(rw("/contexts/.x"), "/contexts/.x");
}

#[test]
fn colon_in_context_is_rejected() {
    let uri: Uri = "/contexts/a:b/subjects".parse().unwrap();
    assert_eq!(rewrite(&uri), Err(BadContext));
}
