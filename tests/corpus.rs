//! Every scenario file in `examples/` and `wpt-subset/` as its own named test, once per
//! engine whose observations the corpus records (`[fetch.expect]` for Chromium,
//! `[fetch.expect.firefox]` and `[fetch.expect.webkit]` for Firefox and WebKit), so a failure names the engine and the file (and
//! the fetch and key, in its message).

use std::path::PathBuf;

use fetchguard::scenario::{self, report};
use fetchguard::{Engine, Profile};

/// The engines the corpus holds real-browser observations for.
const ENGINES: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::Webkit];
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
    let trials = ENGINES
        .into_iter()
        .flat_map(|engine| files.iter().map(move |file| (engine, file.clone())))
        .map(|(engine, file)| {
            let path = file.strip_prefix(&root).unwrap_or(&file).display();
            let name = match engine {
                Engine::Chromium => path.to_string(),
                other => format!("{}: {path}", other.as_str()),
            };
            let runtime = runtime.clone();
            Trial::test(name, move || {
                let loaded = scenario::load_file(&file).map_err(|e| Failed::from(e.to_string()))?;
                let profile = Profile::for_engine(engine);
                let r = runtime.block_on(scenario::run_scenario_as(&loaded, profile));
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
