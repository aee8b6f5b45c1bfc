//! The `fetchguard` command: run scenario files, or check one live URL as a page would.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

mod engines_cmd;
mod generate_cmd;
mod verify_cmd;
use engines_cmd::{Browsers, parse_browsers};
use fetchguard::net::Limits;
use fetchguard::policy::{AddressSpace, Permission};
use fetchguard::scenario::{self, FetchObservation, WireObservation, report};
use fetchguard::{
    Browser, Credentials, Mode, RedirectMode, Request, ResponseType, ThirdPartyCookies,
};

#[derive(Parser)]
#[command(
    name = "fetchguard",
    version,
    after_help = "Exit status: 0 all held, 1 an expectation or check failed, 2 bad input; each command's --help says exactly when.",
    about = "A browser's fetch engine (Chromium's CORS, preflights, cookies, redirects) without a browser"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenario files (or every *.toml below a directory) and check their expectations.
    #[command(after_help = RUN_EXIT)]
    Run {
        /// Scenario files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print one JSON array with every observation instead of the trace.
        #[arg(long)]
        json: bool,
        /// Print only failing scenarios and the summary.
        #[arg(long, short)]
        quiet: bool,
        /// Print the conformance table (per WPT directory of each file's `source`)
        /// instead of the traces; with --json, the table as JSON.
        #[arg(long)]
        report: bool,
        /// Also write a JUnit XML report to FILE (one test case per fetch).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write a self-contained HTML report to FILE: per fetch, a sequence diagram,
        /// what the server sent beside what script sees, the console line, pass or fail.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Show every request and response header in the trace (default: the ones that
        /// matter for CORS and cookies).
        #[arg(long, short)]
        verbose: bool,
        /// The engine profile(s) to run as: chromium, firefox, webkit, a comma-separated
        /// list, or all. Each checks its own expectations ([fetch.expect] with
        /// [fetch.expect.ENGINE]'s keys in place of its own). With several, each scenario
        /// runs once per engine and each fetch shows where the engines differ, side by
        /// side; --json then gives every engine's reports and the differences.
        #[arg(long, default_value = "chromium", value_parser = parse_browsers, value_name = "ENGINES")]
        browser: Browsers,
    },
    /// Run each scenario in the engine and in a real browser (headless Chromium unless
    /// --browser says otherwise) and compare every fetch.
    #[command(after_help = VERIFY_EXIT)]
    Verify {
        /// Scenario files or directories.
        #[arg(required_unless_present = "generate", conflicts_with = "generate")]
        paths: Vec<PathBuf>,
        /// Instead of files: generate N random valid scenarios, verify each, shrink each
        /// disagreement and write it to --out as a scenario file with Chromium's
        /// observations as expectations.
        #[arg(long, value_name = "N", conflicts_with_all = ["update", "json", "junit"])]
        generate: Option<u64>,
        /// With --generate: the generator's seed (default 1; same seed, same scenarios and
        /// files).
        #[arg(long)]
        seed: Option<u64>,
        /// With --generate: run only the scenarios whose index % K == I - 1.
        #[arg(long, value_name = "I/K", value_parser = generate_cmd::parse_shard)]
        shard: Option<(u64, u64)>,
        /// With --generate: where shrunk disagreements are written (default generated/).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// With --generate: Chromium runs allowed per shrink (default 150).
        #[arg(long, value_name = "N")]
        shrink_budget: Option<usize>,
        /// The Chromium binary (default: $CHROMIUM, else /usr/bin/chromium).
        #[arg(long)]
        chromium: Option<PathBuf>,
        /// Print one JSON array with both observations of every fetch.
        #[arg(long)]
        json: bool,
        /// Rewrite each file's expectations with the browser's observation: Chromium's into
        /// [fetch.expect]; Firefox's or WebKit's into [fetch.expect.firefox] or
        /// [fetch.expect.webkit], only the keys where it differs from [fetch.expect].
        #[arg(long)]
        update: bool,
        /// Scenarios (Chromiums) run at once.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// Also write a JUnit XML report to FILE (one test case per fetch).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// The browser(s) to observe: chromium, firefox ($FIREFOX, else
        /// /usr/bin/firefox-esr), webkit (WebKitGTK via $WEBKIT_PYTHON, else
        /// /usr/bin/python3, under xvfb-run), a comma-separated list, or all. The engine runs
        /// as each browser's profile; with several, each browser is verified in turn.
        #[arg(long, default_value = "chromium", value_parser = parse_browsers, value_name = "BROWSERS")]
        browser: Browsers,
        /// Print the differences and exit 0 even when the engine and a browser differ
        /// (bad input and scenarios that could not be verified still exit 2).
        #[arg(long, conflicts_with = "generate")]
        report_only: bool,
        /// Also write a Markdown table of where the browsers' own observations differ, per
        /// field category, to FILE (needs two browsers or more; the first one listed is the
        /// baseline).
        #[arg(long, value_name = "FILE", conflicts_with = "generate")]
        differences_md: Option<PathBuf>,
    },
    /// Fetch one live URL as a page at ORIGIN would, and show what the browser would do
    /// (real DNS and TLS: this contacts the server).
    #[command(after_help = CHECK_EXIT)]
    Check(CheckArgs),
}

