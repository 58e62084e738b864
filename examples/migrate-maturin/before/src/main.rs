//! hellors: prints its version, or greets each argument.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--version") {
        println!("hellors {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    for name in &args {
        println!("hello, {name}");
    }
}
