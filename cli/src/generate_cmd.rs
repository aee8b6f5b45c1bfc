//! `fetchguard verify --generate N --seed S`: differential generation against Chromium.
//! Each generated scenario runs in the engine and in Chromium (the `verify` path); each
//! disagreement is shrunk (re-running Chromium at each step) and written as a scenario
//! file with Chromium's observations as its expectations.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fetchguard::oracle::generate::{GenScenario, generate, known_difference};
use fetchguard::oracle::shrink::shrink;
use fetchguard::oracle::{self, Difference};
use fetchguard::scenario::{self, FetchObservation};

use super::verify_cmd::{ScenarioVerdict, chromium_path, render, summary, verify_one};

/// The arguments of `fetchguard verify --generate`.
pub(crate) struct GenerateArgs {
    pub count: u64,
    pub seed: u64,
    /// (I, K): the scenarios whose index % K == I - 1.
    pub shard: (u64, u64),
    pub out: PathBuf,
    pub chromium: Option<PathBuf>,
    pub jobs: usize,
    /// Predicate calls (Chromium runs) allowed per shrink.
    pub budget: usize,
}

/// Parses `I/K` (1 <= I <= K).
pub(crate) fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, k) = s
        .split_once('/')
        .ok_or_else(|| format!("--shard must be I/K (e.g. 2/4): '{s}'"))?;
    let i: u64 = i
        .trim()
        .parse()
        .map_err(|_| format!("--shard: bad I in '{s}'"))?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| format!("--shard: bad K in '{s}'"))?;
    if k == 0 || i == 0 || i > k {
        return Err(format!("--shard: need 1 <= I <= K: '{s}'"));
    }
    Ok((i, k))
}

/// Exit 2 when a --generate option (`given`: --seed, --shard, --out; and
/// --shrink-budget) is used without --generate.
pub(crate) fn refuse_without_generate(
    given: [bool; 3],
    budget: Option<usize>,
) -> Result<(), ExitCode> {
    let flags = ["--seed", "--shard", "--out"];
    let flag = flags
        .iter()
        .zip(given)
        .find(|(_, g)| *g)
        .map(|(f, _)| *f)
        .or(budget.map(|_| "--shrink-budget"));
    match flag {
        Some(flag) => {
            eprintln!("fetchguard verify: {flag} needs --generate N");
            Err(ExitCode::from(2))
        }
        None => Ok(()),
    }
}

/// The key a shrink must keep disagreeing on: wire indices dropped (`wire[].headers.x`),
/// since removing a redirect renumbers the requests.
fn signature(key: &str) -> String {
    match (key.find('['), key.find(']')) {
        (Some(a), Some(b)) if a < b => format!("{}[]{}", &key[..a], &key[b + 1..]),
        _ => key.to_string(),
    }
}

/// Verifies one generated scenario: the verdict, with known classes marked.
async fn check(g: &GenScenario, file: &Path, chromium: &Path) -> ScenarioVerdict {
    let loaded = match scenario::parse_str(file, &g.to_toml()) {
        Ok(l) => l,
        Err(e) => {
            let mut v = verify_one_error(g, format!("generated an invalid scenario: {e}"));
            v.name = g.name.clone();
            return v;
        }
    };
    let oracle =
        fetchguard::oracle::Oracle::new(fetchguard::Engine::Chromium, Some(chromium.to_path_buf()));
    let mut v = verify_one(&loaded, &oracle).await;
    if v.error.is_some() {
        // One retry: a Chromium that did not start or post in time says nothing of the engine.
        v = verify_one(&loaded, &oracle).await;
    }
    for f in &mut v.fetches {
        if f.known_difference.is_none() {
            f.known_difference = known_difference(g, f.index, &f.differences).map(str::to_string);
        }
    }
    v
}

fn verify_one_error(g: &GenScenario, e: String) -> ScenarioVerdict {
    ScenarioVerdict {
        name: g.name.clone(),
        file: String::new(),
        browser: fetchguard::Engine::Chromium,
        fetches: Vec::new(),
        error: Some(e),
        observed: None,
    }
}

/// The first failing difference's key, as a [`signature`].
fn first_failing(v: &ScenarioVerdict) -> Option<(usize, Difference)> {
    v.fetches
        .iter()
        .find(|f| f.failing())
        .map(|f| (f.index, f.differences[0].clone()))
}

fn still_differs(v: &ScenarioVerdict, sig: &str) -> bool {
    v.fetches
        .iter()
        .any(|f| f.failing() && f.differences.iter().any(|d| signature(&d.key) == sig))
}

/// One disagreement, shrunk and written.
struct Written {
    file: PathBuf,
    report: String,
}