const RUN_EXIT: &str = "Exit status:
  0  every expectation held (known differences allowed)
  1  an expectation did not hold (each mismatch is printed)
  2  bad arguments, a file that is not a valid scenario (file:line:column),
     paths holding no scenario file, or a scenario whose setup failed";

const VERIFY_EXIT: &str = "Exit status:
  0  the engine and Chromium agree on every fetch (known differences allowed)
  1  they differ on a fetch (each difference is printed); with --generate, also a
     generated scenario that could not be verified (each shrunk disagreement is
     written to --out)
  2  bad arguments, a file that is not a valid scenario, paths holding no scenario
     file, Chromium not found, or a scenario that could not be verified";

const CHECK_EXIT: &str =
    "Uses real DNS and TLS (the system's resolver and the web's root certificates):
the request really goes to the server, and the server really runs it.

Exit status:
  0  script could read the response (a basic or cors response)
  1  script could not read it (blocked by CORS, opaque, or a network error)
  2  bad arguments (a URL that is not http(s), an --origin that is not an origin...)";

#[derive(Clone, Copy, ValueEnum)]
enum CredArg {
    Omit,
    SameOrigin,
    Include,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    SameOrigin,
    NoCors,
    Cors,
}

#[derive(Clone, Copy, ValueEnum)]
enum RedirectArg {
    Follow,
    Error,
    Manual,
}

#[derive(Clone, Copy, ValueEnum)]
enum ThirdPartyArg {
    Allow,
    Block,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One scenario file needs no worker threads: a current-thread runtime starts without
    // spawning any and without reading the cgroup's CPU quota (BENCHMARKS.md, benchmark 6).
    let one_file = cli.command.runs_one_file();
    let mut builder = if one_file {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fetchguard: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            Command::Run {
                paths,
                json,
                quiet,
                report,
                junit,
                html,
                verbose,
                browser,
            } => {
                let opts = RunOpts {
                    json,
                    quiet,
                    conformance: report,
                    junit,
                    html,
                    verbose,
                    browsers: browser.0,
                };
                run(paths, opts).await
            }
            Command::Verify {
                generate: Some(count),
                seed,
                shard,
                out,
                shrink_budget,
                chromium,
                jobs,
                browser,
                ..
            } => {
                if browser.0 != [fetchguard::Engine::Chromium] {
                    eprintln!(
                        "fetchguard verify: --generate verifies against Chromium only; not with --browser {}",
                        browser.0.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",")
                    );
                    return ExitCode::from(2);
                }
                let args = generate_cmd::GenerateArgs {
                    count,
                    seed: seed.unwrap_or(1),
                    shard: shard.unwrap_or((1, 1)),
                    out: out.unwrap_or_else(|| PathBuf::from("generated")),
                    chromium,
                    jobs,
                    budget: shrink_budget.unwrap_or(150),
                };
                generate_cmd::run(args).await
            }
            Command::Verify {
                paths,
                chromium,
                json,
                update,
                jobs,
                junit,
                seed,
                shard,
                out,
                shrink_budget,
                browser,
                report_only,
                differences_md,
                ..
            } => {
                let given = [seed.is_some(), shard.is_some(), out.is_some()];
                if let Err(code) = generate_cmd::refuse_without_generate(given, shrink_budget) {
                    return code;
                }
                let args = verify_cmd::VerifyArgs {
                    paths,
                    chromium,
                    json,
                    update,
                    jobs,
                    junit,
                    browsers: browser.0,
                    report_only,
                    differences_md,
                };
                verify_cmd::verify(args).await
            }
            Command::Check(args) => check(args).await,
        }
    });
    // One scenario file in the engine: everything is written by now, and tearing the
    // runtime down (the scenario's servers and connections) would only delay the exit.
    // Other commands drop it: their tasks may own browser processes that are killed
    // when dropped.
    if one_file {
        std::mem::forget(runtime);
    }
    code
}

