//! Dependencies inside the crate run one way: each module imports only modules of lower layers
//! (read from the source, so that a new import that loops fails here).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

/// Each module and the modules it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("swar", &[]),
    ("error_code", &[]),
    ("issue_code", &[]),
    ("fields", &["issue_code", "swar"]),
    ("read", &["fields", "swar"]),
    ("map", &["fields", "read"]),
    ("validate", &["fields", "issue_code", "map", "read", "swar"]),
    ("user", &["fields", "issue_code"]),
    ("wire", &["error_code", "fields", "issue_code", "user"]),
    ("write", &["fields", "user"]),
    ("workbook", &["write"]),
    ("fix", &["fields", "map", "read", "validate", "write"]),
    (
        "plan",
        &[
            "error_code",
            "fields",
            "issue_code",
            "map",
            "read",
            "validate",
            "user",
            "wire",
            "swar",
        ],
    ),
    (
        "engine",
        &["fields", "fix", "map", "read", "validate", "swar"],
    ),
    (
        "api",
        &["error_code", "fields", "plan", "validate", "wire", "user"],
    ),
    ("console", &["api", "fields", "user"]),
    (
        "import",
        &["api", "fields", "map", "plan", "user", "validate", "wire"],
    ),
    (
        "preview",
        &["api", "fix", "map", "plan", "read", "validate", "wire"],
    ),
    (
        "testgen",
        &[
            "fields", "map", "plan", "user", "validate", "wire", "write", "engine",
        ],
    ),
];

fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("inside src");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_import_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = vec![];
    walk(&src, &mut files);
    let mut bad = vec![];
    for f in files {
        let m = module_of(&src, &f);
        // Test modules (`tests.rs`, `*_tests.rs`) may use anything.
        let test_file = f
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with("tests.rs"));
        if m == "lib" || test_file {
            continue;
        }
        let Some(ok) = allowed.get(m.as_str()) else {
            bad.push(format!("{m}: not in the layer table"));
            continue;
        };
        let text = std::fs::read_to_string(&f).expect("read");
        // Unit tests (after `#[cfg(test)]`, at the end of a file) may use anything.
        let code = text.lines().take_while(|l| l.trim() != "#[cfg(test)]");
        for line in code.filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + 7..];
                let used: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if used != m && allowed.contains_key(used.as_str()) && !ok.contains(&used.as_str())
                {
                    bad.push(format!("{} uses crate::{used}", f.display()));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "imports against the layers:\n{}",
        bad.join("\n")
    );
}