async fn shrink_and_write(
    g: GenScenario,
    verdict: &ScenarioVerdict,
    args: &GenerateArgs,
    chromium: Arc<PathBuf>,
) -> Result<Written, String> {
    let (fetch_index, first) = first_failing(verdict).ok_or("no failing fetch")?;
    let sig = signature(&first.key);
    let file = args
        .out
        .join(format!("seed{}-{:05}.toml", args.seed, index_of(&g)));
    let budget = args.budget;
    let handle = tokio::runtime::Handle::current();
    let start_obs = verdict.observed.clone().ok_or("no Chromium observation")?;
    let (shrunk, obs, final_verdict) = {
        let file = file.clone();
        let sig = sig.clone();
        tokio::task::spawn_blocking(move || {
            let mut last: Option<(Vec<FetchObservation>, String)> = None;
            let out = shrink(&g, budget, |c| {
                let v = handle.block_on(check(c, &file, &chromium));
                let yes = v.error.is_none() && still_differs(&v, &sig);
                if yes {
                    last = v.observed.clone().map(|o| (o, render(&v)));
                }
                yes
            });
            (out, last)
        })
        .await
        .map(|(out, last)| {
            let (obs, text) = match last {
                Some((o, t)) if out.accepted > 0 => (o, t),
                _ => (start_obs, render(verdict)),
            };
            (out, obs, text)
        })
        .map_err(|e| format!("the shrink task failed: {e}"))?
    };
    let text = shrunk.scenario.to_toml();
    let loaded = scenario::parse_str(&file, &text).map_err(|e| e.to_string())?;
    let body = oracle::update_expectations(&text, &loaded.scenario.fetches, &obs)
        .map_err(|e| e.to_string())?;
    let header = format!(
        "# Generated by `fetchguard verify --generate N --seed {}`: scenario #{} \
         (fetch #{} differed on {}: engine {}, chromium {}),\n\
         # shrunk in {} steps. The expectations are Chromium's observations.\n",
        args.seed,
        index_of(&shrunk.scenario),
        fetch_index + 1,
        first.key,
        first.engine,
        first.browser,
        shrunk.steps,
    );
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    std::fs::write(&file, format!("{header}{body}"))
        .map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(Written {
        file,
        report: final_verdict,
    })
}

/// The index in `gen-s{seed}-{index}`.
fn index_of(g: &GenScenario) -> u64 {
    g.name
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

pub(crate) async fn run(args: GenerateArgs) -> ExitCode {
    let chromium = chromium_path(args.chromium.clone());
    if !chromium.is_file() {
        eprintln!(
            "fetchguard verify: Chromium not found at {} (set --chromium or $CHROMIUM)",
            chromium.display()
        );
        return ExitCode::from(2);
    }
    let chromium = Arc::new(chromium);
    let (i, k) = args.shard;
    let indices: Vec<u64> = (0..args.count).filter(|n| n % k == i - 1).collect();
    let total = indices.len();
    let args = Arc::new(args);
    let sem = Arc::new(tokio::sync::Semaphore::new(args.jobs.max(1)));
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for n in indices {
        let (sem, args, chromium, done) =
            (sem.clone(), args.clone(), chromium.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            let g = generate(args.seed, n);
            let file = args.out.join(format!("seed{}-{n:05}.toml", args.seed));
            let v = check(&g, &file, &chromium).await;
            let written = if v.error.is_none() && first_failing(&v).is_some() {
                Some(shrink_and_write(g, &v, &args, chromium.clone()).await)
            } else {
                None
            };
            let d = done.fetch_add(1, Ordering::SeqCst) + 1;
            if v.error.is_some() || written.is_some() {
                eprint!("[{d}/{total}] {}", render(&v));
            } else if d % 25 == 0 {
                eprintln!("[{d}/{total}] ...");
            }
            (v, written)
        }));
    }
    let mut verdicts = Vec::new();
    let mut files = 0;
    let mut write_failed = false;
    for t in tasks {
        match t.await {
            Ok((v, w)) => {
                match w {
                    Some(Ok(w)) => {
                        files += 1;
                        println!("{}: shrunk to:\n{}", w.file.display(), w.report);
                    }
                    Some(Err(e)) => {
                        write_failed = true;
                        println!("{}: cannot shrink or write: {e}", v.name);
                    }
                    None => {}
                }
                verdicts.push(v);
            }
            Err(e) => {
                write_failed = true;
                eprintln!("fetchguard verify: a scenario task failed: {e}");
            }
        }
    }
    for v in verdicts.iter().filter(|v| v.error.is_some()) {
        print!("{}", render(v));
    }
    println!(
        "{} (seed {}, shard {i}/{k}); {files} shrunk disagreement{} written to {}",
        summary(&verdicts),
        args.seed,
        if files == 1 { "" } else { "s" },
        args.out.display()
    );
    let differ = verdicts
        .iter()
        .any(|v| v.error.is_some() || v.fetches.iter().any(|f| f.failing()));
    if differ || write_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_and_signatures() {
        assert_eq!(parse_shard("2/4"), Ok((2, 4)));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("x").is_err());
        assert_eq!(signature("wire[2].headers.origin"), "wire[].headers.origin");
        assert_eq!(signature("headers.x-a"), "headers.x-a");
    }
}