impl Command {
    /// True for `run` with one engine and one path that is a file (not a directory).
    fn runs_one_file(&self) -> bool {
        match self {
            Command::Run { paths, browser, .. } => {
                browser.0.len() == 1 && paths.len() == 1 && paths[0].is_file()
            }
            _ => false,
        }
    }
}

fn style() -> report::Style {
    let color = std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    report::Style::new(color)
}

/// Every scenario file under `paths`, parsed; on any error, each is printed and the
/// exit status is 2 (nothing runs).
fn load_scenarios(paths: &[PathBuf]) -> Result<Vec<scenario::LoadedScenario>, ExitCode> {
    let files = scenario::discover(paths).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(2)
    })?;
    if files.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "fetchguard: no scenario file (*.toml) in {}: nothing to run",
            names.join(", ")
        );
        return Err(ExitCode::from(2));
    }
    scenario::load_all(&files).map_err(|errors| {
        for e in errors {
            eprintln!("{e}");
        }
        ExitCode::from(2)
    })
}

/// The options of `fetchguard run` besides its paths.
struct RunOpts {
    json: bool,
    quiet: bool,
    conformance: bool,
    junit: Option<PathBuf>,
    html: Option<PathBuf>,
    verbose: bool,
    browsers: Vec<fetchguard::Engine>,
}

/// Writes a JUnit XML report; false (after saying why) when the file cannot be written.
fn write_junit(path: &std::path::Path, cases: &[report::JunitCase]) -> bool {
    match std::fs::write(path, report::junit_xml("fetchguard", cases)) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("fetchguard: cannot write {}: {e}", path.display());
            false
        }
    }
}

