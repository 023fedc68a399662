//! The crate README (what bank IT reads) lists every accepted header of every table.

use copilot_import::TableKind;

#[test]
fn readme_lists_every_accepted_header() {
    let readme = include_str!("../README.md");
    for (kind, title) in [
        (TableKind::Clients, "### Clients"),
        (TableKind::Products, "### Products"),
        (TableKind::Holdings, "### Holdings"),
    ] {
        let start = readme.find(title).expect("section");
        let section = &readme[start..];
        let end = section[4..]
            .find("\n## ")
            .or_else(|| section[4..].find("\n### "))
            .map_or(section.len(), |e| e + 4);
        let section = &section[..end];
        for spec in kind.columns() {
            let row = section
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", spec.field)))
                .unwrap_or_else(|| panic!("{title}: no row for {}", spec.field));
            for header in spec.headers {
                assert!(
                    row.contains(header),
                    "{title}: {} lacks header {header}",
                    spec.field
                );
            }
        }
    }
}
