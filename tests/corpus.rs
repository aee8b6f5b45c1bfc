//! Every scenario file in `examples/` and `wpt-subset/` as its own named test, so a
//! failure names the file (and the fetch and key, in its message).

use std::path::PathBuf;

use fetchguard::scenario::{self, report};
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = scenario::discover(&[root.join("examples"), root.join("wpt-subset")])
        .expect("the corpus directories exist");
    let runtime = std::sync::Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime"),
    );
    let trials = files
        .into_iter()
        .map(|file| {
            let name = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let runtime = runtime.clone();
            Trial::test(name, move || {
                let loaded = scenario::load_file(&file).map_err(|e| Failed::from(e.to_string()))?;
                let r = runtime.block_on(scenario::run_scenario(&loaded));
                if r.passed() {
                    Ok(())
                } else {
                    Err(Failed::from(report::render_scenario(
                        &r,
                        report::Style::new(false),
                    )))
                }
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