async fn run(paths: Vec<PathBuf>, opts: RunOpts) -> ExitCode {
    let RunOpts {
        json,
        quiet,
        conformance,
        ..
    } = opts;
    let loaded = match load_scenarios(&paths) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let parallel = if loaded.len() == 1 {
        1
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            * 2
    };
    let engine = match opts.browsers[..] {
        [one] => one,
        _ => {
            if conformance || opts.junit.is_some() || opts.html.is_some() {
                eprintln!(
                    "fetchguard run: --report, --junit and --html take one browser; --browser lists {}",
                    opts.browsers.len()
                );
                return ExitCode::from(2);
            }
            return engines_cmd::run(loaded, &opts.browsers, json, quiet, parallel).await;
        }
    };
    let total = loaded.len();
    let progress = std::io::stderr().is_terminal() && total > 1;
    let done = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let (d, f) = (done.clone(), failed.clone());
    let profile = fetchguard::Profile::for_engine(engine);
    let reports = scenario::run_all_as(loaded, profile, parallel, move |r| {
        let n = d.fetch_add(1, Ordering::SeqCst) + 1;
        if !r.passed() {
            f.fetch_add(1, Ordering::SeqCst);
        }
        if progress {
            let width = 30;
            let filled = n * width / total.max(1);
            eprint!(
                "\r[{}{}] {n}/{total} scenarios, {} failed",
                "#".repeat(filled),
                " ".repeat(width - filled),
                f.load(Ordering::SeqCst)
            );
            let _ = std::io::stderr().flush();
        }
    })
    .await;
    if progress {
        eprint!("\r{}\r", " ".repeat(70));
    }
    let setup_failed = reports.iter().any(|r| r.setup_error.is_some());
    let all_passed = reports.iter().all(|r| r.passed());
    if conformance {
        let rows = report::conformance(&reports);
        if json {
            match serde_json::to_string_pretty(&rows) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    eprintln!("fetchguard: cannot write JSON: {e}");
                    return ExitCode::from(2);
                }
            }
        } else {
            print!("{}", report::conformance_markdown(&rows));
        }
    } else if json {
        match serde_json::to_string_pretty(&reports) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fetchguard: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        let style = style();
        let detail = if opts.verbose {
            fetchguard::trace::Detail::All
        } else {
            fetchguard::trace::Detail::Cors
        };
        for r in &reports {
            if !quiet || !r.passed() {
                println!("{}", report::render_scenario_with(r, style, detail));
            }
        }
        // The default engine's summary stays as it always was; another one is named.
        if engine == fetchguard::Engine::Chromium {
            println!("{}", report::summary(&reports));
        } else {
            println!("{engine}: {}", report::summary(&reports));
        }
    }
    if let Some(path) = &opts.junit
        && !write_junit(path, &report::junit_cases(&reports))
    {
        return ExitCode::from(2);
    }
    if let Some(path) = &opts.html
        && let Err(e) = std::fs::write(path, report::html_report(&reports))
    {
        eprintln!("fetchguard: cannot write {}: {e}", path.display());
        return ExitCode::from(2);
    }
    if setup_failed {
        ExitCode::from(2)
    } else if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The URL to fetch.
    url: String,
    /// The page's origin, e.g. https://app.example.
    #[arg(long)]
    origin: String,
    /// The method.
    #[arg(short = 'X', long = "request", default_value = "GET")]
    method: String,
    /// A request header, 'Name: value' (repeatable).
    #[arg(short = 'H', long = "header")]
    headers: Vec<String>,
    /// A request body (a string, sent as text/plain;charset=UTF-8 unless -H sets one).
    #[arg(short = 'd', long = "data")]
    data: Option<String>,
    /// The credentials mode.
    #[arg(long, value_enum, default_value = "same-origin")]
    credentials: CredArg,
    /// The request mode.
    #[arg(long, value_enum, default_value = "cors")]
    mode: ModeArg,
    /// The redirect mode.
    #[arg(long, value_enum, default_value = "follow")]
    redirect: RedirectArg,
    /// A cookie already in the jar for the URL, as a Set-Cookie value (repeatable).
    #[arg(long)]
    cookie: Vec<String>,
    /// Third-party cookies (default: the browser profile's own; a fresh Chromium profile
    /// blocks them).
    #[arg(long, value_enum)]
    third_party_cookies: Option<ThirdPartyArg>,
    /// The engine profile to fetch as: chromium, firefox or webkit.
    #[arg(long, default_value = "chromium")]
    browser: fetchguard::Engine,
    /// Seconds before the request is given up.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Grant the page's origin the local-network permission (Local Network Access to
    /// private LAN addresses). Unset, Chrome asks; headless Chrome denies.
    #[arg(long)]
    allow_local_network: bool,
    /// Grant the page's origin the loopback-network permission (Local Network Access to
    /// this machine: localhost, 127.0.0.0/8, ::1).
    #[arg(long)]
    allow_loopback_network: bool,
    /// The fetch's targetAddressSpace (public, local, loopback; also private, unknown).
    #[arg(long)]
    target_address_space: Option<String>,
    /// Print JSON instead of the trace.
    #[arg(long)]
    json: bool,
    /// Show every request and response header in the trace (default: the ones that
    /// matter for CORS and cookies).
    #[arg(long, short)]
    verbose: bool,
}

