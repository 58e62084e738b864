//! Guard tests for the shape of binwheel-core, read from its sources.
//!
//! - The module graph has no cycle: every `crate::…` and `super::…` path in
//!   a module's code (not its comments, strings or `#[cfg(test)]` items)
//!   is an edge to the module it names. A module referring to one of its
//!   own ancestors (`super::Facts` in `inspect/elf.rs`) is inside that
//!   module, not an edge.
//! - No mutable state in statics: no `static mut`, no `thread_local!`, and
//!   no `static` whose type can change behind a shared reference (atomics,
//!   `Mutex`, `RwLock`, `OnceLock`, `LazyLock`, `Cell`, …). Constant tables
//!   (`static ROOT: Section`) are fine.
//! - Only `report.rs` writes to stderr (`eprint!`, `eprintln!`,
//!   `io::stderr()`); only `cli.rs` writes to stdout (`print!`,
//!   `println!`, `io::stdout()`): stdout is the CLI's result, for scripts,
//!   and printing it is what the CLI is for.
//! - No function is longer than 100 lines (from its `fn` line to its closing
//!   brace), except those on `BEING_CUT`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 100;

/// Functions over the limit that are not cut yet. Empty: every function
/// is within it. A function may go here only while another branch is
/// cutting it, with a comment naming that work.
const BEING_CUT: &[&str] = &[];

/// One source file of the crate: its module path and its code with comments,
/// string and char literals blanked and `#[cfg(test)]` items removed.
struct Module {
    file: String,
    path: Vec<String>,
    code: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn modules() -> Vec<Module> {
    let mut files = Vec::new();
    let mut stack = vec![src_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(src_dir()).unwrap().to_path_buf();
            let mut path: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            if path.last().is_some_and(|l| l == "mod" || l == "lib") {
                path.pop();
            }
            let text = std::fs::read_to_string(&file).unwrap();
            Module {
                file: rel.to_string_lossy().replace('\\', "/"),
                path,
                code: without_tests(&blank(&text)),
            }
        })
        .collect()
}

