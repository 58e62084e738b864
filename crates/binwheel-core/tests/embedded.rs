//! What the compilers embedded in the real fixture binaries: Go build info in
//! ELF, Mach-O and PE, cargo-auditable's crate list, read through a file and
//! from memory alike.

mod common;

use binwheel_core::inspect::{embedded_bytes, embedded_file, Embedded};
use common::{fixture, read_fixture};

fn embedded(name: &str) -> Vec<Embedded> {
    let from_file = embedded_file(&fixture(name)).unwrap();
    assert_eq!(from_file, embedded_bytes(&read_fixture(name)), "{name}");
    from_file
}

#[test]
fn go_build_info_in_every_format() {
    for (name, goos, goarch) in [
        ("go-deps-linux-amd64", "linux", "amd64"),
        ("go-deps-darwin-arm64", "darwin", "arm64"),
        ("go-deps-windows-amd64.exe", "windows", "amd64"),
    ] {
        let slices = embedded(name);
        assert_eq!(slices.len(), 1, "{name}");
        assert!(
            slices[0].problems.is_empty(),
            "{name}: {:?}",
            slices[0].problems
        );
        let go = slices[0]
            .go
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no build info"));
        assert!(
            go.go_version.starts_with("go1."),
            "{name}: {}",
            go.go_version
        );
        assert_eq!(go.path, "binwheel.invalid/depsapp");
        let main = go.main.as_ref().unwrap();
        assert_eq!(
            (main.path.as_str(), main.version.as_str()),
            ("binwheel.invalid/depsapp", "(devel)")
        );
        let deps: Vec<(&str, &str, &str)> = go
            .deps
            .iter()
            .map(|d| {
                (
                    d.path.as_str(),
                    d.version.as_str(),
                    d.replace.as_ref().unwrap().path.as_str(),
                )
            })
            .collect();
        assert_eq!(
            deps,
            [
                ("binwheel.invalid/answer", "v0.4.0", "../answer"),
                ("binwheel.invalid/greet", "v1.2.3", "../greet"),
            ],
            "{name}"
        );
        assert_eq!(go.setting("GOOS"), Some(goos), "{name}");
        assert_eq!(go.setting("GOARCH"), Some(goarch), "{name}");
        assert_eq!(go.setting("-trimpath"), Some("true"), "{name}");
        assert!(slices[0].cargo.is_none());
    }
    // The Go fixture without dependencies has build info too, and no deps.
    let go = embedded("go-linux-amd64").remove(0).go.unwrap();
    assert!(go.deps.is_empty());
    assert_eq!(go.setting("CGO_ENABLED"), Some("0"));
}

#[test]
fn c_binaries_embed_nothing() {
    for name in [
        "linux-x86_64-glibc234",
        "macos-arm64-11",
        "windows-x86_64.exe",
    ] {
        let slices = embedded(name);
        assert!(
            slices.iter().all(|s| s.is_empty() && s.problems.is_empty()),
            "{name}: {slices:?}"
        );
    }
    // A fat Mach-O gives one entry per slice.
    let slices = embedded("macos-universal2");
    let cpus: Vec<Option<&str>> = slices.iter().map(|s| s.slice.as_deref()).collect();
    assert_eq!(cpus, [Some("x86_64"), Some("arm64")]);
}

#[test]
fn cargo_auditable_crates() {
    let slices = embedded("rust-auditable-linux-x86_64");
    assert!(slices[0].problems.is_empty(), "{:?}", slices[0].problems);
    let cargo = slices[0].cargo.as_ref().expect("a .dep-v0 section");
    let crates: Vec<(&str, &str, &str, bool)> = cargo
        .packages
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.source.as_str(),
                p.root,
            )
        })
        .collect();
    assert_eq!(
        crates,
        [
            ("itoa", "1.0.15", "crates.io", false),
            ("rustdeps", "0.3.0", "local", true),
            ("ryu", "1.0.20", "crates.io", false),
        ]
    );
    assert_eq!(cargo.root().unwrap().dependencies, [0, 2]);
    assert!(
        slices[0]
            .rustc
            .as_deref()
            .is_some_and(|v| v.starts_with("1.")),
        "{:?}",
        slices[0].rustc
    );
    assert!(slices[0].go.is_none());
}