/// `--origin`: an http(s) origin, `scheme://host[:port]`, optionally with a trailing `/`;
/// a path, query, fragment or user name is refused (it would silently be dropped).
fn parse_origin_arg(s: &str) -> Result<url::Url, String> {
    let not_origin = || format!("'{s}' is not an http(s) origin");
    let u = url::Url::parse(s).map_err(|_| not_origin())?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(not_origin());
    }
    let origin = u.origin().ascii_serialization();
    if u.path() != "/" || u.query().is_some() || u.fragment().is_some() {
        return Err(format!(
            "'{s}' is a URL, not an origin: give scheme://host[:port] only, e.g. {origin}"
        ));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(format!(
            "'{s}' carries a user name or password; an origin is scheme://host[:port], e.g. {origin}"
        ));
    }
    Ok(u)
}

/// The body as people read it: its size, then at most 200 characters of it.
fn body_preview(body: &str) -> String {
    const MAX: usize = 200;
    let size = report::count(body.len(), "byte", "bytes");
    if body.is_empty() {
        return "empty".into();
    }
    let shown: String = body.chars().take(MAX).collect();
    if body.chars().count() > MAX {
        format!("{size}, the first {MAX} characters: {shown:?}…")
    } else {
        format!("{size}: {shown:?}")
    }
}

/// The address space `url` reaches on this machine's network: the host's own space when it
/// says (IP literal, `localhost`, `.local`), else the space of the first address the name
/// resolves to (public when it does not resolve).
async fn target_address_space(url: &url::Url) -> AddressSpace {
    let host = url.host_str().unwrap_or_default();
    let derived = AddressSpace::of_host(host);
    if derived != AddressSpace::Public || host.parse::<std::net::IpAddr>().is_ok() {
        return derived;
    }
    let port = url.port_or_known_default().unwrap_or(443);
    match tokio::net::lookup_host((host, port)).await {
        Ok(mut addrs) => addrs
            .next()
            .map_or(AddressSpace::Public, |a| AddressSpace::of_ip(a.ip())),
        Err(_) => AddressSpace::Public,
    }
}