/// The text with comments and the contents of string and char literals
/// replaced by spaces (newlines kept, so line numbers stay right).
fn blank(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let keep = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(keep(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // r"…", r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('"');
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                out.push(keep(chars[j]));
                j += 1;
            }
            out.push('"');
            i = j;
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(keep(chars[i]));
                i += 1;
            }
            out.push('"');
            i += 1;
        } else if c == '\''
            && (next == Some('\\') || chars.get(i + 2) == Some(&'\''))
            && !ident_before(&chars, i)
        {
            // a char literal ('"', '\n', '\''), not a lifetime
            out.push(' ');
            i += 1;
            if chars.get(i) == Some(&'\\') {
                out.push(' ');
                i += 1;
            }
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Blank every item under `#[cfg(test)]` (the `mod tests` at the end of a
/// module, test-only helpers).
fn without_tests(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(at) = out.find("#[cfg(test)]") {
        let open = match (out[at..].find('{'), out[at..].find(';')) {
            (Some(b), Some(s)) if s < b => {
                blank_range(&mut out, at, at + s + 1);
                continue;
            }
            (Some(b), _) => at + b,
            (None, _) => out.len(),
        };
        let close = matching_brace(&out, open).unwrap_or(out.len() - 1);
        blank_range(&mut out, at, close + 1);
    }
    out
}

fn blank_range(text: &mut String, from: usize, to: usize) {
    let blanked: String = text[from..to]
        .chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect();
    text.replace_range(from..to, &blanked);
}

/// The index of the `}` that closes the `{` at `open`.
fn matching_brace(code: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in code[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path a `crate::`/`super::` reference at `at` names, with use groups
/// expanded: `crate::{a::X, b}` → `a::X`, `b`.
fn use_paths(code: &str, at: usize) -> Vec<Vec<String>> {
    let mut prefix = Vec::new();
    let mut rest = code[at..].trim_start();
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let close = matching_brace(rest, 0).unwrap_or(rest.len());
            let inner = &group[..close.saturating_sub(1)];
            let mut found = Vec::new();
            for item in split_top_level(inner) {
                for tail in use_paths(item.trim(), 0) {
                    // `self` in a group names the prefix itself
                    let mut p = prefix.clone();
                    p.extend(tail.into_iter().filter(|s| s != "self"));
                    found.push(p);
                }
            }
            return found;
        }
        let ident: String = rest.chars().take_while(|c| is_ident(*c)).collect();
        if ident.is_empty() {
            break;
        }
        prefix.push(ident.clone());
        rest = &rest[ident.len()..];
        let trimmed = rest.trim_start();
        if let Some(after) = trimmed.strip_prefix("::") {
            rest = after.trim_start();
        } else {
            break;
        }
    }
    vec![prefix]
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Module → the modules it refers to.
fn module_graph(modules: &[Module]) -> BTreeMap<String, BTreeSet<String>> {
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let name = |p: &[String]| {
        if p.is_empty() {
            "crate".to_string()
        } else {
            p.join("::")
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in modules {
        let edges = graph.entry(name(&m.path)).or_default();
        let code = &m.code;
        for keyword in ["crate::", "super::"] {
            for (at, _) in code.match_indices(keyword) {
                if at > 0 && is_ident(code[..at].chars().last().unwrap()) {
                    continue;
                }
                let mut base: Vec<String> = Vec::new();
                let mut start = at + keyword.len();
                if keyword == "super::" {
                    // `super::super::x` climbs once per `super`
                    base = m.path.clone();
                    base.pop();
                    while code[start..].starts_with("super::") {
                        base.pop();
                        start += "super::".len();
                    }
                }
                for tail in use_paths(code, start) {
                    let mut full = base.clone();
                    full.extend(tail);
                    // the longest prefix that is a module
                    let target = (0..=full.len())
                        .rev()
                        .map(|n| full[..n].to_vec())
                        .find(|p| known.contains(p))
                        .unwrap_or_default();
                    if !m.path.starts_with(&target) {
                        edges.insert(name(&target));
                    }
                }
            }
        }
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_module_graph_has_no_cycle() {
    let modules = modules();
    let graph = module_graph(&modules);
    // The graph is real: the layers the architecture names are edges.
    for (from, to) in [
        ("backend", "plan"),
        ("plan", "source"),
        ("plan", "linkage"),
        ("check::linkage", "linkage"),
        ("source", "project"),
        ("project", "settings"),
        ("settings", "template"),
        ("source", "download"),
        ("check::report", "json"),
        ("plan", "check::signature"),
        ("check::signature", "inspect"),
        ("download", "report"),
    ] {
        assert!(
            graph[from].contains(to),
            "expected {from} -> {to} in {graph:#?}"
        );
    }
    // A module's reference to its parent is inside it, not an edge.
    assert!(!graph["check::sdist"].contains("check"), "{graph:#?}");
    if let Some(cycle) = find_cycle(&graph) {
        let listing: Vec<String> = graph
            .iter()
            .map(|(from, to)| {
                format!(
                    "  {from} -> {}",
                    to.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        panic!(
            "binwheel-core's modules import each other in a cycle: {}\nthe graph:\n{}",
            cycle.join(" -> "),
            listing.join("\n")
        );
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    assert_eq!(
        find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "b")])),
        Some(vec!["b".to_string(), "c".to_string(), "b".to_string()])
    );
    assert_eq!(
        find_cycle(&graph(&[("a", "b"), ("a", "c"), ("b", "c")])),
        None
    );
    // A parsed example: groups, `super::` and comments.
    let module = |path: &str, text: &str| Module {
        file: String::new(),
        path: path.split("::").map(String::from).collect(),
        code: without_tests(&blank(text)),
    };
    let g = module_graph(&[
        module("a", "use crate::{b::X, c::{self, Y}};\n// crate::d\n"),
        module("b", "fn f() { super::c::g(\"crate::d\") }"),
        module(
            "c",
            "#[cfg(test)]\nmod tests { use crate::a; }\nuse crate::b;",
        ),
        module("d", ""),
    ]);
    assert_eq!(g["a"], ["b", "c"].iter().map(|s| s.to_string()).collect());
    assert_eq!(g["b"], ["c"].iter().map(|s| s.to_string()).collect());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["b".into(), "c".into(), "b".into()])
    );
}

/// Word-bounded occurrences of `needle` in `code`, as 1-based line numbers.
fn lines_with(code: &str, needle: &str) -> Vec<usize> {
    code.match_indices(needle)
        .filter(|(at, _)| *at == 0 || !is_ident(code[..*at].chars().last().unwrap()))
        .map(|(at, _)| code[..at].matches('\n').count() + 1)
        .collect()
}

#[test]
fn no_mutable_statics_and_output_only_where_it_belongs() {
    const INTERIOR: &[&str] = &[
        "Atomic",
        "Mutex",
        "RwLock",
        "OnceLock",
        "OnceCell",
        "LazyLock",
        "LazyCell",
        "Cell",
        "RefCell",
        "UnsafeCell",
    ];
    let mut problems = Vec::new();
    for m in modules() {
        let code = &m.code;
        for line in lines_with(code, "thread_local!") {
            problems.push(format!("{}:{line}: thread_local! state", m.file));
        }
        for (at, _) in code.match_indices("static ") {
            if at > 0 && is_ident(code[..at].chars().last().unwrap()) {
                continue;
            }
            let line = code[..at].matches('\n').count() + 1;
            let decl = &code[at..code[at..].find(['=', ';']).map_or(code.len(), |e| at + e)];
            if decl.starts_with("static mut ") {
                problems.push(format!("{}:{line}: `static mut`", m.file));
            } else if let Some(ty) = decl.split_once(':').map(|(_, ty)| ty) {
                if let Some(word) = INTERIOR
                    .iter()
                    .find(|w| ty.split(|c: char| !is_ident(c)).any(|t| t.starts_with(*w)))
                {
                    problems.push(format!(
                        "{}:{line}: a static holding state ({word}): {}",
                        m.file,
                        decl.trim()
                    ));
                }
            }
        }
        let rules: [(&str, &[&str]); 2] = [
            ("report.rs", &["eprint!", "eprintln!", "io::stderr()"]),
            ("cli.rs", &["print!", "println!", "io::stdout()"]),
        ];
        for (home, macros) in rules {
            if m.file == home {
                continue;
            }
            for needle in macros {
                for line in lines_with(code, needle) {
                    problems.push(format!(
                        "{}:{line}: `{needle}` outside {home} (report through a Reporter)",
                        m.file
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_static_and_output_rules_see_what_they_must() {
    let code = blank(
        "static A: AtomicBool = AtomicBool::new(false);\nstatic mut B: u8 = 0;\nstatic C: Section = S;\nfn f() { eprintln!(\"x\"); let s = \"println!\"; }\n",
    );
    assert_eq!(lines_with(&code, "eprintln!"), vec![4]);
    assert!(lines_with(&code, "println!").is_empty());
    assert_eq!(lines_with(&code, "static "), vec![1, 2, 3]);
}

/// Every function with a body: (`file: Type::name` or `file: name`, first line, line count).
fn functions(m: &Module) -> Vec<(String, usize, usize)> {
    let code = &m.code;
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    // `impl … {` blocks: (type, opening brace, closing brace)
    let mut impls: Vec<(String, usize, usize)> = Vec::new();
    for (at, _) in code.match_indices("impl") {
        let word_start = at == 0 || !is_ident(code[..at].chars().last().unwrap());
        let word_end = code[at + 4..].starts_with([' ', '<']);
        if !(word_start && word_end) {
            continue;
        }
        let Some(open) = code[at..].find(['{', ';']).map(|o| at + o) else {
            continue;
        };
        if &code[open..open + 1] != "{" || code[at..open].contains("fn") {
            continue;
        }
        let head = &code[at + 4..open];
        let head = head.split(" for ").last().unwrap_or(head);
        let ty: String = head
            .split_whitespace()
            .find(|w| w.starts_with(|c: char| c.is_uppercase()))
            .unwrap_or("")
            .chars()
            .take_while(|c| is_ident(*c))
            .collect();
        if let Some(close) = matching_brace(code, open) {
            impls.push((ty, open, close));
        }
    }
    let mut found = Vec::new();
    for (at, _) in code.match_indices("fn ") {
        if at > 0 && is_ident(code[..at].chars().last().unwrap()) {
            continue;
        }
        let name: String = code[at + 3..]
            .trim_start()
            .chars()
            .take_while(|c| is_ident(*c))
            .collect();
        if name.is_empty() {
            continue;
        }
        // the body: the first `{` at bracket depth 0 before a `;`
        let mut depth = 0i32;
        let mut body = None;
        for (i, c) in code[at..].char_indices() {
            match c {
                '(' | '[' | '<' => depth += 1,
                ')' | ']' => depth -= 1,
                '>' if !code[..at + i].ends_with('-') => depth -= 1,
                '{' if depth <= 0 => {
                    body = Some(at + i);
                    break;
                }
                ';' if depth <= 0 => break,
                _ => {}
            }
        }
        let Some(open) = body else { continue };
        let Some(close) = matching_brace(code, open) else {
            continue;
        };
        // the innermost impl block around this fn
        let owner = impls
            .iter()
            .filter(|(_, open, end)| *open < at && *end > close)
            .min_by_key(|(_, _, end)| *end)
            .map(|(ty, _, _)| ty.clone());
        let first = line_of(at);
        let label = match owner {
            Some(ty) if !ty.is_empty() => format!("{}: {ty}::{name}", m.file),
            _ => format!("{}: {name}", m.file),
        };
        found.push((label, first, line_of(close) - first + 1));
    }
    found
}

#[test]
fn no_function_is_longer_than_100_lines() {
    let mut long = Vec::new();
    let mut still_long: BTreeSet<&str> = BTreeSet::new();
    for m in modules() {
        for (label, line, count) in functions(&m) {
            if count <= MAX_LINES {
                continue;
            }
            match BEING_CUT.iter().find(|a| **a == label) {
                Some(allowed) => {
                    still_long.insert(allowed);
                }
                None => long.push(format!("{label} (line {line}): {count} lines")),
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_LINES} lines; cut each into named steps:\n{}",
        long.join("\n")
    );
    let done: Vec<_> = BEING_CUT
        .iter()
        .filter(|a| !still_long.contains(*a))
        .collect();
    assert!(
        done.is_empty(),
        "these are no longer over {MAX_LINES} lines; take them off BEING_CUT: {done:?}"
    );
}

#[test]
fn function_lengths_are_measured_from_fn_to_closing_brace() {
    let m = Module {
        file: "x.rs".into(),
        path: vec!["x".into()],
        code: without_tests(&blank(
            "impl<T> Foo<T> {\n    pub fn a(&self) -> Vec<u8> {\n        let x = \"}\";\n    }\n}\nfn b(f: impl Fn() -> u8)\n{\n}\ntrait T { fn c(&self); }\n#[cfg(test)]\nmod tests { fn d() {} }\n",
        )),
    };
    assert_eq!(
        functions(&m),
        vec![
            ("x.rs: Foo::a".to_string(), 2, 3),
            ("x.rs: b".to_string(), 6, 3)
        ]
    );
}