async fn check(a: CheckArgs) -> ExitCode {
    let bad = |msg: String| {
        eprintln!("fetchguard check: {msg}");
        ExitCode::from(2)
    };
    let target = match url::Url::parse(&a.url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => u,
        Ok(u) => return bad(format!("URL: scheme '{}' is not http or https", u.scheme())),
        Err(e) => return bad(format!("URL: '{}' is not a valid URL ({e})", a.url)),
    };
    let origin_url = match parse_origin_arg(&a.origin) {
        Ok(u) => u,
        Err(why) => return bad(format!("--origin: {why}")),
    };
    // The target's address space: the host's own (IP literal, localhost, .local), else
    // what the name resolves to. The page's is derived from its host.
    let target_space = target_address_space(&target).await;
    let mut builder = Browser::builder()
        .profile(fetchguard::Profile::for_engine(a.browser))
        .address_space(target.origin().ascii_serialization().as_str(), target_space);
    let page_origin = fetchguard::origin::Origin::from_url(&origin_url);
    for (granted, space) in [
        (a.allow_local_network, AddressSpace::Local),
        (a.allow_loopback_network, AddressSpace::Loopback),
    ] {
        if granted {
            builder =
                builder.network_permission(&page_origin.serialize(), space, Permission::Allow);
        }
    }
    if let Some(t) = a.third_party_cookies {
        builder = builder.third_party_cookies(match t {
            ThirdPartyArg::Allow => ThirdPartyCookies::Allow,
            ThirdPartyArg::Block => ThirdPartyCookies::Block,
        });
    }
    let browser = builder
        .limits(Limits {
            connect_timeout: Duration::from_secs(a.timeout.clamp(1, 600)),
            request_timeout: Duration::from_secs(a.timeout.clamp(1, 600)),
            ..Limits::default()
        })
        .build();
    for c in &a.cookie {
        if let Err(why) = browser.set_cookie(&target, c) {
            return bad(format!("--cookie '{c}': {why}"));
        }
    }
    let page = match browser.page(origin_url.as_str()) {
        Ok(p) => p,
        Err(e) => return bad(format!("--origin: {e}")),
    };
    let mut req = Request::new(a.method.clone(), a.url.clone())
        .mode(match a.mode {
            ModeArg::SameOrigin => Mode::SameOrigin,
            ModeArg::NoCors => Mode::NoCors,
            ModeArg::Cors => Mode::Cors,
        })
        .credentials(match a.credentials {
            CredArg::Omit => Credentials::Omit,
            CredArg::SameOrigin => Credentials::SameOrigin,
            CredArg::Include => Credentials::Include,
        })
        .redirect(match a.redirect {
            RedirectArg::Follow => RedirectMode::Follow,
            RedirectArg::Error => RedirectMode::Error,
            RedirectArg::Manual => RedirectMode::Manual,
        });
    for h in &a.headers {
        match h.split_once(':') {
            Some((n, v)) if !n.trim().is_empty() => req = req.header(n.trim(), v.trim()),
            _ => return bad(format!("-H '{h}': expected 'Name: value'")),
        }
    }
    if let Some(d) = &a.data {
        req = req.body(d.clone());
    }
    if let Some(t) = &a.target_address_space {
        req = req.target_address_space(t.clone());
    }
    let result = page.fetch(req).await;
    let trace = match &result {
        Ok(r) => r.trace().clone(),
        Err(e) => e.trace().clone(),
    };
    let readable = matches!(&result, Ok(r) if matches!(r.response_type(), ResponseType::Basic | ResponseType::Cors));
    if a.json {
        // The wire here is what the engine sent (the server is not ours to observe).
        let mut obs = FetchObservation::new(&result, &[]);
        obs.wire = trace
            .wire()
            .iter()
            .map(|w| WireObservation {
                method: w.method.to_string(),
                url: w.url.to_string(),
                headers: w
                    .header_pairs()
                    .map(|(n, v)| (n.to_string(), v.into_owned()))
                    .collect(),
            })
            .collect();
        match serde_json::to_string_pretty(&obs) {
            Ok(s) => println!("{s}"),
            Err(e) => return bad(format!("cannot write JSON: {e}")),
        }
    } else {
        let style = style();
        println!(
            "{} {} as a page at {} ({})",
            a.method,
            a.url,
            page.origin(),
            a.browser.title()
        );
        let detail = if a.verbose {
            fetchguard::trace::Detail::All
        } else {
            fetchguard::trace::Detail::Cors
        };
        print!("{}", trace.render(style, "  ", detail));
        match &result {
            Ok(r) => {
                let kind = r.response_type().as_str();
                let article = if kind.starts_with('o') { "an" } else { "a" };
                println!(
                    "  script {} {article} {kind} response: status {}",
                    if readable {
                        "reads"
                    } else {
                        "cannot read into"
                    },
                    r.status()
                );
                for (n, v) in r.headers() {
                    println!("    {n}: {v}");
                }
                println!("  body: {}", body_preview(&r.text()));
                if !readable && let Some(note) = trace.opaque_note() {
                    println!("  note: {note}");
                }
            }
            Err(e) => {
                println!("  script gets: TypeError: {}", e.message());
                for c in e.console() {
                    println!("  console: {}", c.trim_end());
                }
                if trace.reached_server() {
                    println!(
                        "  note: the request reached the server and the server ran it; only script was kept from the response"
                    );
                }
            }
        }
    }
    if !a.json {
        warn_vary_origin(&trace, &page.origin().serialize());
    }
    if readable {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A warning line when the (last) response reflects the page's origin in
/// `Access-Control-Allow-Origin` without `Vary: Origin`: the cache-poisoning risk.
fn warn_vary_origin(trace: &fetchguard::trace::Trace, origin: &str) {
    let Some(headers) = trace.events().iter().rev().find_map(|e| match e {
        fetchguard::trace::TraceEvent::Received { headers, .. } => Some(headers),
        _ => None,
    }) else {
        return;
    };
    if fetchguard::http_cache::policy::acao_varies_without_vary_origin(
        &headers.to_header_map(),
        origin,
    ) {
        println!(
            "  warning: Access-Control-Allow-Origin echoes the request's Origin ({origin}) but the response has no 'Vary: Origin': a browser or shared cache can store the response of a request without Origin (a no-cors load, another site) and serve it to a CORS fetch it does not fit, which then fails from the cache without reaching the server (cache poisoning); add 'Vary: Origin'"
        );
    }
}
